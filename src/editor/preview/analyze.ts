/**
 * Float image → display RGBA bytes, per-channel statistics and histogram, in one pass of
 * typed-array code. The work is split into row chunks so the panel can yield to the event
 * loop between them (a 1024×1024 RGB image never blocks the main thread for long).
 */
import { viridisLut } from './colormap';
import type { FloatImage } from './types';

export type DisplayMode =
  /**
   * Values in [0, 1] shown as gray / gray+alpha / RGB / RGBA by channel count (clamped);
   * `gain` multiplies the displayed colour (not alpha, not the statistics), e.g. to see small differences.
   */
  | { readonly kind: 'image'; readonly gain?: number }
  /** Channel mean mapped linearly from [lo, hi] onto the viridis colour map (metric maps). */
  | { readonly kind: 'heat'; readonly lo: number; readonly hi: number };

export interface ChannelStats {
  /** Over finite values; NaN when the channel holds none. */
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Count of NaN/±Infinity samples (left out of min/max/mean/histogram). */
  readonly nonFinite: number;
}

export interface Histogram {
  /** Value range the bins span (bin i covers lo + i·(hi−lo)/bins …). */
  readonly lo: number;
  readonly hi: number;
  readonly bins: number;
  /** One count array per channel (`bins` long). */
  readonly counts: readonly Uint32Array[];
  /** Per channel: samples below `lo` / above `hi` (counted in the first / last bin too). */
  readonly below: readonly number[];
  readonly above: readonly number[];
}

export interface Analysis {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  /** width·height·4 display bytes. */
  readonly rgba: Uint8ClampedArray;
  readonly stats: readonly ChannelStats[];
  /** Over every channel together. */
  readonly overall: ChannelStats;
  readonly histogram: Histogram;
  readonly mode: DisplayMode;
}

export const HISTOGRAM_BINS = 256;

/** Checks that `data` has width·height·channels elements; throws a message that names them. */
export function checkImage(img: FloatImage): void {
  const { width, height, channels, data } = img;
  if (!(width > 0 && height > 0 && channels > 0) || !Number.isInteger(width) || !Number.isInteger(height) || !Number.isInteger(channels)) {
    throw new Error(`preview: image shape ${width}×${height}×${channels} is not a positive integer shape`);
  }
  if (data.length !== width * height * channels) {
    throw new Error(`preview: image data has ${data.length} values, expected ${width}×${height}×${channels} = ${width * height * channels}`);
  }
}

/** Finite min/max over all samples (NaN, NaN when none is finite). */
export function finiteRange(data: Float32Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // NaN never wins a comparison; ±Infinity may have: recompute over finite values then.
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    min = Infinity;
    max = -Infinity;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (Number.isFinite(v)) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
  }
  return min <= max ? { min, max } : { min: NaN, max: NaN };
}

/**
 * Heat-map range for a metric map: [0, 1] when every value is ≥ 0 and ≤ 1, [−1, 1] when some
 * value is negative (SSIM lies in [−1, 1]); widened to the data when it exceeds these.
 */
export function heatRange(data: Float32Array): { lo: number; hi: number } {
  const { min, max } = finiteRange(data);
  if (Number.isNaN(min)) return { lo: 0, hi: 1 };
  const lo = min >= 0 ? 0 : Math.min(-1, min);
  const hi = Math.max(1, max);
  return { lo, hi };
}

/** Incremental analyzer: call `step(rows)` until `done`, then `result()`. */
export class ImageAnalyzer {
  readonly rgba: Uint8ClampedArray;
  private row = 0;
  private readonly c: number;
  private readonly mins: Float64Array;
  private readonly maxs: Float64Array;
  private readonly sums: Float64Array;
  private readonly counts: Float64Array;
  private readonly bad: Float64Array;
  private readonly hist: Uint32Array[];
  private readonly below: number[];
  private readonly above: number[];
  private readonly lo: number;
  private readonly hi: number;
  private readonly lut = viridisLut();

  constructor(
    private readonly img: FloatImage,
    readonly mode: DisplayMode = { kind: 'image' },
  ) {
    checkImage(img);
    this.c = img.channels;
    this.rgba = new Uint8ClampedArray(img.width * img.height * 4);
    this.mins = new Float64Array(this.c).fill(Infinity);
    this.maxs = new Float64Array(this.c).fill(-Infinity);
    this.sums = new Float64Array(this.c);
    this.counts = new Float64Array(this.c);
    this.bad = new Float64Array(this.c);
    this.hist = Array.from({ length: this.c }, () => new Uint32Array(HISTOGRAM_BINS));
    this.below = new Array<number>(this.c).fill(0);
    this.above = new Array<number>(this.c).fill(0);
    if (mode.kind === 'heat') {
      if (!(mode.hi > mode.lo)) throw new Error(`preview: heat-map range [${mode.lo}, ${mode.hi}] is empty`);
      this.lo = mode.lo;
      this.hi = mode.hi;
    } else {
      this.lo = 0;
      this.hi = 1;
    }
  }

  get done(): boolean {
    return this.row >= this.img.height;
  }

  /** Rows processed so far. */
  get rowsDone(): number {
    return this.row;
  }

  /** Processes up to `rows` more rows. */
  step(rows: number): void {
    const { width, height, data } = this.img;
    const c = this.c;
    const r0 = this.row;
    const r1 = Math.min(height, r0 + Math.max(1, Math.floor(rows)));
    const out = this.rgba;
    const bins = HISTOGRAM_BINS;
    const lo = this.lo;
    const scale = bins / (this.hi - this.lo);
    const mins = this.mins, maxs = this.maxs, sums = this.sums, counts = this.counts, bad = this.bad;
    const heat = this.mode.kind === 'heat';
    const lut = this.lut;
    const colour = Math.min(c, 3);
    const heatScale = 255 / (this.hi - this.lo);
    const g255 = 255 * (this.mode.kind === 'image' ? (this.mode.gain ?? 1) : 1);
    for (let y = r0; y < r1; y++) {
      let i = y * width * c;
      let o = y * width * 4;
      for (let x = 0; x < width; x++, i += c, o += 4) {
        // statistics and histogram, every channel
        for (let k = 0; k < c; k++) {
          const v = data[i + k]!;
          if (v - v !== 0) {
            bad[k]!++;
            continue;
          }
          if (v < mins[k]!) mins[k] = v;
          if (v > maxs[k]!) maxs[k] = v;
          sums[k]! += v;
          counts[k]!++;
          let b = Math.floor((v - lo) * scale);
          if (b < 0) {
            b = 0;
            this.below[k]!++;
          } else if (b >= bins) {
            if (v > this.hi) this.above[k]!++;
            b = bins - 1;
          }
          this.hist[k]![b]!++;
        }
        // display bytes
        if (heat) {
          let s = 0;
          for (let k = 0; k < colour; k++) s += data[i + k]!;
          s /= colour;
          let t = Math.round((s - lo) * heatScale);
          if (!(t >= 0)) t = 0;
          else if (t > 255) t = 255;
          out[o] = lut[t * 3]!;
          out[o + 1] = lut[t * 3 + 1]!;
          out[o + 2] = lut[t * 3 + 2]!;
          out[o + 3] = 255;
        } else if (c === 1) {
          const g = data[i]! * g255; // Uint8ClampedArray clamps and rounds (NaN → 0)
          out[o] = g;
          out[o + 1] = g;
          out[o + 2] = g;
          out[o + 3] = 255;
        } else if (c === 2) {
          const g = data[i]! * g255;
          out[o] = g;
          out[o + 1] = g;
          out[o + 2] = g;
          out[o + 3] = data[i + 1]! * 255;
        } else {
          out[o] = data[i]! * g255;
          out[o + 1] = data[i + 1]! * g255;
          out[o + 2] = data[i + 2]! * g255;
          out[o + 3] = c === 4 ? data[i + 3]! * 255 : 255;
        }
      }
    }
    this.row = r1;
  }

  result(): Analysis {
    if (!this.done) throw new Error(`preview: analysis read before it finished (${this.row} of ${this.img.height} rows)`);
    const stats: ChannelStats[] = [];
    let min = Infinity, max = -Infinity, sum = 0, n = 0, bad = 0;
    for (let k = 0; k < this.c; k++) {
      const cnt = this.counts[k]!;
      stats.push({
        min: cnt ? this.mins[k]! : NaN,
        max: cnt ? this.maxs[k]! : NaN,
        mean: cnt ? this.sums[k]! / cnt : NaN,
        nonFinite: this.bad[k]!,
      });
      if (cnt) {
        min = Math.min(min, this.mins[k]!);
        max = Math.max(max, this.maxs[k]!);
      }
      sum += this.sums[k]!;
      n += cnt;
      bad += this.bad[k]!;
    }
    return {
      width: this.img.width,
      height: this.img.height,
      channels: this.c,
      rgba: this.rgba,
      stats,
      overall: { min: n ? min : NaN, max: n ? max : NaN, mean: n ? sum / n : NaN, nonFinite: bad },
      histogram: { lo: this.lo, hi: this.hi, bins: HISTOGRAM_BINS, counts: this.hist, below: this.below, above: this.above },
      mode: this.mode,
    };
  }
}

/** Whole image at once (tests, small images). */
export function analyzeImage(img: FloatImage, mode: DisplayMode = { kind: 'image' }): Analysis {
  const a = new ImageAnalyzer(img, mode);
  a.step(img.height);
  return a.result();
}

export interface ChunkOptions {
  /** Milliseconds of work between yields (default 8). */
  readonly budgetMs?: number;
  readonly signal?: AbortSignal;
  /** How to give the event loop a turn (default: a macrotask through MessageChannel/setTimeout). */
  readonly yieldFn?: () => Promise<void>;
  readonly now?: () => number;
  /** Rows of the first chunk (default: about 16k samples). */
  readonly initialRows?: number;
}

export function macrotask(): Promise<void> {
  if (typeof MessageChannel !== 'undefined') {
    return new Promise((resolve) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        resolve();
      };
      ch.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Analyzes in row chunks sized to `budgetMs`, yielding between them. Rejects with an
 * AbortError when `signal` aborts (a newer image superseded this one).
 */
export async function analyzeImageChunked(img: FloatImage, mode: DisplayMode = { kind: 'image' }, opts: ChunkOptions = {}): Promise<Analysis> {
  const a = new ImageAnalyzer(img, mode);
  await runChunked((rows) => {
    a.step(rows);
    return a.done;
  }, img.width * img.channels, opts);
  return a.result();
}

/**
 * Drives `step(rows) → done` in chunks sized to `budgetMs`, yielding between them; rejects
 * with an AbortError when `signal` aborts. `rowCost` (samples per row) sizes the first chunk.
 */
export async function runChunked(step: (rows: number) => boolean, rowCost: number, opts: ChunkOptions = {}): Promise<void> {
  const budget = opts.budgetMs ?? 8;
  const yieldFn = opts.yieldFn ?? macrotask;
  const now = opts.now ?? (() => performance.now());
  // Start small, then size chunks from the measured rate.
  let rows = opts.initialRows ?? Math.max(1, Math.floor(16384 / Math.max(1, rowCost)));
  for (;;) {
    if (opts.signal?.aborted) throw abortError();
    const t0 = now();
    const done = step(rows);
    const dt = now() - t0;
    if (done) break;
    const perRow = dt / rows;
    rows = perRow > 0 ? Math.max(1, Math.floor(budget / perRow)) : rows * 2;
    await yieldFn();
  }
  if (opts.signal?.aborted) throw abortError();
}

function abortError(): Error {
  const e = new Error('preview: superseded');
  e.name = 'AbortError';
  return e;
}

/** Channel values at pixel (x, y) (integers inside the image), or undefined outside. */
export function pixelAt(img: FloatImage, x: number, y: number): number[] | undefined {
  if (!(x >= 0 && y >= 0 && x < img.width && y < img.height)) return undefined;
  const i = (Math.floor(y) * img.width + Math.floor(x)) * img.channels;
  return Array.from(img.data.subarray(i, i + img.channels));
}

/** Channel names by channel count. */
export function channelNames(channels: number): string[] {
  if (channels === 1) return ['V'];
  if (channels === 2) return ['V', 'A'];
  if (channels === 3) return ['R', 'G', 'B'];
  if (channels === 4) return ['R', 'G', 'B', 'A'];
  return Array.from({ length: channels }, (_, i) => `c${i}`);
}
