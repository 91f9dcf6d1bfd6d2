import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { testBackends, useBackend } from '../../helpers/backends';
import { borderIndex, padImage, padIndices } from '../../../src/nodes/lib/pad';
import { correlate2d, correlateSeparable, opencvGaussianKernel, opencvGaussianKsize, scipyGaussianKernel } from '../../../src/nodes/lib/conv';

describe('borderIndex / padIndices (host side, exact)', () => {
  it('reflect101 folds without repeating the edge, also past several periods', async () => {
    // abcd → …bcdcb|abcd|cbabc…: period 2·(4−1) = 6
    expect(Array.from(padIndices(4, 7, 7, 'reflect101'))).toEqual([1, 0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2]);
  });
  it('reflect repeats the edge (symmetric), period 2·len', async () => {
    expect(Array.from(padIndices(3, 7, 7, 'reflect'))).toEqual([0, 0, 1, 2, 2, 1, 0, 0, 1, 2, 2, 1, 0, 0, 1, 2, 2]);
  });
  it('replicate clamps', async () => {
    expect(Array.from(padIndices(3, 2, 4, 'replicate'))).toEqual([0, 0, 0, 1, 2, 2, 2, 2, 2]);
  });
  it('length-1 axes map everything to 0 in every mode', async () => {
    for (const m of ['reflect101', 'reflect', 'replicate'] as const) expect(Array.from(padIndices(1, 3, 5, m))).toEqual(new Array(9).fill(0));
  });
  it('matches OpenCV borderInterpolate’s loop for many coordinates', async () => {
    // Reference: cv::borderInterpolate's do/while, transcribed.
    const cvRef = (p: number, len: number, delta: number): number => {
      if (p >= 0 && p < len) return p;
      if (len === 1) return 0;
      do p = p < 0 ? -p - 1 + delta : len - 1 - (p - len) - delta;
      while (p < 0 || p >= len);
      return p;
    };
    for (let len = 2; len <= 6; len++) {
      for (let p = -40; p < 40; p++) {
        expect(borderIndex(p, len, 'reflect101')).toBe(cvRef(p, len, 1));
        expect(borderIndex(p, len, 'reflect')).toBe(cvRef(p, len, 0));
      }
    }
  });
  it('rejects bad arguments with a message naming them', async () => {
    expect(() => padIndices(3, -1, 0, 'reflect')).toThrow(/non-negative/);
    expect(() => borderIndex(0, 0, 'reflect')).toThrow(/len=0/);
  });
});

describe('Gaussian kernels', () => {
  it('OpenCV default size for float images is cvRound(8σ+1)|1', async () => {
    expect(opencvGaussianKsize(0.5)).toBe(5);
    expect(opencvGaussianKsize(1)).toBe(9);
    expect(opencvGaussianKsize(1.1)).toBe(11); // radius 5, where round(4σ) would give 4
    expect(opencvGaussianKsize(3)).toBe(25);
  });
  it('OpenCV kernel: normalized, symmetric, Gaussian ratios (rel. 1e-6, float32 weights)', async () => {
    const k = opencvGaussianKernel(9, 1);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    for (let i = 0; i < 9; i++) expect(k[i]).toBe(k[8 - i]);
    expect(k[4]! / k[5]!).toBeCloseTo(Math.exp(0.5), 5);
    expect(k[4]! / k[6]!).toBeCloseTo(Math.exp(2), 4);
  });
  it('SciPy kernel radius is int(4σ+0.5) (σ=1.1 → 4, σ=2 → 8)', async () => {
    expect(scipyGaussianKernel(1.1).length).toBe(9);
    expect(scipyGaussianKernel(2).length).toBe(17);
    expect(scipyGaussianKernel(0.5).length).toBe(5);
  });
});

for (const backend of testBackends) {
  describe(`padImage / correlation on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });
    it('matches tf.mirrorPad for small pads (reflect101 = "reflect", reflect = "symmetric"), exact', async () => {
      const img = tf.tensor3d(Array.from({ length: 4 * 5 * 2 }, (_, i) => i), [4, 5, 2]);
      const pads = { top: 2, bottom: 1, left: 3, right: 2 };
      const paddings: [number, number][] = [[2, 1], [3, 2], [0, 0]];
      const a = padImage(img, pads, 'reflect101');
      const b = padImage(img, pads, 'reflect');
      expect(a.shape).toEqual([7, 10, 2]);
      const ra = tf.mirrorPad(img, paddings, 'reflect');
      const rb = tf.mirrorPad(img, paddings, 'symmetric');
      expect(Array.from(await a.data())).toEqual(Array.from(await ra.data()));
      expect(Array.from(await b.data())).toEqual(Array.from(await rb.data()));
      tf.dispose([img, a, b, ra, rb]);
    });

    it('pads far beyond the image size (1×2 image padded by 5), exact', async () => {
      const img = tf.tensor3d([10, 20], [1, 2, 1]);
      const out = padImage(img, { top: 2, bottom: 1, left: 5, right: 4 }, 'reflect101');
      expect(out.shape).toEqual([4, 11, 1]);
      // columns for len 2 reflect101 alternate 0,1 — start at p=−5 → 1
      const row = [20, 10, 20, 10, 20, 10, 20, 10, 20, 10, 20];
      expect(Array.from(await out.data())).toEqual([...row, ...row, ...row, ...row]);
      const rep = padImage(img, { top: 0, bottom: 0, left: 2, right: 1 }, 'replicate');
      expect(Array.from(await rep.data())).toEqual([10, 10, 10, 20, 20]);
      tf.dispose([img, out, rep]);
    });

    it('separable correlation does not flip the kernel (shift by one pixel), exact', async () => {
      const img = tf.tensor3d([1, 2, 3, 4, 5], [1, 5, 1]);
      // kx = [0, 0, 1] picks x+1 (correlation); reflect101 at x=4 → 3
      const out = correlateSeparable(img, [0, 0, 1], [1], 'reflect101');
      expect(Array.from(await out.data())).toEqual([2, 3, 4, 5, 4]);
      const col = tf.tensor3d([1, 2, 3], [3, 1, 1]);
      const out2 = correlate2d(col, [[1], [0], [0]], 'reflect');
      // picks y−1; reflect at y=0 → 0
      expect(Array.from(await out2.data())).toEqual([1, 1, 2]);
      tf.dispose([img, out, col, out2]);
    });
  });
}
