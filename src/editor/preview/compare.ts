/** Comparison of two outputs: absolute difference and shape notes. */
import { runChunked, type ChunkOptions } from './analyze';
import type { FloatImage } from './types';

export interface Difference {
  /** |A − B| per channel, or undefined when widths/heights differ. */
  readonly image?: FloatImage;
  readonly maxAbs: number;
  readonly meanAbs: number;
  /** 99th percentile of |A − B| (to 1/1024; values ≥ 1 count as 1): the auto gain maps it to 1. */
  readonly p99: number;
  /** Shown to the user when the shapes differ (how the comparison treats them). */
  readonly note?: string;
}

export function shapeText(img: Pick<FloatImage, 'width' | 'height' | 'channels' | 'fullWidth' | 'fullHeight' | 'stride'>): string {
  if (img.stride !== undefined && img.stride > 1 && img.fullWidth !== undefined && img.fullHeight !== undefined) {
    return `${img.fullWidth}×${img.fullHeight}×${img.channels} (shown at 1/${img.stride} scale: ${img.width}×${img.height})`;
  }
  return `${img.width}×${img.height}×${img.channels}`;
}

/** Note for a wipe/difference of two images of different shapes (undefined when equal). */
export function shapeNote(a: FloatImage, b: FloatImage): string | undefined {
  if (a.width === b.width && a.height === b.height && a.channels === b.channels) return undefined;
  if (a.width !== b.width || a.height !== b.height) {
    return `shapes differ: A is ${shapeText(a)}, B is ${shapeText(b)}; the wipe aligns their top-left corners and no difference is computed`;
  }
  const cs = Math.min(a.channels, b.channels);
  if (a.channels === 1 || b.channels === 1) {
    return `shapes differ: A is ${shapeText(a)}, B is ${shapeText(b)}; the gray image is compared against each channel of the other`;
  }
  return `shapes differ: A is ${shapeText(a)}, B is ${shapeText(b)}; only the first ${cs} channels are compared`;
}

/**
 * |A − B| per pixel and channel. Same width and height required; a 1-channel side is
 * broadcast over the other's channels; otherwise the first min(cA, cB) channels are used.
 */
export function absDifference(a: FloatImage, b: FloatImage): Difference {
  const d = new DifferenceBuilder(a, b);
  d.step(a.height);
  return d.result();
}

/** |A − B| in row chunks (see runChunked). */
export async function absDifferenceChunked(a: FloatImage, b: FloatImage, opts: ChunkOptions = {}): Promise<Difference> {
  const d = new DifferenceBuilder(a, b);
  await runChunked((rows) => d.step(rows), a.width * Math.max(a.channels, b.channels), opts);
  return d.result();
}

const DIFF_BINS = 1024;

class DifferenceBuilder {
  private row = 0;
  private max = 0;
  private sum = 0;
  private count = 0;
  private readonly out: Float32Array | undefined;
  private readonly hist = new Uint32Array(DIFF_BINS + 1);
  private readonly c: number;
  private readonly note: string | undefined;

  constructor(
    private readonly a: FloatImage,
    private readonly b: FloatImage,
  ) {
    this.note = shapeNote(a, b);
    const broadcast = a.channels === 1 || b.channels === 1;
    this.c = broadcast ? Math.max(a.channels, b.channels) : Math.min(a.channels, b.channels);
    this.out = a.width === b.width && a.height === b.height ? new Float32Array(a.width * a.height * this.c) : undefined;
  }

  /** Processes up to `rows` rows; true when finished. */
  step(rows: number): boolean {
    const out = this.out;
    if (!out) return true;
    const { a, b, c } = this;
    const w = a.width;
    const ca = a.channels, cb = b.channels;
    const sa = ca === 1 ? 0 : 1, sb = cb === 1 ? 0 : 1;
    const ad = a.data, bd = b.data;
    const r1 = Math.min(a.height, this.row + Math.max(1, Math.floor(rows)));
    let max = this.max, sum = this.sum, count = this.count;
    const hist = this.hist;
    for (let p = this.row * w, pe = r1 * w; p < pe; p++) {
      const ia = p * ca, ib = p * cb, io = p * c;
      for (let k = 0; k < c; k++) {
        const d = Math.abs(ad[ia + k * sa]! - bd[ib + k * sb]!);
        out[io + k] = d;
        if (d === d) {
          if (d > max) max = d;
          sum += d;
          count++;
          hist[d >= 1 ? DIFF_BINS : Math.floor(d * DIFF_BINS)]!++;
        }
      }
    }
    this.max = max;
    this.sum = sum;
    this.count = count;
    this.row = r1;
    return this.row >= a.height;
  }

  result(): Difference {
    if (!this.out) return { maxAbs: NaN, meanAbs: NaN, p99: NaN, note: this.note };
    return {
      image: { width: this.a.width, height: this.a.height, channels: this.c, data: this.out },
      maxAbs: this.max,
      meanAbs: this.count ? this.sum / this.count : NaN,
      p99: this.percentile(0.99),
      note: this.note,
    };
  }

  /** Upper edge of the bin where the cumulative count reaches q (capped at the true max). */
  private percentile(q: number): number {
    if (!this.count) return NaN;
    const target = q * this.count;
    let acc = 0;
    for (let i = 0; i <= DIFF_BINS; i++) {
      acc += this.hist[i]!;
      if (acc >= target) return Math.min(this.max, (i + 1) / DIFF_BINS);
    }
    return this.max;
  }
}

/** Multiplies a difference image for display (returns a new image; gain 1 returns the input). */
export function amplify(img: FloatImage, gain: number): FloatImage {
  if (gain === 1) return img;
  const out = new Float32Array(img.data.length);
  for (let i = 0; i < out.length; i++) out[i] = img.data[i]! * gain;
  return { width: img.width, height: img.height, channels: img.channels, data: out };
}

/**
 * Auto contrast for a difference image: the largest power of two g ≤ 1024 with level·g ≤ 1,
 * where level is the 99th percentile of |A − B| (a few outliers do not hide the rest).
 */
export function autoGain(level: number): number {
  if (!(level > 0) || !Number.isFinite(level)) return 1;
  let g = 1;
  while (g < 1024 && level * g * 2 <= 1) g *= 2;
  return g;
}

/**
 * True when both images have the same shape and bit-identical samples (a re-fetched output
 * that did not change: the panel keeps what it shows instead of rendering it again).
 */
export function sameImage(x: FloatImage | null | undefined, y: FloatImage | null | undefined): boolean {
  if (!x || !y) return x === y;
  if (x === y) return true;
  if (x.width !== y.width || x.height !== y.height || x.channels !== y.channels || x.data.length !== y.data.length) return false;
  const a = new Uint32Array(x.data.buffer, x.data.byteOffset, x.data.length);
  const b = new Uint32Array(y.data.buffer, y.data.byteOffset, y.data.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
