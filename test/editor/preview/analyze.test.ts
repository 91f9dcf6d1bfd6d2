import { describe, expect, it } from 'vitest';
import { analyzeImage, analyzeImageChunked, channelNames, finiteRange, heatRange, HISTOGRAM_BINS, ImageAnalyzer, pixelAt, runChunked } from '../../../src/editor/preview/analyze';
import { viridis, viridisLut } from '../../../src/editor/preview/colormap';
import type { FloatImage } from '../../../src/editor/preview/types';

function img(width: number, height: number, channels: number, values: number[]): FloatImage {
  return { width, height, channels, data: Float32Array.from(values) };
}

describe('analyzeImage (display bytes, statistics, histogram in one pass)', () => {
  it('gray 2×2: bytes are round(clamp(v)·255), stats over the four values', () => {
    const a = analyzeImage(img(2, 2, 1, [0, 0.5, 1, 0.25]));
    // 0.5·255 = 127.5 → Uint8ClampedArray rounds half to even → 128; 0.25·255 = 63.75 → 64
    expect(Array.from(a.rgba)).toEqual([0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255, 64, 64, 64, 255]);
    expect(a.stats[0]!.min).toBe(0);
    expect(a.stats[0]!.max).toBe(1);
    expect(a.stats[0]!.mean).toBeCloseTo(1.75 / 4, 12);
    // bins of width 1/256: 0 → 0, 0.25 → 64, 0.5 → 128, 1 → last bin (255)
    const h = a.histogram.counts[0]!;
    expect(h[0]).toBe(1);
    expect(h[64]).toBe(1);
    expect(h[128]).toBe(1);
    expect(h[255]).toBe(1);
    expect(h.reduce((s, v) => s + v, 0)).toBe(4);
  });

  it('RGB: per-channel min/max/mean and clamped display of out-of-range values', () => {
    // two pixels: (−0.5, 0.2, 2) and (0.5, 0.4, 1)
    const a = analyzeImage(img(2, 1, 3, [-0.5, 0.2, 2, 0.5, 0.4, 1]));
    expect(Array.from(a.rgba)).toEqual([0, 51, 255, 255, 128, 102, 255, 255]);
    expect(a.stats.map((s) => [s.min, s.max])).toEqual([[-0.5, 0.5], [Math.fround(0.2), Math.fround(0.4)], [1, 2]]);
    expect(a.stats[0]!.mean).toBeCloseTo(0, 12);
    expect(a.stats[2]!.mean).toBeCloseTo(1.5, 12);
    expect(a.overall.min).toBe(-0.5);
    expect(a.overall.max).toBe(2);
    expect(a.overall.mean).toBeCloseTo((-0.5 + 0.2 + 2 + 0.5 + 0.4 + 1) / 6, 6);
    expect(a.histogram.below).toEqual([1, 0, 0]);
    expect(a.histogram.above).toEqual([0, 0, 1]);
  });

  it('RGBA keeps alpha; gray+alpha; gain scales colour only', () => {
    const rgba = analyzeImage(img(1, 1, 4, [1, 0, 0, 0.5]));
    expect(Array.from(rgba.rgba)).toEqual([255, 0, 0, 128]);
    const ga = analyzeImage(img(1, 1, 2, [0.2, 1]));
    expect(Array.from(ga.rgba)).toEqual([51, 51, 51, 255]);
    const g = analyzeImage(img(1, 1, 1, [0.1]), { kind: 'image', gain: 4 });
    expect(Array.from(g.rgba)).toEqual([102, 102, 102, 255]);
    expect(g.stats[0]!.max).toBeCloseTo(0.1, 6);
  });

  it('non-finite samples are counted, left out of stats, shown black', () => {
    const a = analyzeImage(img(3, 1, 1, [NaN, Infinity, 0.5]));
    expect(a.stats[0]!.nonFinite).toBe(2);
    expect(a.stats[0]!.min).toBe(0.5);
    expect(a.stats[0]!.mean).toBe(0.5);
    expect(a.rgba[0]).toBe(0); // NaN → 0
    expect(a.rgba[4]).toBe(255); // +∞ clamps to white
    const none = analyzeImage(img(1, 1, 1, [NaN]));
    expect(none.stats[0]!.mean).toBeNaN();
  });

  it('heat mode maps [lo, hi] onto viridis and bins the histogram over that range', () => {
    const a = analyzeImage(img(3, 1, 1, [-1, 0, 1]), { kind: 'heat', lo: -1, hi: 1 });
    const lut = viridisLut();
    const at = (i: number): number[] => Array.from(a.rgba.subarray(i * 4, i * 4 + 3));
    expect(at(0)).toEqual(Array.from(lut.subarray(0, 3)));
    expect(at(1)).toEqual(Array.from(lut.subarray(128 * 3, 128 * 3 + 3))); // (0 − (−1))·127.5 = 127.5 → 128
    expect(at(2)).toEqual(Array.from(lut.subarray(255 * 3, 255 * 3 + 3)));
    expect(a.histogram.lo).toBe(-1);
    expect(a.histogram.counts[0]![0]).toBe(1);
    expect(a.histogram.counts[0]![128]).toBe(1);
    expect(a.histogram.counts[0]![255]).toBe(1);
  });

  it('refuses data of the wrong length with the expected count', () => {
    expect(() => analyzeImage(img(2, 2, 3, [0, 1]))).toThrow('image data has 2 values, expected 2×2×3 = 12');
    expect(() => new ImageAnalyzer(img(1, 1, 1, [0]), { kind: 'heat', lo: 1, hi: 1 })).toThrow('heat-map range [1, 1] is empty');
  });

  it('chunked analysis equals the one-shot result and yields between chunks', async () => {
    const w = 97, h = 61, c = 3;
    const data = new Float32Array(w * h * c);
    for (let i = 0; i < data.length; i++) data[i] = ((i * 7919) % 1000) / 999;
    const image = { width: w, height: h, channels: c, data };
    const whole = analyzeImage(image);
    let t = 0;
    let yields = 0;
    const chunked = await analyzeImageChunked(image, { kind: 'image' }, { budgetMs: 1, initialRows: 4, now: () => (t += 1), yieldFn: async () => void yields++ });
    expect(yields).toBeGreaterThan(5);
    expect(Buffer.from(chunked.rgba).equals(Buffer.from(whole.rgba))).toBe(true);
    expect(chunked.stats).toEqual(whole.stats);
    expect(chunked.histogram.counts.map((x) => Array.from(x))).toEqual(whole.histogram.counts.map((x) => Array.from(x)));
    expect(whole.histogram.counts.reduce((s, x) => s + x.reduce((a, b) => a + b, 0), 0)).toBe(w * h * c);
  });

  it('chunked analysis stops with AbortError when superseded', async () => {
    const image = img(4, 64, 1, new Array(256).fill(0.5));
    const ac = new AbortController();
    let t = 0;
    const p = analyzeImageChunked(image, { kind: 'image' }, { budgetMs: 1, now: () => (t += 1), initialRows: 4, signal: ac.signal, yieldFn: async () => ac.abort() });
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('chunks are sized from the measured rate to the time budget (1024 rows at 0.05 ms each)', async () => {
    // Simulated clock: a row of a 1024-wide RGB image costs 0.05 ms, so an 8 ms budget is 160 rows.
    // (Wall-clock figures are the benchmark's job: `npm run bench:editor` reports the longest task.)
    let clock = 0;
    let row = 0;
    const chunks: number[] = [];
    await runChunked(
      (rows) => {
        const r = Math.min(rows, 1024 - row);
        row += r;
        clock += r * 0.05;
        chunks.push(r * 0.05);
        return row >= 1024;
      },
      1024 * 3,
      { budgetMs: 8, now: () => clock, yieldFn: async () => undefined },
    );
    expect(row).toBe(1024);
    expect(chunks[0]).toBeCloseTo(5 * 0.05, 9); // first chunk: 16384 samples / 3072 per row = 5 rows
    expect(Math.max(...chunks)).toBeLessThanOrEqual(8 + 1e-9);
    expect(chunks.slice(1, -1).every((c) => Math.abs(c - 8) < 1e-6)).toBe(true);
  });
});

describe('helpers', () => {
  it('pixelAt reads HWC values and refuses outside points', () => {
    const i = img(2, 2, 3, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(pixelAt(i, 1, 0)).toEqual([3, 4, 5]);
    expect(pixelAt(i, 0, 1)).toEqual([6, 7, 8]);
    expect(pixelAt(i, 2, 0)).toBeUndefined();
    expect(pixelAt(i, -1, 0)).toBeUndefined();
  });

  it('finiteRange and heatRange', () => {
    expect(finiteRange(Float32Array.from([0.5, NaN, -Infinity, 0.25]))).toEqual({ min: 0.25, max: 0.5 });
    expect(finiteRange(Float32Array.from([NaN]))).toEqual({ min: NaN, max: NaN });
    expect(heatRange(Float32Array.from([0.2, 0.9]))).toEqual({ lo: 0, hi: 1 });
    expect(heatRange(Float32Array.from([-0.1, 0.9]))).toEqual({ lo: -1, hi: 1 });
    expect(heatRange(Float32Array.from([0.5, 3]))).toEqual({ lo: 0, hi: 3 });
  });

  it('channel names', () => {
    expect(channelNames(1)).toEqual(['V']);
    expect(channelNames(3)).toEqual(['R', 'G', 'B']);
    expect(channelNames(4)).toEqual(['R', 'G', 'B', 'A']);
    expect(channelNames(5)[4]).toBe('c4');
  });

  it("viridis matches matplotlib's table within 2/255", () => {
    // matplotlib viridis table entries 0, 64, 128, 191, 255 (cm.viridis(i) · 255)
    const ref: [number, number[]][] = [[0, [68.09, 1.24, 84.0]], [64 / 255, [58.58, 82.2, 139.16]], [128 / 255, [32.53, 144.57, 140.39]], [191 / 255, [91.99, 200.42, 98.89]], [1, [253.28, 231.07, 36.7]]];
    for (const [t, rgb] of ref) {
      const v = viridis(t).map((x) => x * 255);
      for (let k = 0; k < 3; k++) expect(Math.abs(v[k]! - rgb[k]!)).toBeLessThanOrEqual(2);
    }
    expect(viridisLut().length).toBe(256 * 3);
    expect(HISTOGRAM_BINS).toBe(256);
  });
});
