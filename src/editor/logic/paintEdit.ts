/**
 * DOM-free logic of the `mask.paint` painting mode: screen → canvas coordinates, simplifying
 * a dragged polyline, appending one finished stroke to the node's encoded `strokes` text
 * (format in src/engine/paintMask.ts), clearing, the canvas size to paint on and the RGBA of
 * the semi-transparent mask overlay.
 */
import { decodePaint, encodePaint, quantize, type PaintMode } from '../../engine/paintMask';

/** Zoom and pan of a view: screen = canvas · zoom + pan (as in preview/viewport.ts). */
export interface PaintView {
  readonly zoom: number;
  readonly panX: number;
  readonly panY: number;
}

/** Canvas size used when nothing is painted and no image is wired (the node's default). */
export const DEFAULT_PAINT_SIDE = 256;

/** A screen (CSS px, relative to the canvas element) point → canvas pixel coordinates (floats). */
export function screenToCanvas(v: PaintView, sx: number, sy: number): { x: number; y: number } {
  return { x: (sx - v.panX) / v.zoom, y: (sy - v.panY) / v.zoom };
}

/** The view that fits a w×h canvas centred in a viewW×viewH element with `margin` px around. */
export function fitPaintView(w: number, h: number, viewW: number, viewH: number, margin = 8): PaintView {
  const zoom = Math.max(1 / 64, Math.min(64, Math.min(Math.max(1, viewW - 2 * margin) / w, Math.max(1, viewH - 2 * margin) / h)));
  return { zoom, panX: (viewW - w * zoom) / 2, panY: (viewH - h * zoom) / 2 };
}

function segDist2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = px - ax - t * dx;
  const ey = py - ay - t * dy;
  return ex * ex + ey * ey;
}

/**
 * Simplifies a flat x,y polyline: quantizes to the encoder's 0.1 px, drops repeated points,
 * then Ramer–Douglas–Peucker with `tolerance` px (every dropped point lies within `tolerance`
 * of the kept polyline). Keeps the first and last point; a single point stays one point.
 */
export function simplifyPolyline(points: readonly number[], tolerance: number): number[] {
  const q: number[] = [];
  for (let i = 0; i + 1 < points.length; i += 2) {
    const x = quantize(points[i]!);
    const y = quantize(points[i + 1]!);
    const n = q.length;
    if (n >= 2 && q[n - 2] === x && q[n - 1] === y) continue;
    q.push(x, y);
  }
  const count = q.length >> 1;
  if (count <= 2) return q;
  const keep = new Uint8Array(count);
  keep[0] = keep[count - 1] = 1;
  const tol2 = tolerance * tolerance;
  const stack: [number, number][] = [[0, count - 1]];
  while (stack.length) {
    const [a, b] = stack.pop()!;
    let worst = -1;
    let worstD = tol2;
    for (let i = a + 1; i < b; i++) {
      const d = segDist2(q[2 * i]!, q[2 * i + 1]!, q[2 * a]!, q[2 * a + 1]!, q[2 * b]!, q[2 * b + 1]!);
      if (d > worstD) {
        worstD = d;
        worst = i;
      }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack.push([a, worst], [worst, b]);
    }
  }
  const out: number[] = [];
  for (let i = 0; i < count; i++) if (keep[i]) out.push(q[2 * i]!, q[2 * i + 1]!);
  return out;
}

/** The canvas to paint on: the wired image's size, else the strokes' canvas, else 256×256. */
export function paintCanvasSize(encoded: string, image: { width: number; height: number } | null | undefined): { width: number; height: number } {
  if (image) return { width: image.width, height: image.height };
  const doc = decodePaint(encoded);
  if (doc.width > 0) return { width: doc.width, height: doc.height };
  return { width: DEFAULT_PAINT_SIDE, height: DEFAULT_PAINT_SIDE };
}

export interface NewStroke {
  readonly mode: PaintMode;
  /** Brush radius in pixels of the painted-on canvas. */
  readonly radius: number;
  /** Flat x, y pairs in pixels of the painted-on canvas. */
  readonly points: readonly number[];
}

/**
 * Appends one stroke painted on a canvasW×canvasH canvas to the encoded text, leaving the
 * existing text untouched. An empty text starts a document of the canvas size. When the
 * document was painted on another size, the stroke is scaled into its coordinates (the node
 * scales the document back to the image size when it renders). The points are simplified
 * with `tolerance` px (in painted-canvas pixels). Returns the text unchanged for a stroke
 * without points.
 */
export function appendStroke(encoded: string, canvasW: number, canvasH: number, stroke: NewStroke, tolerance = 0.5): string {
  const doc = decodePaint(encoded);
  const empty = doc.width === 0;
  const dw = empty ? canvasW : doc.width;
  const dh = empty ? canvasH : doc.height;
  const sx = dw / canvasW;
  const sy = dh / canvasH;
  const scaled = sx === 1 && sy === 1 ? stroke.points : stroke.points.map((v, i) => (i % 2 === 0 ? v * sx : v * sy));
  const pts = simplifyPolyline(scaled, tolerance * Math.sqrt(sx * sy));
  if (pts.length < 2) return encoded;
  const radius = Math.max(0.1, quantize(stroke.radius * Math.sqrt(sx * sy)));
  const text = encodePaint({ width: dw, height: dh, strokes: [{ mode: stroke.mode, radius, points: pts }] });
  return empty ? text : `${encoded.trim()};${text.slice(text.indexOf(';') + 1)}`;
}

/** The text with every stroke removed; keeps the canvas size (so the mask keeps its size). */
export function clearStrokes(encoded: string): string {
  const doc = decodePaint(encoded);
  return doc.width > 0 ? `${doc.width}x${doc.height}` : '';
}

/** RGBA of the overlay: holes (1) in `colour` with `alpha` (0 … 255), known pixels transparent. */
export function maskOverlay(mask: Uint8Array, colour: readonly [number, number, number] = [255, 48, 96], alpha = 140): Uint8ClampedArray {
  const out = new Uint8ClampedArray(mask.length * 4);
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    out[4 * i] = colour[0];
    out[4 * i + 1] = colour[1];
    out[4 * i + 2] = colour[2];
    out[4 * i + 3] = alpha;
  }
  return out;
}

/** HWC float image (1–4 channels, values 0 … 1) → opaque RGBA for display. */
export function imageToRgba(img: { width: number; height: number; channels: number; data: Float32Array }): Uint8ClampedArray {
  const n = img.width * img.height;
  const c = img.channels;
  const out = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    const g = img.data[i * c]!;
    const gg = c >= 3 ? img.data[i * c + 1]! : g;
    const b = c >= 3 ? img.data[i * c + 2]! : g;
    out[4 * i] = Math.round(g * 255);
    out[4 * i + 1] = Math.round(gg * 255);
    out[4 * i + 2] = Math.round(b * 255);
    out[4 * i + 3] = 255;
  }
  return out;
}
