/**
 * Painted masks (`mask.paint`): the compact text encoding of brush strokes, its parser, and
 * the exact rasterizer. Plain TypeScript with no tfjs, so the editor (main thread) can encode
 * the strokes a user paints and draw the very pixels the node will compute, and the node
 * (worker, CLI) can reproduce them exactly on load.
 *
 * Format, version 1 (the value of the node's `strokes` string param):
 *
 *     <W>x<H>(;<stroke>)*            e.g.  "256x192;p6:10,20,40.5,22;e3:30,21"
 *     stroke = <mode><radius>:<x>,<y>(,<x>,<y>)*
 *     mode   = p (paint: pixels become holes, 1) | e (erase: pixels become known, 0)
 *
 * - `W`×`H` is the canvas the strokes were painted on (the image size in the editor).
 * - Coordinates are canvas pixels; pixel (row i, column j) covers [j, j+1) × [i, i+1), so its
 *   centre is (j + 0.5, i + 0.5). Numbers are plain decimals (the encoder writes at most one
 *   fractional digit, see `quantize`); `radius` is positive.
 * - A stroke covers every pixel whose centre lies within `radius` of its polyline (a single
 *   point gives a disc). Strokes apply in order: paint sets 1, erase sets 0.
 * - Rendering at another size (a different image wired to the node) scales x by W′/W, y by
 *   H′/H and the radius by √(W′/W · H′/H); at the canvas size nothing is scaled, so the
 *   stored strokes reproduce the painted pixels exactly. The arithmetic is plain IEEE double
 *   (+ − × and comparisons), identical on every JS engine.
 */

export type PaintMode = 'paint' | 'erase';

export interface PaintStroke {
  readonly mode: PaintMode;
  /** Brush radius in canvas pixels (> 0). */
  readonly radius: number;
  /** Flat x, y pairs in canvas pixels; at least one point. */
  readonly points: readonly number[];
}

export interface PaintDocument {
  readonly width: number;
  readonly height: number;
  readonly strokes: readonly PaintStroke[];
}

/** Largest canvas side and brush radius the format accepts. */
export const PAINT_MAX_SIDE = 8192;
export const PAINT_MAX_RADIUS = 1024;
/** Coordinates may lie outside the canvas by at most this much (strokes that start off-canvas). */
const COORD_LIMIT = 100000;

const NUM = /^-?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** Rounds a coordinate or radius to the precision the encoder writes (0.1 px). */
export function quantize(v: number): number {
  return Math.round(v * 10) / 10;
}

function fmt(v: number): string {
  const q = quantize(v);
  return String(Object.is(q, -0) ? 0 : q);
}

/** Encodes a paint document (numbers are quantized to 0.1 px). */
export function encodePaint(doc: PaintDocument): string {
  const parts = [`${doc.width}x${doc.height}`];
  for (const s of doc.strokes) {
    parts.push(`${s.mode === 'erase' ? 'e' : 'p'}${fmt(s.radius)}:${s.points.map(fmt).join(',')}`);
  }
  return parts.join(';');
}

/**
 * Parses the `strokes` text. The empty string is a document with no canvas (size 0×0) and
 * no strokes. Throws an Error that names the stroke and the problem.
 */
export function decodePaint(text: string): PaintDocument {
  const t = text.trim();
  if (t === '') return { width: 0, height: 0, strokes: [] };
  const parts = t.split(';');
  const head = /^(\d+)x(\d+)$/.exec(parts[0]!.trim());
  if (!head) throw new Error(`the painted strokes must start with the canvas size "<width>x<height>", got "${clip(parts[0]!)}"`);
  const width = Number(head[1]);
  const height = Number(head[2]);
  if (width < 1 || height < 1 || width > PAINT_MAX_SIDE || height > PAINT_MAX_SIDE) {
    throw new Error(`the paint canvas ${width}x${height} is outside 1 … ${PAINT_MAX_SIDE} pixels per side`);
  }
  const strokes: PaintStroke[] = [];
  for (let n = 1; n < parts.length; n++) {
    const raw = parts[n]!.trim();
    const where = `stroke ${n}`;
    if (raw === '') throw new Error(`${where} is empty (two ";" in a row or a trailing ";")`);
    const mode = raw[0];
    if (mode !== 'p' && mode !== 'e') throw new Error(`${where} starts with "${raw[0]}"; expected p (paint) or e (erase)`);
    const colon = raw.indexOf(':');
    if (colon < 0) throw new Error(`${where} ("${clip(raw)}") has no ":" between the radius and the points`);
    const rText = raw.slice(1, colon);
    if (!NUM.test(rText)) throw new Error(`${where}: radius "${clip(rText)}" is not a number`);
    const radius = Number(rText);
    if (!(radius > 0) || radius > PAINT_MAX_RADIUS) throw new Error(`${where}: radius ${radius} is outside (0, ${PAINT_MAX_RADIUS}]`);
    const coords = raw.slice(colon + 1).split(',');
    if (coords.length < 2 || coords.length % 2 !== 0) throw new Error(`${where}: expected x,y pairs of numbers, got ${coords.length} value${coords.length === 1 ? '' : 's'}`);
    const points: number[] = new Array<number>(coords.length);
    for (let i = 0; i < coords.length; i++) {
      const c = coords[i]!.trim();
      if (!NUM.test(c)) throw new Error(`${where}: coordinate ${i + 1} "${clip(c)}" is not a number`);
      const v = Number(c);
      if (Math.abs(v) > COORD_LIMIT) throw new Error(`${where}: coordinate ${v} is outside ±${COORD_LIMIT}`);
      points[i] = v;
    }
    strokes.push({ mode: mode === 'e' ? 'erase' : 'paint', radius, points });
  }
  return { width, height, strokes };
}

/** Validation for the node's param check: null when the text parses, else the reason. */
export function paintProblem(text: string): string | null {
  try {
    decodePaint(text);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/**
 * Draws one polyline of radius `r` into `out` (row-major width×height, one byte per pixel),
 * setting `value` on every pixel whose centre is within r of the polyline. Exposed for the
 * random strokes of `mask.strokes`.
 */
export function drawPolyline(out: Uint8Array, width: number, height: number, points: ArrayLike<number>, r: number, value: 0 | 1): void {
  const n = points.length >> 1;
  if (n === 0 || !(r > 0)) return;
  const r2 = r * r;
  for (let s = 0; s < Math.max(1, n - 1); s++) {
    const x0 = points[2 * s]!;
    const y0 = points[2 * s + 1]!;
    const x1 = n > 1 ? points[2 * s + 2]! : x0;
    const y1 = n > 1 ? points[2 * s + 3]! : y0;
    const dx = x1 - x0;
    const dy = y1 - y0;
    const len2 = dx * dx + dy * dy;
    // Pixels j with centre j + 0.5 in [min − r, max + r].
    const j0 = Math.max(0, Math.ceil(Math.min(x0, x1) - r - 0.5));
    const j1 = Math.min(width - 1, Math.floor(Math.max(x0, x1) + r - 0.5));
    const i0 = Math.max(0, Math.ceil(Math.min(y0, y1) - r - 0.5));
    const i1 = Math.min(height - 1, Math.floor(Math.max(y0, y1) + r - 0.5));
    for (let i = i0; i <= i1; i++) {
      const py = i + 0.5 - y0;
      const row = i * width;
      for (let j = j0; j <= j1; j++) {
        const px = j + 0.5 - x0;
        let ex = px;
        let ey = py;
        if (len2 > 0) {
          let t = (px * dx + py * dy) / len2;
          t = t < 0 ? 0 : t > 1 ? 1 : t;
          ex = px - t * dx;
          ey = py - t * dy;
        }
        if (ex * ex + ey * ey <= r2) out[row + j] = value;
      }
    }
  }
}

/**
 * Renders a paint document to a width×height mask (1 = hole). At the document's own canvas
 * size the strokes are used as stored; at another size they are scaled (see the file header).
 */
export function rasterizePaint(doc: PaintDocument, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  if (doc.strokes.length === 0) return out;
  const same = doc.width === width && doc.height === height;
  const sx = same ? 1 : width / doc.width;
  const sy = same ? 1 : height / doc.height;
  const sr = same ? 1 : Math.sqrt(sx * sy);
  for (const s of doc.strokes) {
    const pts = same ? s.points : s.points.map((v, i) => (i % 2 === 0 ? v * sx : v * sy));
    drawPolyline(out, width, height, pts, s.radius * sr, s.mode === 'erase' ? 0 : 1);
  }
  return out;
}
