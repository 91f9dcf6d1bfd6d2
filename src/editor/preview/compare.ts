/** Comparison of two outputs: absolute difference and shape notes. */
import { runChunked, type ChunkOptions } from './analyze';
import type { FloatImage } from './types';

export interface Difference {
  /** |A − B| per channel, or undefined when widths/heights differ. */
  readonly image?: FloatImage;
  readonly maxAbs: number;
  readonly meanAbs: number;
  /** Shown to the user when the shapes differ (how the comparison treats them). */
  readonly note?: string;
}

export function shapeText(img: Pick<FloatImage, 'width' | 'height' | 'channels'>): string {
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

class DifferenceBuilder {
  private row = 0;
  private max = 0;
  private sum = 0;
  private count = 0;
  private readonly out: Float32Array | undefined;
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
    for (let p = this.row * w, pe = r1 * w; p < pe; p++) {
      const ia = p * ca, ib = p * cb, io = p * c;
      for (let k = 0; k < c; k++) {
        const d = Math.abs(ad[ia + k * sa]! - bd[ib + k * sb]!);
        out[io + k] = d;
        if (d === d) {
          if (d > max) max = d;
          sum += d;
          count++;
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
    if (!this.out) return { maxAbs: NaN, meanAbs: NaN, note: this.note };
    return {
      image: { width: this.a.width, height: this.a.height, channels: this.c, data: this.out },
      maxAbs: this.max,
      meanAbs: this.count ? this.sum / this.count : NaN,
      note: this.note,
    };
  }
}

/** Multiplies a difference image for display (returns a new image; gain 1 returns the input). */
export function amplify(img: FloatImage, gain: number): FloatImage {
  if (gain === 1) return img;
  const out = new Float32Array(img.data.length);
  for (let i = 0; i < out.length; i++) out[i] = img.data[i]! * gain;
  return { width: img.width, height: img.height, channels: img.channels, data: out };
}

/** Gain that maps the largest difference to 1 (auto contrast), as a power of two ≤ 1024. */
export function autoGain(maxAbs: number): number {
  if (!(maxAbs > 0) || !Number.isFinite(maxAbs)) return 1;
  let g = 1;
  while (g < 1024 && maxAbs * g * 2 <= 1) g *= 2;
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
