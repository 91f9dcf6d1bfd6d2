/**
 * Biharmonic inpainting, the same linear system as scikit-image's `inpaint_biharmonic`
 * (0.19, Damelin & Hoang 2018), solved with a sparse Cholesky factorization.
 *
 * scikit-image requires, at every hole pixel p, that the biharmonic stencil applied to the
 * image vanishes: Σ_q c_p(q) u(q) = 0, where c_p = ∇²∇²δ_p computed by `scipy.ndimage.laplace`
 * (mode 'reflect') twice. With L the 5-point Laplacian whose border reflects (a pixel's
 * diagonal entry is minus its number of in-image 4-neighbours; L is symmetric), that stencil is
 * row p of L·L, so the system for the hole pixels H is
 *
 *     (L·L)[H, H] u_H = −(L·L)[H, K] u_K
 *
 * — symmetric positive definite, since (L·L)[H, H] = (L P_H)ᵀ (L P_H) and L's null space is the
 * constants. Pixels are coupled only within Manhattan distance 2, so the hole splits into
 * independent systems (skimage's `split_into_regions` gives the same result); each is ordered by
 * nested dissection (2-pixel-thick separators) and factorized once for all channels. As in
 * scikit-image, the result is clipped per channel to the range of the known pixels.
 */
import { HostLoop } from '../hostLoop';
import { cholesky, choleskySolve, type UpperCsc } from './sparseCholesky';

/** Largest Cholesky factor (nonzeros) one hole region may need: 48M entries ≈ 580 MB. */
export const BIHARMONIC_MAX_FACTOR = 48_000_000;

/** Offsets (dy, dx) within Manhattan distance 2, excluding (0, 0): the couplings of L·L. */
const COUPLED: readonly (readonly [number, number])[] = [
  [-2, 0], [-1, -1], [-1, 0], [-1, 1], [0, -2], [0, -1], [0, 1], [0, 2], [1, -1], [1, 0], [1, 1], [2, 0],
];

/**
 * Row p = (y, x) of L·L as (offset index into a 5×5 block centred on p → coefficient),
 * written to `coef` (length 25, index (dy + 2)·5 + dx + 2).
 */
function stencil(y: number, x: number, h: number, w: number, coef: Float64Array): void {
  coef.fill(0);
  const deg = (yy: number, xx: number): number => (yy > 0 ? 1 : 0) + (yy < h - 1 ? 1 : 0) + (xx > 0 ? 1 : 0) + (xx < w - 1 ? 1 : 0);
  // (L·L)[p, q] = Σ_m L[p, m] L[m, q], m ∈ {p} ∪ N(p).
  const visit = (my: number, mx: number, lpm: number): void => {
    const add = (qy: number, qx: number, lmq: number): void => {
      const at = (qy - y + 2) * 5 + (qx - x + 2);
      coef[at] = coef[at]! + lpm * lmq;
    };
    add(my, mx, -deg(my, mx));
    if (my > 0) add(my - 1, mx, 1);
    if (my < h - 1) add(my + 1, mx, 1);
    if (mx > 0) add(my, mx - 1, 1);
    if (mx < w - 1) add(my, mx + 1, 1);
  };
  visit(y, x, -deg(y, x));
  if (y > 0) visit(y - 1, x, 1);
  if (y < h - 1) visit(y + 1, x, 1);
  if (x > 0) visit(y, x - 1, 1);
  if (x < w - 1) visit(y, x + 1, 1);
}

/** Connected groups of hole pixels (coupled when within Manhattan distance 2). */
function regions(hole: Uint8Array, h: number, w: number): Int32Array[] {
  const seen = new Uint8Array(h * w);
  const out: Int32Array[] = [];
  const queue = new Int32Array(h * w);
  for (let s = 0; s < hole.length; s++) {
    if (!hole[s] || seen[s]) continue;
    let head = 0;
    let tail = 0;
    queue[tail++] = s;
    seen[s] = 1;
    while (head < tail) {
      const p = queue[head++]!;
      const y = (p / w) | 0;
      const x = p - y * w;
      for (const [dy, dx] of COUPLED) {
        const yy = y + dy;
        const xx = x + dx;
        if (yy < 0 || xx < 0 || yy >= h || xx >= w) continue;
        const q = yy * w + xx;
        if (hole[q] && !seen[q]) {
          seen[q] = 1;
          queue[tail++] = q;
        }
      }
    }
    out.push(queue.slice(0, tail));
  }
  return out;
}

/**
 * Nested-dissection order of the pixels `pix` (image indices): split the bounding box across
 * its longer side at the median, with a 2-pixel-thick separator numbered last.
 */
function nestedDissection(pix: Int32Array, w: number): Int32Array {
  const order = new Int32Array(pix.length);
  let pos = 0;
  const leaf = 48;
  const visit = (part: Int32Array): void => {
    if (part.length <= leaf) {
      order.set(part, pos);
      pos += part.length;
      return;
    }
    let y0 = Infinity;
    let y1 = -Infinity;
    let x0 = Infinity;
    let x1 = -Infinity;
    for (const p of part) {
      const y = (p / w) | 0;
      const x = p - y * w;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
    }
    const byRow = y1 - y0 >= x1 - x0;
    const lo = byRow ? y0 : x0;
    const span = (byRow ? y1 : x1) - lo + 1;
    if (span <= 4) {
      order.set(part, pos);
      pos += part.length;
      return;
    }
    const coord = (p: number): number => (byRow ? (p / w) | 0 : p % w) - lo;
    // Median coordinate by counting.
    const hist = new Int32Array(span);
    for (const p of part) hist[coord(p)]!++;
    let m = 0;
    for (let acc = 0; m < span; m++) {
      acc += hist[m]!;
      if (acc * 2 >= part.length) break;
    }
    m = Math.min(Math.max(m, 1), span - 3);
    const left: number[] = [];
    const right: number[] = [];
    const sep: number[] = [];
    for (const p of part) {
      const c = coord(p);
      if (c < m) left.push(p);
      else if (c > m + 1) right.push(p);
      else sep.push(p);
    }
    visit(Int32Array.from(left));
    visit(Int32Array.from(right));
    order.set(sep, pos);
    pos += sep.length;
  };
  visit(pix);
  return order;
}

export interface BiharmonicInput {
  /** HWC float32 pixels; not modified. */
  readonly data: Float32Array;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** 1 = hole, per pixel. */
  readonly hole: Uint8Array;
}

/** Inpaints the holes; pixels outside them are copied from the input unchanged. */
export async function biharmonicInpaint(input: BiharmonicInput, signal?: AbortSignal, maxFactor = BIHARMONIC_MAX_FACTOR): Promise<Float32Array> {
  const { data, height: h, width: w, channels: c, hole } = input;
  const out = Float32Array.from(data);
  const loop = new HostLoop(signal);
  // Per-channel range of the known pixels (skimage clips the result to it).
  const lo = new Float64Array(c).fill(Infinity);
  const hi = new Float64Array(c).fill(-Infinity);
  for (let p = 0; p < h * w; p++) {
    if (hole[p]) continue;
    for (let ch = 0; ch < c; ch++) {
      const v = data[p * c + ch]!;
      if (v < lo[ch]!) lo[ch] = v;
      if (v > hi[ch]!) hi[ch] = v;
    }
  }
  const index = new Int32Array(h * w).fill(-1);
  const coef = new Float64Array(25);
  for (const region of regions(hole, h, w)) {
    await loop.tick();
    const order = nestedDissection(region, w);
    const n = order.length;
    for (let k = 0; k < n; k++) index[order[k]!] = k;
    // Upper triangle in columns, and the right-hand sides.
    const colPtr = new Int32Array(n + 1);
    const rows: number[] = [];
    const vals: number[] = [];
    const rhs = new Float64Array(n * c);
    for (let k = 0; k < n; k++) {
      const p = order[k]!;
      const y = (p / w) | 0;
      const x = p - y * w;
      stencil(y, x, h, w, coef);
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          const a = coef[(dy + 2) * 5 + dx + 2]!;
          if (a === 0) continue;
          const q = (y + dy) * w + (x + dx);
          if (hole[q]) {
            const j = index[q]!;
            if (j <= k) {
              rows.push(j);
              vals.push(a);
            }
          } else {
            for (let ch = 0; ch < c; ch++) rhs[ch * n + k] = rhs[ch * n + k]! - a * data[q * c + ch]!;
          }
        }
      }
      colPtr[k + 1] = rows.length;
    }
    const matrix: UpperCsc = { n, colPtr, rowIdx: Int32Array.from(rows), values: Float64Array.from(vals) };
    let factor;
    try {
      factor = cholesky(matrix, maxFactor);
    } catch (e) {
      throw new Error(`biharmonic: a hole region of ${n} pixels is too large for the direct solver (${(e as Error).message}); split the mask or use telea or navierStokes`);
    }
    await loop.tick();
    for (let ch = 0; ch < c; ch++) {
      const b = rhs.subarray(ch * n, (ch + 1) * n);
      choleskySolve(factor, b);
      for (let k = 0; k < n; k++) {
        const v = b[k]!;
        out[order[k]! * c + ch] = v < lo[ch]! ? lo[ch]! : v > hi[ch]! ? hi[ch]! : v;
      }
    }
    for (let k = 0; k < n; k++) index[order[k]!] = -1;
  }
  return out;
}
