/**
 * Fast-marching inpainting: Telea (2004) and OpenCV's "Navier–Stokes" variant, following the
 * algorithm of OpenCV's `cv::inpaint` (modules/photo/src/inpaint.cpp, INPAINT_TELEA and
 * INPAINT_NS) on float data.
 *
 * Shared part: the hole is filled in order of the arrival time T of a front that starts on
 * the band of known pixels around it (T = 0) and moves inward at unit speed (the eikonal
 * solver and min-of-four quadrants of OpenCV's `FastMarching_solve`). Each hole pixel gets
 * a weighted mean of the known (or already filled) pixels within `radius`:
 *
 * - telea: w = dir · dst · lev with dst = 1/|r|³, lev = 1/(1 + |T(q) − T(p)|),
 *   dir = r · ∇T (set to 1e-6 when |dir| ≤ 0.01), as OpenCV. T outside the hole is the
 *   negative distance to the band (a first fast march outward over the ring of width
 *   `radius`), so lev favours pixels on the same level line.
 * - navierStokes: w = dst · dir with dst = 1/(|r|⁴ + 1) and dir = |cos| of the angle
 *   between r and the isophote (−|∂y I|, |∂x I|) at q (1e-6 when |r · iso| ≤ 0.01), per
 *   channel — OpenCV's INPAINT_NS, which propagates along isophotes in the spirit of
 *   Bertalmio, Bertozzi & Sapiro (2001) rather than solving their PDE.
 *
 * Differences from OpenCV, on purpose:
 * - The value is the weighted mean Σ w I(q) / Σ w. OpenCV's Telea adds
 *   (Jx + Jy)/|J| + 0.5 to it, a term in 8-bit levels (±√2 levels plus rounding) that makes
 *   its float32 output wrong; on 8-bit data our result is within about a level of it.
 * - Pixels in the first image row and column are filled (OpenCV skips them, leaving the
 *   original values under the mask), and neighbours outside the image count as unknown
 *   (OpenCV reads its 1-pixel frame as known pixels with T = 1e6).
 * - Ties in T pop in insertion order (OpenCV's queue is a sorted list that does the same),
 *   and T is kept in float32 as in OpenCV, so the filling order matches OpenCV's.
 *
 * Cost: O(holes · radius²) plus a binary heap, so scattered masks are as cheap as compact ones.
 */
import { HostLoop } from '../hostLoop';

const KNOWN = 0;
const BAND = 1;
const INSIDE = 2;
const BIG = 1e6;

/** Binary min-heap of pixel indices keyed by (T, insertion order). */
class PixelHeap {
  private readonly key: Float64Array;
  private readonly seq: Float64Array;
  private readonly pix: Int32Array;
  private n = 0;
  private counter = 0;
  constructor(capacity: number) {
    this.key = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.pix = new Int32Array(capacity);
  }
  get size(): number {
    return this.n;
  }
  private less(a: number, b: number): boolean {
    const ka = this.key[a]!;
    const kb = this.key[b]!;
    return ka < kb || (ka === kb && this.seq[a]! < this.seq[b]!);
  }
  private swap(a: number, b: number): void {
    const k = this.key[a]!;
    this.key[a] = this.key[b]!;
    this.key[b] = k;
    const s = this.seq[a]!;
    this.seq[a] = this.seq[b]!;
    this.seq[b] = s;
    const p = this.pix[a]!;
    this.pix[a] = this.pix[b]!;
    this.pix[b] = p;
  }
  push(p: number, t: number): void {
    let i = this.n++;
    this.key[i] = t;
    this.seq[i] = this.counter++;
    this.pix[i] = p;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  pop(): number {
    const top = this.pix[0]!;
    const last = --this.n;
    if (last > 0) {
      this.key[0] = this.key[last]!;
      this.seq[0] = this.seq[last]!;
      this.pix[0] = this.pix[last]!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= last) break;
        const r = l + 1;
        const m = r < last && this.less(r, l) ? r : l;
        if (!this.less(m, i)) break;
        this.swap(m, i);
        i = m;
      }
    }
    return top;
  }
}

export type FmmMethod = 'telea' | 'navierStokes';

export interface FmmInput {
  /** HWC float32 pixels; not modified. */
  readonly data: Float32Array;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** 1 = hole, per pixel. */
  readonly hole: Uint8Array;
  /** Neighbourhood radius in pixels (OpenCV clamps to 1 … 100; so do we). */
  readonly radius: number;
}

/**
 * Inpaints the hole pixels; returns a new HWC array whose pixels outside the hole are copies
 * of the input's.
 */
export async function fmmInpaint(input: FmmInput, method: FmmMethod, signal?: AbortSignal): Promise<Float32Array> {
  const { data, height: h, width: w, channels: c, hole } = input;
  const range = Math.min(100, Math.max(1, Math.round(input.radius)));
  const n = h * w;
  const out = Float32Array.from(data);
  const f = new Uint8Array(n);
  const t = new Float32Array(n).fill(BIG);
  for (let p = 0; p < n; p++) if (hole[p]) f[p] = INSIDE;
  const loop = new HostLoop(signal);

  // The band: known pixels 4-adjacent to the hole.
  const isBand = (p: number): boolean => {
    if (f[p] === INSIDE) return false;
    const y = (p / w) | 0;
    const x = p - y * w;
    return (y > 0 && f[p - w] === INSIDE) || (y < h - 1 && f[p + w] === INSIDE) || (x > 0 && f[p - 1] === INSIDE) || (x < w - 1 && f[p + 1] === INSIDE);
  };
  const heap = new PixelHeap(n);
  const band: number[] = [];
  for (let p = 0; p < n; p++) {
    if (isBand(p)) {
      band.push(p);
      t[p] = 0;
    }
  }

  // Eikonal update for pixel (y, x) from the four quadrants, as OpenCV's FastMarching_solve
  // (double arithmetic, float32 result). `fl`/`tl` give the state of the march in progress.
  const solve = (fl: Uint8Array, tl: Float32Array, y: number, x: number): number => {
    let best = Infinity;
    for (let q = 0; q < 4; q++) {
      const yy = q & 1 ? y + 1 : y - 1;
      const xx = q & 2 ? x + 1 : x - 1;
      const inA = yy >= 0 && yy < h;
      const inB = xx >= 0 && xx < w;
      const pa = yy * w + x;
      const pb = y * w + xx;
      // Outside the image: OpenCV's frame, known with T = 1e6.
      const a11 = inA ? tl[pa]! : BIG;
      const a22 = inB ? tl[pb]! : BIG;
      const knownA = !inA || fl[pa] !== INSIDE;
      const knownB = !inB || fl[pb] !== INSIDE;
      const m12 = Math.min(a11, a22);
      let sol: number;
      if (knownA) {
        if (knownB) {
          const d = a11 - a22;
          sol = Math.abs(d) >= 1 ? 1 + m12 : (a11 + a22 + Math.sqrt(2 - d * d)) * 0.5;
        } else sol = 1 + a11;
      } else if (knownB) sol = 1 + a22;
      else sol = 1 + m12;
      const s = Math.fround(sol);
      if (s < best) best = s;
    }
    return best;
  };

  if (method === 'telea') {
    // T outside the hole: negative distance from the band, over the pixels within the
    // square of half-side `range` around the hole (OpenCV's icvCalcFMM with negate).
    const ring = new Uint8Array(n);
    for (let p = 0; p < n; p++) {
      if (!hole[p]) continue;
      const y = (p / w) | 0;
      const x = p - y * w;
      const y0 = Math.max(0, y - range);
      const y1 = Math.min(h - 1, y + range);
      const x0 = Math.max(0, x - range);
      const x1 = Math.min(w - 1, x + range);
      for (let yy = y0; yy <= y1; yy++) ring.fill(1, yy * w + x0, yy * w + x1 + 1);
    }
    // State of the outward march: ring pixels not yet reached are INSIDE, the rest known.
    const fo = new Uint8Array(n);
    for (let p = 0; p < n; p++) if (ring[p] && !hole[p] && t[p] !== 0) fo[p] = INSIDE;
    const outer = new PixelHeap(n);
    for (const p of band) outer.push(p, 0);
    let iter = 0;
    while (outer.size > 0) {
      const pp = outer.pop();
      const yy = (pp / w) | 0;
      const xx = pp - yy * w;
      for (let q = 0; q < 4; q++) {
        const y = q === 0 ? yy - 1 : q === 2 ? yy + 1 : yy;
        const x = q === 1 ? xx - 1 : q === 3 ? xx + 1 : xx;
        if (y < 0 || x < 0 || y >= h || x >= w) continue;
        const p = y * w + x;
        if (fo[p] !== INSIDE) continue;
        const d = solve(fo, t, y, x);
        t[p] = d;
        fo[p] = BAND;
        outer.push(p, d);
      }
      if ((++iter & 4095) === 0) await loop.tick();
    }
    for (let p = 0; p < n; p++) if (ring[p] && !hole[p] && t[p] !== 0 && t[p] !== BIG) t[p] = -t[p]!;
  }

  for (const p of band) heap.push(p, 0);
  // The disc of neighbours: offsets (dy, dx) with dy² + dx² ≤ range², and their distance
  // weights (telea 1/|r|³, navierStokes 1/(|r|⁴ + 1)), in OpenCV's scan order.
  const offY: number[] = [];
  const offX: number[] = [];
  const offD: number[] = [];
  for (let dy = -range; dy <= range; dy++) {
    for (let dx = -range; dx <= range; dx++) {
      const len2 = dx * dx + dy * dy;
      if (len2 === 0 || len2 > range * range) continue;
      offY.push(dy);
      offX.push(dx);
      offD.push(method === 'telea' ? 1 / (len2 * Math.sqrt(len2)) : 1 / (len2 * len2 + 1));
    }
  }
  const nOff = offY.length;
  const oy = Int32Array.from(offY);
  const ox = Int32Array.from(offX);
  const od = Float64Array.from(offD);
  const wsum = new Float64Array(c);
  const acc = new Float64Array(c);
  let iter = 0;
  while (heap.size > 0) {
    const pp = heap.pop();
    f[pp] = KNOWN;
    const yy = (pp / w) | 0;
    const xx = pp - yy * w;
    for (let q = 0; q < 4; q++) {
      const i = q === 0 ? yy - 1 : q === 2 ? yy + 1 : yy;
      const j = q === 1 ? xx - 1 : q === 3 ? xx + 1 : xx;
      if (i < 0 || j < 0 || i >= h || j >= w) continue;
      const p = i * w + j;
      if (f[p] !== INSIDE) continue;
      const dist = solve(f, t, i, j);
      t[p] = dist;
      const inner = i >= range && j >= range && i + range < h && j + range < w;
      acc.fill(0);
      if (method === 'telea') {
        // ∇T at p from its known neighbours (central, one-sided or 0), as OpenCV.
        const kR = j + 1 < w && f[p + 1] !== INSIDE;
        const kL = j > 0 && f[p - 1] !== INSIDE;
        const kD = i + 1 < h && f[p + w] !== INSIDE;
        const kU = i > 0 && f[p - w] !== INSIDE;
        const tp = t[p]!;
        const gx = Math.fround(kR ? (kL ? Math.fround(t[p + 1]! - t[p - 1]!) * 0.5 : t[p + 1]! - tp) : kL ? tp - t[p - 1]! : 0);
        const gy = Math.fround(kD ? (kU ? Math.fround(t[p + w]! - t[p - w]!) * 0.5 : t[p + w]! - tp) : kU ? tp - t[p - w]! : 0);
        let s = 1e-20;
        for (let o = 0; o < nOff; o++) {
          const dy = oy[o]!;
          const dx = ox[o]!;
          if (!inner) {
            const k = i + dy;
            const l = j + dx;
            if (k < 0 || l < 0 || k >= h || l >= w) continue;
          }
          const qn = p + dy * w + dx;
          if (f[qn] === INSIDE) continue;
          const lev = 1 / (1 + Math.abs(t[qn]! - tp));
          // r = p − q
          let dir = -dx * gx - dy * gy;
          if (Math.abs(dir) <= 0.01) dir = 0.000001;
          const wt = Math.abs(od[o]! * lev * dir);
          if (c === 1) acc[0] = acc[0]! + wt * out[qn]!;
          else {
            const base = qn * c;
            for (let ch = 0; ch < c; ch++) acc[ch] = acc[ch]! + wt * out[base + ch]!;
          }
          s += wt;
        }
        for (let ch = 0; ch < c; ch++) out[p * c + ch] = acc[ch]! / s;
      } else {
        wsum.fill(1e-20);
        for (let o = 0; o < nOff; o++) {
          const dy = oy[o]!;
          const dx = ox[o]!;
          const k = i + dy;
          const l = j + dx;
          if (!inner && (k < 0 || l < 0 || k >= h || l >= w)) continue;
          const qn = p + dy * w + dx;
          if (f[qn] === INSIDE) continue;
          const kD = k + 1 < h && f[qn + w] !== INSIDE;
          const kU = k > 0 && f[qn - w] !== INSIDE;
          const kR = l + 1 < w && f[qn + 1] !== INSIDE;
          const kL = l > 0 && f[qn - 1] !== INSIDE;
          const dst = od[o]!;
          // r = p − q; len2 = |r|²
          const len2 = dx * dx + dy * dy;
          for (let ch = 0; ch < c; ch++) {
            const b = qn * c + ch;
            const v = out[b]!;
            // Absolute differences along y and x at q (OpenCV's gradI.x and gradI.y).
            let gy = 0;
            if (kD) gy = kU ? Math.abs(out[b + w * c]! - v) + Math.abs(v - out[b - w * c]!) : Math.abs(out[b + w * c]! - v) * 2;
            else if (kU) gy = Math.abs(v - out[b - w * c]!) * 2;
            let gx = 0;
            if (kR) gx = kL ? Math.abs(out[b + c]! - v) + Math.abs(v - out[b - c]!) : Math.abs(out[b + c]! - v) * 2;
            else if (kL) gx = Math.abs(v - out[b - c]!) * 2;
            let dir = dx * gy - dy * gx;
            if (Math.abs(dir) <= 0.01) dir = 0.000001;
            else dir = Math.abs(dir) / Math.sqrt(len2 * (gx * gx + gy * gy));
            const wt = dst * dir;
            acc[ch] = acc[ch]! + wt * v;
            wsum[ch] = wsum[ch]! + wt;
          }
        }
        for (let ch = 0; ch < c; ch++) out[p * c + ch] = acc[ch]! / wsum[ch]!;
      }
      f[p] = BAND;
      heap.push(p, dist);
    }
    if ((++iter & 1023) === 0) await loop.tick();
  }
  return out;
}
