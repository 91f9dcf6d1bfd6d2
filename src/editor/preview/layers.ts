/**
 * Display layers of the preview: an image's analysis in a display mode (image or heat map)
 * turned into a bitmap at native resolution, built in row bands for large images so the page
 * never blocks for long.
 */
import { heatRange, type Analysis, type DisplayMode } from './analyze';
import type { FloatImage } from './types';

export type Layer = ImageBitmap | HTMLCanvasElement;
export interface Rendered {
  readonly ana: Analysis;
  readonly layer: Layer;
}

/** Heat map for a 1-channel image when `heat`, else the image itself. */
export function modeFor(img: FloatImage, heat: boolean): DisplayMode {
  if (heat && img.channels === 1) {
    const { lo, hi } = heatRange(img.data);
    return { kind: 'heat', lo, hi };
  }
  return { kind: 'image' };
}

export function modeKey(m: DisplayMode): string {
  return m.kind === 'heat' ? `heat:${m.lo}:${m.hi}` : `image:${m.gain ?? 1}`;
}

/** Above this many pixels a layer is built in row bands, yielding between them. */
const LAYER_BAND_PIXELS = 256 * 1024;

/**
 * The display layer of an analysis. A large one is put into a canvas band by band (one
 * createImageBitmap of 2048² pixels holds the main thread for ~80 ms), so building it never
 * blocks the page for long.
 */
export async function toLayer(a: Analysis, signal?: AbortSignal): Promise<Layer> {
  const data = new ImageData(a.rgba as Uint8ClampedArray<ArrayBuffer>, a.width, a.height);
  if (a.width * a.height <= LAYER_BAND_PIXELS && typeof createImageBitmap === 'function') {
    try {
      return await createImageBitmap(data);
    } catch {
      // fall through to a canvas
    }
  }
  const c = document.createElement('canvas');
  c.width = a.width;
  c.height = a.height;
  const ctx = c.getContext('2d');
  const band = Math.max(1, Math.floor(LAYER_BAND_PIXELS / Math.max(1, a.width)));
  for (let y = 0; y < a.height; y += band) {
    if (signal?.aborted) {
      const e = new Error('preview: superseded');
      e.name = 'AbortError';
      throw e;
    }
    ctx?.putImageData(data, 0, 0, 0, y, a.width, Math.min(band, a.height - y));
    if (y + band < a.height) await new Promise((r) => setTimeout(r, 0));
  }
  return c;
}
