/**
 * PNG export of a previewed output (issue 4): the worker's full-resolution float data
 * (HWC float32, values in [0, 1]) becomes 8-bit RGBA, is encoded as PNG by the browser's
 * canvas, and carries the graph file text in an iTXt chunk (src/storage/pngGraph.ts), so
 * dropping the PNG back into the editor opens the graph that made it.
 */
import { embedGraphInPng } from '../../storage/pngGraph';

export interface FloatPixels {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: Float32Array;
}

/** [0, 1] → 0…255, rounded; NaN → 0, out-of-range values clamp. */
function byte(v: number): number {
  if (Number.isNaN(v)) return 0;
  return Math.round(Math.min(1, Math.max(0, v)) * 255);
}

/**
 * 8-bit RGBA of an HWC float image: 1 channel → gray, 2 → gray + alpha, 3 → RGB,
 * 4 → RGBA, more → the first three as RGB. Opaque unless the image has an alpha channel.
 */
export function toRgba8(img: FloatPixels): Uint8ClampedArray {
  const { width, height, channels, data } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`cannot export a ${width}×${height} output as PNG: it has no pixels`);
  }
  if (!Number.isInteger(channels) || channels < 1) throw new Error(`cannot export an output with ${channels} channels as PNG`);
  const n = width * height;
  if (data.length < n * channels) {
    throw new Error(`the output holds ${data.length} values, fewer than ${width}×${height}×${channels}`);
  }
  const out = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    const s = i * channels;
    const d = i * 4;
    if (channels <= 2) {
      const g = byte(data[s]!);
      out[d] = out[d + 1] = out[d + 2] = g;
      out[d + 3] = channels === 2 ? byte(data[s + 1]!) : 255;
    } else {
      out[d] = byte(data[s]!);
      out[d + 1] = byte(data[s + 1]!);
      out[d + 2] = byte(data[s + 2]!);
      out[d + 3] = channels === 4 ? byte(data[s + 3]!) : 255;
    }
  }
  return out;
}

/** A file-name-safe slug of a graph name ('graph' when nothing is left). */
export function graphSlug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'graph'
  );
}

/** `<graph-slug>-<node>.png` */
export function pngFileName(graphName: string, node: string): string {
  const n = node.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-|-$/g, '') || 'output';
  return `${graphSlug(graphName)}-${n}.png`;
}

/** Encodes RGBA pixels as PNG with the browser's canvas (OffscreenCanvas when available). */
export async function encodePng(rgba: Uint8ClampedArray, width: number, height: number): Promise<Uint8Array> {
  const image = new ImageData(new Uint8ClampedArray(rgba), width, height);
  let blob: Blob | null;
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('the browser gave no 2D canvas to encode the PNG');
    ctx.putImageData(image, 0, 0);
    blob = await canvas.convertToBlob({ type: 'image/png' });
  } else {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('the browser gave no 2D canvas to encode the PNG');
    ctx.putImageData(image, 0, 0);
    blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  }
  if (!blob) throw new Error(`the browser could not encode a ${width}×${height} PNG`);
  return new Uint8Array(await blob.arrayBuffer());
}

/** The PNG file of an output with the graph text embedded. */
export async function outputPng(img: FloatPixels, graphText: string): Promise<Uint8Array> {
  const png = await encodePng(toRgba8(img), img.width, img.height);
  return embedGraphInPng(png, graphText);
}
