/**
 * The kernel layer (DESIGN.md §7b): our own WebAssembly SIMD kernels (wasm/kernels.ts,
 * AssemblyScript, built by `npm run build:kernels`), loaded once per process or worker and
 * called on typed arrays. The same .wasm serves Node (CLI, tests) and the browser worker.
 *
 * Nodes use them through their tfjs helpers on the `cpu` and `wasm` backends once
 * `initKernels()` has resolved (the CLI, the worker and the test set-up call it); until then,
 * or on `webgpu`, the helpers keep their tfjs implementation, so a missing build is slower,
 * never wrong.
 */

interface KernelExports {
  readonly memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  reset(): void;
  sepCorrelate(src: number, dst: number, h: number, hs: number, w: number, c: number, kx: number, nkx: number, symX: number, ky: number, nky: number, symY: number, colIdx: number, rowIdx: number, rowBuf: number, tmp: number): void;
  bilateral(plane: number, dst: number, h: number, w: number, c: number, pad: number, offsets: number, spatial: number, n: number, coeff: number): void;
  correlate2d(plane: number, dst: number, h: number, w: number, c: number, kernel: number, kh: number, kw: number): void;
  padPlane(src: number, plane: number, h: number, w: number, c: number, padX: number, padY: number, colIdx: number, rowIdx: number, size: number): void;
  median3(plane: number, dst: number, h: number, w: number, c: number): void;
  median5(plane: number, dst: number, h: number, w: number, c: number): void;
  median7(plane: number, dst: number, h: number, w: number, c: number): void;
  median3u8c(plane: number, dst: number, h: number, w: number, c: number, scratch: number, work: number): void;
  median5u8c(plane: number, dst: number, h: number, w: number, c: number, scratch: number, work: number): void;
  median7u8c(plane: number, dst: number, h: number, w: number, c: number, scratch: number, work: number): void;
  medianHistU8(plane: number, dst: number, h: number, w: number, c: number, r: number, hist: number): void;
  resizeBilinear(src: number, dst: number, sh: number, sw: number, c: number, dh: number, dw: number, x0: number, x1: number, fx: number, y0: number, y1: number, fy: number, rowA: number, rowB: number): void;
  resizeNearest(src: number, dst: number, sw: number, c: number, dh: number, dw: number, cols: number, rows: number): void;
  toU8(src: number, dst: number, n: number): number;
  fromU8(src: number, dst: number, n: number): void;
  ssim(a: number, b: number, h: number, w: number, c: number, k: number, n: number, means: number, colIdx: number, rowIdx: number, bufA: number, bufB: number, planes: number, map: number, srow: number, scratch: number, crop: number, c1: number, c2: number): number;
}

let exportsRef: KernelExports | null = null;
let loading: Promise<boolean> | null = null;
let disabled = false;

const WASM_URL = new URL('./wasm/build/kernels.wasm', import.meta.url);

async function wasmBytes(): Promise<ArrayBuffer> {
  if (WASM_URL.protocol === 'file:') {
    // Node (CLI, tests): read the file; the module name is a variable so bundlers leave it alone.
    const fsName = 'node:fs/promises';
    const fs = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs/promises');
    const buf = await fs.readFile(WASM_URL);
    return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  }
  const res = await fetch(WASM_URL);
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${WASM_URL.href}`);
  return res.arrayBuffer();
}

/**
 * Loads the kernels (once). Resolves true when they are usable; false when the build is
 * missing or this runtime has no WebAssembly SIMD (the callers then keep their tfjs path).
 */
export function initKernels(): Promise<boolean> {
  loading ??= (async () => {
    try {
      const { instance } = await WebAssembly.instantiate(await wasmBytes(), { env: { abort: () => undefined } });
      exportsRef = instance.exports as unknown as KernelExports;
      return true;
    } catch {
      exportsRef = null;
      return false;
    }
  })();
  return loading;
}

/** True once initKernels() succeeded (and kernels are not switched off for a test). */
export function kernelsReady(): boolean {
  return exportsRef !== null && !disabled;
}

/** True while a test has switched our kernels (WebAssembly and WGSL) off. */
export function kernelsDisabled(): boolean {
  return disabled;
}

/** Switches the kernels off (true) or on again, so tests can compare both paths. */
export function setKernelsDisabled(off: boolean): void {
  disabled = off;
}

function k(): KernelExports {
  if (!exportsRef || disabled) throw new Error('the WebAssembly kernels are not loaded (call initKernels first)');
  return exportsRef;
}

/** A bump allocation in the kernel memory, with typed views made after every allocation (memory may grow). */
class Arena {
  private readonly ex = k();
  constructor() {
    this.ex.reset();
  }
  alloc(bytes: number): number {
    return this.ex.alloc(Math.max(16, (bytes + 15) & ~15));
  }
  f32(ptr: number, n: number): Float32Array {
    return new Float32Array(this.ex.memory.buffer, ptr, n);
  }
  i32(ptr: number, n: number): Int32Array {
    return new Int32Array(this.ex.memory.buffer, ptr, n);
  }
  put(data: ArrayLike<number>, kind: 'f32' | 'i32'): number {
    const p = this.alloc(data.length * 4);
    (kind === 'f32' ? this.f32(p, data.length) : this.i32(p, data.length)).set(data);
    return p;
  }
}

/**
 * Options of the image kernels. `view`: return a view into the kernel memory, valid until
 * the next kernel call (saves a copy when the caller copies it anyway). `threads: false`
 * keeps the call on this thread even when kernel threads are running (threads.ts).
 */
export interface KernelOpts {
  view?: boolean;
  threads?: boolean;
  /**
   * Write the result here (h·w·c floats) and return it: a large image is then computed in
   * bands of rows, each band's source rows copied into the kernel memory on their own, so the
   * kernel memory holds a band, not three images (4096²×3: 0.6 GiB less).
   */
  into?: Float32Array;
}

/** Above this many values (16 MiB of floats) a call with `into` is computed in row bands. */
const BAND_VALUES = 1 << 22;

/**
 * A job the thread pool (threads.ts) can split into bands of output rows: the kernel `op`
 * with its arguments except the image; `rowIdx` (h + 2·ry padded row sources) tells which
 * source rows each band needs (its halo).
 */
export interface BandJob {
  op: 'sepCorrelate' | 'medianFilter' | 'correlate2d' | 'bilateralFilter';
  h: number;
  w: number;
  c: number;
  rowIdx: Int32Array;
  ry: number;
  args: Record<string, unknown>;
}

/** Runs a job in bands across threads and returns the whole result, or null (run it here). */
export type BandRunner = (job: BandJob, src: Float32Array) => Float32Array | null;

let bandRunner: BandRunner | null = null;

/** Installed by threads.ts while kernel threads run; null to run every kernel on this thread. */
export function setBandRunner(runner: BandRunner | null): void {
  bandRunner = runner;
}

/**
 * One band of a job (rows y0 … y1 − 1 of the output) on this thread: the band's source rows
 * (halo included) are cut from `src` and the row table is made relative to them, so the band
 * computes exactly the rows the whole image would. Used by the threads and by tests.
 */
export function runBand(job: BandJob, src: Float32Array, y0: number, y1: number): Float32Array {
  const { w, c, ry } = job;
  const local = job.rowIdx.subarray(y0, y1 + 2 * ry);
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of local) {
    lo = Math.min(lo, r);
    hi = Math.max(hi, r);
  }
  const rows = local.map((r) => r - lo);
  const band = src.subarray(lo * w * c, (hi + 1) * w * c);
  const h = y1 - y0;
  const a = job.args;
  const opts: KernelOpts = { view: true, threads: false };
  switch (job.op) {
    case 'sepCorrelate':
      return sepCorrelate(band, h, w, c, a.kx as number[], a.ky as number[], a.colIdx as Int32Array, rows, opts);
    case 'medianFilter':
      return medianFilter(band, h, w, c, a.size as number, a.colIdx as Int32Array, rows, opts)!;
    case 'correlate2d':
      return correlate2d(band, h, w, c, a.kernel as number[], a.kh as number, a.kw as number, a.colIdx as Int32Array, rows, opts);
    case 'bilateralFilter':
      return bilateralFilter(band, h, w, c, a.window as { dy: number; dx: number; spatial: number }[], a.coeff as number, a.pad as number, a.colIdx as Int32Array, rows, opts);
  }
}

/** Each tap 4 times (a v128 of it), as float32. */
function splat4(taps: ArrayLike<number>): Float32Array {
  const out = new Float32Array(taps.length * 4);
  for (let t = 0; t < taps.length; t++) out.fill(taps[t]!, t * 4, t * 4 + 4);
  return out;
}

/** k[t] = k[n − 1 − t] for every t, as float32 (the kernel then folds its taps in pairs). */
function symmetric(taps: ArrayLike<number>): boolean {
  const n = taps.length;
  for (let t = 0; t < n >> 1; t++) if (Math.fround(taps[t]!) !== Math.fround(taps[n - 1 - t]!)) return false;
  return true;
}

/**
 * Separable correlation of an HWC float32 image: `kx` along the width (first), then `ky`
 * along the height, centred; colIdx / rowIdx give the source column / row of each position
 * of the padded row / column (w + kx.length − 1 and h + ky.length − 1 entries). With
 * `view`, the result is a view into the kernel memory, valid until the next kernel call
 * (saves a copy when the caller copies it anyway).
 */
export function sepCorrelate(src: Float32Array, h: number, w: number, c: number, kx: ArrayLike<number>, ky: ArrayLike<number>, colIdx: Int32Array, rowIdx: Int32Array, opts: KernelOpts = {}): Float32Array {
  const job: BandJob = { op: 'sepCorrelate', h, w, c, rowIdx, ry: (ky.length - 1) / 2, args: { kx: Array.from(kx), ky: Array.from(ky), colIdx } };
  const banded = bandRunner && opts.threads !== false ? bandRunner(job, src) : null;
  if (banded) {
    if (opts.into) return (opts.into.set(banded), opts.into);
    return opts.view ? banded : banded.slice();
  }
  if (opts.into) {
    const into = opts.into;
    const n = h * w * c;
    if (n <= BAND_VALUES) {
      into.set(sepCorrelate(src, h, w, c, kx, ky, colIdx, rowIdx, { view: true, threads: false }));
      return into;
    }
    const rows = Math.max(1, Math.floor(BAND_VALUES / (w * c) / 4));
    for (let y0 = 0; y0 < h; y0 += rows) into.set(runBand(job, src, y0, Math.min(h, y0 + rows)), y0 * w * c);
    return into;
  }
  const a = new Arena();
  // a band of a larger image may carry more source rows (its halo) than it has output rows
  const hs = src.length / (w * c);
  const n = h * w * c;
  const pSrc = a.put(src, 'f32');
  const pKx = a.put(splat4(kx), 'f32');
  const pKy = a.put(splat4(ky), 'f32');
  const pCol = a.put(colIdx, 'i32');
  const pRow = a.put(rowIdx, 'i32');
  const pRowBuf = a.alloc((w + kx.length - 1) * c * 4 + 16);
  const pTmp = a.alloc(hs * w * c * 4 + 16);
  const pDst = a.alloc(n * 4 + 16);
  k().sepCorrelate(pSrc, pDst, h, hs, w, c, pKx, kx.length, symmetric(kx) ? 1 : 0, pKy, ky.length, symmetric(ky) ? 1 : 0, pCol, pRow, pRowBuf, pTmp);
  // a view is valid only until the next kernel call (the caller copies it at once)
  return opts.view ? a.f32(pDst, n) : a.f32(pDst, n).slice();
}

/**
 * SSIM of two HWC float32 images of one shape (kernel `kernel`, index tables for its
 * padding, constants c1, c2): the sum of S over the pixels `crop` px or more from every side,
 * and the S map when `withMap`.
 */
export function ssimSum(
  x: Float32Array,
  y: Float32Array,
  h: number,
  w: number,
  c: number,
  kernel: ArrayLike<number>,
  colIdx: Int32Array,
  rowIdx: Int32Array,
  crop: number,
  c1: number,
  c2: number,
  withMap: boolean,
): { sum: number; map: Float32Array | null } {
  // per-channel means (the moments are taken of the centred images, as the tfjs path does)
  const means = new Float32Array(2 * c);
  const acc = new Float64Array(2 * c);
  for (let i = 0; i < x.length; i++) {
    const ch = i % c;
    acc[ch] = acc[ch]! + x[i]!;
    acc[c + ch] = acc[c + ch]! + y[i]!;
  }
  for (let ch = 0; ch < 2 * c; ch++) means[ch] = acc[ch]! / (h * w);
  const a = new Arena();
  const n = h * w * c;
  const padW = w + kernel.length - 1;
  const pA = a.put(x, 'f32');
  const pB = a.put(y, 'f32');
  const pK = a.put(kernel, 'f32');
  const pMeans = a.put(means, 'f32');
  const pCol = a.put(colIdx, 'i32');
  const pRow = a.put(rowIdx, 'i32');
  const pBufA = a.alloc(padW * c * 4 + 16);
  const pBufB = a.alloc(padW * c * 4 + 16);
  const pPlanes = a.alloc(5 * n * 4 + 16);
  const pMap = withMap ? a.alloc(n * 4 + 16) : 0;
  const pRowS = a.alloc((w * c + 4) * 4);
  const pScratch = a.alloc(20 * 4);
  const sum = k().ssim(pA, pB, h, w, c, pK, kernel.length, pMeans, pCol, pRow, pBufA, pBufB, pPlanes, pMap, pRowS, pScratch, crop, c1, c2);
  return { sum, map: withMap ? a.f32(pMap, n).slice() : null };
}

/** Window sizes `medianFilter` serves on any data (selection networks). */
export const MEDIAN_SIZES: readonly number[] = [3, 5, 7];

/**
 * Exact median of every size×size window (odd size ≥ 3), per channel, of an HWC float32
 * image; colIdx / rowIdx: the padded column / row sources (w + size − 1, h + size − 1
 * entries; the caller picks the border). Sizes 3, 5 and 7 use pruned selection networks (on
 * bytes, 16 values an instruction, when every value is k/255 as in a decoded 8-bit image; on
 * floats otherwise). Larger sizes use Huang's sliding histogram, which needs 8-bit-valued data:
 * for other data of a size above 7 this returns null (the caller keeps its own exact path).
 * `view` as in sepCorrelate.
 */
export function medianFilter(src: Float32Array, h: number, w: number, c: number, size: number, colIdx: Int32Array, rowIdx: Int32Array, opts: KernelOpts = {}): Float32Array | null {
  if (!Number.isInteger(size) || size < 3 || size % 2 === 0) throw new Error(`medianFilter: size must be an odd integer ≥ 3, got ${size}`);
  // (bands only for the networks: a band's data may be 8-bit valued where the whole is not)
  const banded = bandRunner && opts.threads !== false && size <= 7 ? bandRunner({ op: 'medianFilter', h, w, c, rowIdx, ry: (size - 1) / 2, args: { size, colIdx } }, src) : null;
  if (banded) return opts.view ? banded : banded.slice();
  const a = new Arena();
  const n = h * w * c;
  const pad = (size - 1) / 2;
  const pSrc = a.put(src, 'f32');
  const pCol = a.put(colIdx, 'i32');
  const pRow = a.put(rowIdx, 'i32');
  const pDst = a.alloc(n * 4 + 16);
  const ex = k();
  // 8-bit-valued data (every value k/255, as a decoded 8-bit image holds): bytes; the result
  // is the same value, as a byte.
  // (all of src: a band carries halo rows beyond its h output rows)
  const pBytes = a.alloc(src.length + 16);
  if (ex.toU8(pSrc, pBytes, src.length) === 1) {
    const pPlane = a.alloc((h + 2 * pad) * (w + 2 * pad) * c + 64);
    const pOut = a.alloc(n + 16);
    ex.padPlane(pBytes, pPlane, h, w, c, pad, pad, pCol, pRow, 1);
    if (size > 7) {
      ex.medianHistU8(pPlane, pOut, h, w, c, pad, a.alloc(c * 256 * 4));
    } else {
      // presorted columns (columnMedianNetwork): 26 / 116 / 348 ops per 16 values instead of 40 / 202 / 590
      const pScratch = a.alloc(16);
      const pWork = a.alloc(3 * size * ((w + 2 * pad) * c + 64));
      if (size === 3) ex.median3u8c(pPlane, pOut, h, w, c, pScratch, pWork);
      else if (size === 5) ex.median5u8c(pPlane, pOut, h, w, c, pScratch, pWork);
      else ex.median7u8c(pPlane, pOut, h, w, c, pScratch, pWork);
    }
    ex.fromU8(pOut, pDst, n);
  } else {
    if (size > 7) return null;
    const pPlane = a.alloc((h + 2 * pad) * (w + 2 * pad) * c * 4 + 16);
    ex.padPlane(pSrc, pPlane, h, w, c, pad, pad, pCol, pRow, 4);
    if (size === 3) ex.median3(pPlane, pDst, h, w, c);
    else if (size === 5) ex.median5(pPlane, pDst, h, w, c);
    else ex.median7(pPlane, pDst, h, w, c);
  }
  return opts.view ? a.f32(pDst, n) : a.f32(pDst, n).slice();
}

/**
 * Resamples an HWC float32 image (sh×sw) to dh×dw with half-pixel centres, the arithmetic of
 * tf.image.resizeBilinear / resizeNearestNeighbor (halfPixelCenters true, alignCorners
 * false): bilinear reads source position (x + 0.5)·sw/dw − 0.5 clamped to the image; nearest
 * reads pixel floor((x + 0.5)·sw/dw) (OpenCV INTER_NEAREST_EXACT). `view` as in sepCorrelate.
 */
export function resize(src: Float32Array, sh: number, sw: number, c: number, dh: number, dw: number, method: 'bilinear' | 'nearest', opts: { view?: boolean } = {}): Float32Array {
  const a = new Arena();
  const n = dh * dw * c;
  const pSrc = a.put(src, 'f32');
  const pDst = a.alloc(n * 4 + 16);
  const ex = k();
  if (method === 'nearest') {
    const near = (out: number, inn: number): Int32Array => {
      const t = new Int32Array(out);
      for (let i = 0; i < out; i++) t[i] = Math.max(0, Math.min(inn - 1, Math.floor((inn / out) * (i + 0.5))));
      return t;
    };
    ex.resizeNearest(pSrc, pDst, sw, c, dh, dw, a.put(near(dw, sw), 'i32'), a.put(near(dh, sh), 'i32'));
  } else {
    const taps = (out: number, inn: number): [Int32Array, Int32Array, Float32Array] => {
      const i0 = new Int32Array(out);
      const i1 = new Int32Array(out);
      const f = new Float32Array(out);
      const ratio = inn / out;
      for (let i = 0; i < out; i++) {
        const s = ratio * (i + 0.5) - 0.5;
        const lo = Math.max(0, Math.floor(s));
        i0[i] = lo;
        i1[i] = Math.min(inn - 1, Math.ceil(s));
        f[i] = s - lo;
      }
      return [i0, i1, f];
    };
    const [x0, x1, fx] = taps(dw, sw);
    const [y0, y1, fy] = taps(dh, sh);
    ex.resizeBilinear(pSrc, pDst, sh, sw, c, dh, dw, a.put(x0, 'i32'), a.put(x1, 'i32'), a.put(fx, 'f32'), a.put(y0, 'i32'), a.put(y1, 'i32'), a.put(fy, 'f32'), a.alloc((dw * c + 4) * 4), a.alloc((dw * c + 4) * 4));
  }
  return opts.view ? a.f32(pDst, n) : a.f32(pDst, n).slice();
}

/**
 * 2-D correlation (cv2.filter2D semantics: no flip, anchor at the centre) of an HWC float32
 * image with a kh×kw kernel (row-major); colIdx / rowIdx: the padded column / row sources
 * (w + kw − 1, h + kh − 1 entries, kernel sizes odd). `view` as in sepCorrelate.
 */
export function correlate2d(src: Float32Array, h: number, w: number, c: number, kernel: ArrayLike<number>, kh: number, kw: number, colIdx: Int32Array, rowIdx: Int32Array, opts: KernelOpts = {}): Float32Array {
  if (kh % 2 === 0 || kw % 2 === 0 || kernel.length !== kh * kw) throw new Error(`correlate2d: need an odd kh×kw kernel of kh·kw taps, got ${kh}×${kw} with ${kernel.length}`);
  const banded = bandRunner && opts.threads !== false ? bandRunner({ op: 'correlate2d', h, w, c, rowIdx, ry: (kh - 1) / 2, args: { kernel: Array.from(kernel), kh, kw, colIdx } }, src) : null;
  if (banded) return opts.view ? banded : banded.slice();
  const a = new Arena();
  const n = h * w * c;
  const ry = (kh - 1) / 2;
  const rx = (kw - 1) / 2;
  const pSrc = a.put(src, 'f32');
  const pCol = a.put(colIdx, 'i32');
  const pRow = a.put(rowIdx, 'i32');
  const pKernel = a.put(splat4(kernel), 'f32');
  const pPlane = a.alloc((h + 2 * ry) * (w + 2 * rx) * c * 4 + 16);
  const pDst = a.alloc(n * 4 + 16);
  const ex = k();
  ex.padPlane(pSrc, pPlane, h, w, c, rx, ry, pCol, pRow, 4);
  ex.correlate2d(pPlane, pDst, h, w, c, pKernel, kh, kw);
  return opts.view ? a.f32(pDst, n) : a.f32(pDst, n).slice();
}

/**
 * Bilateral filter of an HWC float32 image (c ≤ 4) over the window `window` (offsets dy, dx
 * with their spatial weights), range weight exp(coeff · d²) of the L1 colour distance d;
 * colIdx / rowIdx: the padded column / row sources for a pad of `pad` px. `view` as in
 * sepCorrelate.
 */
export function bilateralFilter(
  src: Float32Array,
  h: number,
  w: number,
  c: number,
  window: readonly { dy: number; dx: number; spatial: number }[],
  coeff: number,
  pad: number,
  colIdx: Int32Array,
  rowIdx: Int32Array,
  opts: KernelOpts = {},
): Float32Array {
  if (c > 4) throw new Error(`bilateralFilter: at most 4 channels, got ${c}`);
  const banded = bandRunner && opts.threads !== false ? bandRunner({ op: 'bilateralFilter', h, w, c, rowIdx, ry: pad, args: { window: window.map((o) => ({ ...o })), coeff, pad, colIdx } }, src) : null;
  if (banded) return opts.view ? banded : banded.slice();
  const a = new Arena();
  const n = h * w * c;
  const pSrc = a.put(src, 'f32');
  const pCol = a.put(colIdx, 'i32');
  const pRow = a.put(rowIdx, 'i32');
  const rowBytes = (w + 2 * pad) * c * 4;
  const pOffsets = a.put(window.map((o) => o.dy * rowBytes + o.dx * c * 4), 'i32');
  const pSpatial = a.put(window.map((o) => o.spatial), 'f32');
  const pPlane = a.alloc((h + 2 * pad) * (w + 2 * pad) * c * 4 + 16);
  const pDst = a.alloc(n * 4 + 16);
  const ex = k();
  ex.padPlane(pSrc, pPlane, h, w, c, pad, pad, pCol, pRow, 4);
  ex.bilateral(pPlane, pDst, h, w, c, pad, pOffsets, pSpatial, window.length, coeff);
  return opts.view ? a.f32(pDst, n) : a.f32(pDst, n).slice();
}
