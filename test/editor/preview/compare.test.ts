import { describe, expect, it } from 'vitest';
import { absDifference, absDifferenceChunked, amplify, autoGain, sameImage, shapeNote } from '../../../src/editor/preview/compare';
import { formatValue, lookupValue, to8bit, toNumber, valuesOfNode } from '../../../src/editor/preview/format';
import { histogramHeights } from '../../../src/editor/preview/histogram';
import { analyzeImage } from '../../../src/editor/preview/analyze';
import type { FloatImage } from '../../../src/editor/preview/types';

const im = (w: number, h: number, c: number, v: number[]): FloatImage => ({ width: w, height: h, channels: c, data: Float32Array.from(v) });

describe('compare', () => {
  it('absolute difference of equal shapes', () => {
    const d = absDifference(im(2, 1, 1, [0.25, 1]), im(2, 1, 1, [0.5, 0.5]));
    expect(Array.from(d.image!.data)).toEqual([0.25, 0.5]);
    expect(d.maxAbs).toBe(0.5);
    expect(d.meanAbs).toBeCloseTo(0.375, 12);
    expect(d.p99).toBe(0.5); // bin [512/1024, 513/1024) capped at the max 0.5
    expect(d.note).toBeUndefined();
  });

  it('gray against RGB broadcasts, with a note', () => {
    const d = absDifference(im(1, 1, 1, [0.5]), im(1, 1, 3, [0, 0.5, 1]));
    expect(d.image!.channels).toBe(3);
    expect(Array.from(d.image!.data)).toEqual([0.5, 0, 0.5]);
    expect(d.note).toBe('shapes differ: A is 1×1×1, B is 1×1×3; the gray image is compared against each channel of the other');
  });

  it('RGBA against RGB compares three channels', () => {
    const d = absDifference(im(1, 1, 4, [1, 1, 1, 0]), im(1, 1, 3, [0, 0.5, 1]));
    expect(Array.from(d.image!.data)).toEqual([1, 0.5, 0]);
    expect(d.note).toContain('only the first 3 channels are compared');
  });

  it('different sizes: no difference image, a note naming both shapes', () => {
    const d = absDifference(im(2, 1, 1, [0, 0]), im(1, 2, 1, [0, 0]));
    expect(d.image).toBeUndefined();
    expect(d.note).toBe('shapes differ: A is 2×1×1, B is 1×2×1; the wipe aligns their top-left corners and no difference is computed');
    expect(shapeNote(im(1, 1, 1, [0]), im(1, 1, 1, [1]))).toBeUndefined();
  });

  it('gain', () => {
    expect(autoGain(0.1)).toBe(8); // largest power of two g with 0.1·g ≤ 1
    expect(autoGain(0.5)).toBe(2);
    expect(autoGain(0.6)).toBe(1);
    expect(autoGain(0)).toBe(1);
    expect(Array.from(amplify(im(1, 1, 1, [0.125]), 4).data)).toEqual([0.5]);
  });
});

describe('format and values', () => {
  it('formats ±Infinity as ∞ and numbers readably', () => {
    expect(formatValue(Infinity)).toBe('∞');
    expect(formatValue('Infinity')).toBe('∞');
    expect(formatValue('-Infinity')).toBe('−∞');
    expect(formatValue(NaN)).toBe('NaN');
    expect(formatValue(0.812345678)).toBe('0.8123');
    expect(formatValue(-0.5)).toBe('−0.5000');
    expect(formatValue(27.123456)).toBe('27.1235');
    expect(formatValue(123.456)).toBe('123.46');
    expect(formatValue(3)).toBe('3');
    expect(formatValue(0.00001234)).toBe('1.234e−5');
    expect(formatValue(undefined)).toBe('—');
    expect(toNumber('0.5')).toBe(0.5);
    expect(toNumber('x')).toBeUndefined();
    expect(to8bit(0.5)).toBe(128);
    expect(to8bit(-1)).toBe(0);
    expect(to8bit(2)).toBe(255);
  });

  it('looks up values in nested, dotted and Map shapes', () => {
    expect(lookupValue({ ssim1: { ssim: 0.8 } }, 'ssim1', 'ssim')).toBe(0.8);
    expect(lookupValue({ 'ssim1.ssim': 0.7 }, 'ssim1', 'ssim')).toBe(0.7);
    expect(lookupValue({ 'psnr1:psnr': 'Infinity' }, 'psnr1', 'psnr')).toBe(Infinity);
    expect(lookupValue(new Map([['a.b', 2]]), 'a', 'b')).toBe(2);
    expect(lookupValue(new Map<string, unknown>([['a', { b: 3 }]]), 'a', 'b')).toBe(3);
    expect(lookupValue({ a: { b: 1 } }, 'a', 'c')).toBeUndefined();
    expect(valuesOfNode({ 'n.x': 1, 'n.y': '-Infinity', 'm.x': 3 }, 'n')).toEqual([['x', 1], ['y', -Infinity]]);
    expect(valuesOfNode({ n: { x: 1 } }, 'n')).toEqual([['x', 1]]);
  });
});

describe('histogram heights', () => {
  it('scale from the largest interior bin; end bins capped at 1', () => {
    const a = analyzeImage(im(4, 1, 1, [0, 0, 0, 0.5]));
    const [h] = histogramHeights(a.histogram);
    expect(h![128]).toBe(1);
    expect(h![0]).toBe(1); // 3 counts, capped
    expect(h![1]).toBe(0);
  });
});

describe('auto gain from the 99th percentile', () => {
  it('one outlier among 1000 small differences does not set the gain', () => {
    const n = 1000;
    const a = im(n, 1, 1, new Array(n).fill(0.5));
    const bv = new Array(n).fill(0.5 + 0.01);
    bv[7] = 0; // outlier |Δ| 0.5
    const d = absDifference(a, im(n, 1, 1, bv));
    expect(d.maxAbs).toBe(0.5);
    // 999 values of 0.01 (bin 10: [10/1024, 11/1024)) → p99 = 11/1024
    expect(d.p99).toBeCloseTo(11 / 1024, 12);
    expect(autoGain(d.p99)).toBe(64); // 64·11/1024 = 0.69 ≤ 1 < 128·11/1024
    expect(autoGain(d.maxAbs)).toBe(2);
  });
});

describe('chunked difference', () => {
  it('equals the one-shot difference', async () => {
    const w = 33, h = 29;
    const a = im(w, h, 3, Array.from({ length: w * h * 3 }, (_, i) => (i % 17) / 16));
    const b = im(w, h, 1, Array.from({ length: w * h }, (_, i) => (i % 5) / 4));
    const one = absDifference(a, b);
    let t = 0;
    const chunked = await absDifferenceChunked(a, b, { budgetMs: 1, initialRows: 2, now: () => (t += 1), yieldFn: async () => undefined });
    expect(Array.from(chunked.image!.data)).toEqual(Array.from(one.image!.data));
    expect(chunked.maxAbs).toBe(one.maxAbs);
    expect(chunked.meanAbs).toBeCloseTo(one.meanAbs, 12);
    // spot check pixel 1: a = (3/16, 4/16, 5/16), b = 1/4
    expect(Array.from(one.image!.data.subarray(3, 6))).toEqual([1 / 16, 0, 1 / 16]);
  });
});

describe('sameImage', () => {
  it('compares shape and bits', () => {
    const a = im(2, 1, 1, [0.5, NaN]);
    expect(sameImage(a, im(2, 1, 1, [0.5, NaN]))).toBe(true); // NaN with the same bits counts as unchanged
    expect(sameImage(a, im(2, 1, 1, [0.5, 0]))).toBe(false);
    expect(sameImage(a, im(1, 2, 1, [0.5, NaN]))).toBe(false);
    expect(sameImage(im(1, 1, 1, [0]), im(1, 1, 1, [-0]))).toBe(false); // different bits
    expect(sameImage(null, null)).toBe(true);
    expect(sameImage(a, null)).toBe(false);
  });
});
