/**
 * inpaint: hand-checkable cases (constants, polynomials restored by biharmonic), OpenCV and
 * scikit-image references (test/fixtures/restoration.json), pixels outside the mask exactly
 * unchanged, bad inputs, cancellation, on every test backend, with leak checks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Cancelled } from '../../src/engine/errors';
import { inpaint, INPAINT_METHODS } from '../../src/nodes/inpaint';
import { maskStrokes } from '../../src/nodes/maskStrokes';
import { Rng } from '../../src/nodes/lib/random';
import { testBackends, useBackend } from '../helpers/backends';
import { fixtureImage, fixtureMask, fixtures, image, maskOf, runNode, runOut } from './restoreHelpers';

/**
 * Tolerances against the references: mean and max absolute error over the hole pixels.
 * - telea vs cv2 on 8-bit data: OpenCV adds (Jx + Jy)/|J| + 0.5 levels and rounds to 8 bits
 *   at every filled pixel; we return the weighted mean unrounded (fmm.ts). Measured mean
 *   4.7e-3 … 5.6e-3 (1.2–1.4 levels), max ≤ 0.02. (With that term and the rounding added back
 *   the result equals OpenCV's bit for bit: the filling order and weights are the same.)
 * - navierStokes vs cv2 float32: the same algorithm; float32 (OpenCV) vs double accumulation
 *   flips a weight at OpenCV's |dir| ≤ 0.01 cut-off now and then. Measured mean ≤ 1.3e-5,
 *   max ≤ 8.2e-4.
 * - biharmonic vs skimage (SuperLU, float64): the same linear system solved by Cholesky;
 *   measured mean 2.5e-8, max 7.7e-8 (float32 rounding of the output).
 */
const TOL: Record<string, { mean: number; max: number }> = {
  telea: { mean: 0.0075, max: 0.03 },
  navierStokes: { mean: 1e-4, max: 2e-3 },
  biharmonic: { mean: 1e-7, max: 3e-7 },
};

/**
 * The learned method corrects a Telea fill by scale·net(normalized fill) with scale = the
 * patch's std, floored at 1e-4: on a flat image the correction is at most 1e-4·|net|
 * (measured largest error 1.4e-5, cpu and wasm).
 */
const LEARNED_TOL = { constant: 5e-5 };

/**
 * Mean absolute error in the holes of the smooth test image with 10 % scattered holes, per
 * method. Measured (128×128): telea 0.0057, navierStokes 0.0033, biharmonic 0.0002, learned 0.0108
 * (the network, trained on photographs, adds texture that a smooth synthetic image lacks).
 */
const SCATTERED_TOL: Record<string, number> = { telea: 0.01, navierStokes: 0.006, biharmonic: 0.0005, learned: 0.015 };

/** Methods for images of any size and content; gan (28×28 digits) is tested in test/models/inpaintGan.test.ts. */
const ANY_SIZE = INPAINT_METHODS.filter((m) => m !== 'gan');

function holeStats(out: Float32Array, c: number, hole: number[], expected: number[]): { mean: number; max: number } {
  let k = 0;
  let sum = 0;
  let max = 0;
  hole.forEach((hv, p) => {
    if (!hv) return;
    for (let ch = 0; ch < c; ch++) {
      const d = Math.abs(out[p * c + ch]! - expected[k++]!);
      sum += d;
      max = Math.max(max, d);
    }
  });
  if (k !== expected.length) throw new Error(`fixture has ${expected.length} hole values, mask gives ${k}`);
  return { mean: sum / k, max };
}

function expectOutsideUnchanged(input: Float32Array, out: Float32Array, hole: ArrayLike<number>, c: number): void {
  let changed = 0;
  for (let p = 0; p < hole.length; p++) if (!hole[p]) for (let ch = 0; ch < c; ch++) if (out[p * c + ch] !== input[p * c + ch]) changed++;
  expect(changed).toBe(0);
}

for (const backend of testBackends) {
  describe(`inpaint on ${backend}`, () => {
    let baseline = 0;
    beforeAll(async () => {
      await useBackend(backend);
      baseline = tf.memory().numTensors;
    });

    for (const method of ANY_SIZE) {
      it(`${method}: a constant image with holes is filled with the constant (gray and RGBA)`, async () => {
        const gray = image(20, 24, 1, () => 0.3);
        const rgba = image(20, 24, 4, (_y, _x, ch) => [0.1, 0.5, 0.9, 0.75][ch]!);
        const mask = maskOf(20, 24, (y, x) => (y >= 6 && y < 12 && x >= 5 && x < 15) || (y === 17 && x > 2) || (x === 0 && y < 4));
        const g = await runOut(inpaint, { image: gray, mask }, { method });
        const c = await runOut(inpaint, { image: rgba, mask }, { method });
        tf.dispose([gray, rgba, mask]);
        // Exact up to rounding for the classical methods (weighted means, a linear solve); the
        // network's correction of the Telea fill nearly vanishes (see LEARNED_TOL).
        const tol = method === 'learned' ? LEARNED_TOL.constant : 1e-6;
        for (const v of g.data) expect(Math.abs(v - 0.3)).toBeLessThan(tol);
        for (let i = 0; i < c.data.length; i++) expect(Math.abs(c.data[i]! - [0.1, 0.5, 0.9, 0.75][i % 4]!)).toBeLessThan(tol);
        expect(c.shape).toEqual([20, 24, 4]);
      });

      it(`${method}: pixels outside the mask are exactly unchanged (random image, random strokes)`, async () => {
        const rng = new Rng(5);
        const img = image(40, 48, 3, () => rng.nextFloat());
        const maskOut = await runNode(maskStrokes, { image: img }, { count: 8, brushWidth: 4, length: 25, seed: 2 });
        const mask = maskOut.mask as tf.Tensor3D;
        const input = (await img.data()) as Float32Array;
        const hole = await mask.data();
        const out = await runOut(inpaint, { image: img, mask }, { method, radius: 3 });
        tf.dispose([img, mask]);
        expectOutsideUnchanged(input, out.data, hole, 3);
        // And the hole changed (the strokes cover random pixels that the fill cannot all hit exactly).
        let diff = 0;
        hole.forEach((h, p) => {
          if (h) for (let ch = 0; ch < 3; ch++) diff += Math.abs(out.data[p * 3 + ch]! - input[p * 3 + ch]!);
        });
        expect(diff).toBeGreaterThan(1);
      });
    }

    it('biharmonic restores a linear ramp and a cubic exactly (holes 2 px from the border)', async () => {
      // The reflecting stencil of scikit-image vanishes on polynomials of degree ≤ 3 wherever it
      // does not reach the border: a hole pixel's row of L·L reaches 2 px.
      const mask = maskOf(30, 32, (y, x) => (y >= 8 && y < 20 && x >= 6 && x < 18) || (y === 25 && x >= 2 && x < 30) || (y === 2 && x === 2));
      const hole = await mask.data();
      for (const f of [(y: number, x: number) => 0.1 + 0.02 * x + 0.01 * y, (y: number, x: number) => 0.2 + 0.5 * ((x / 31) ** 3 - 0.5 * (y / 29) ** 2 * (x / 31))]) {
        const img = image(30, 32, 1, (y, x) => f(y, x));
        const out = await runOut(inpaint, { image: img, mask }, { method: 'biharmonic' });
        img.dispose();
        let max = 0;
        hole.forEach((h, p) => {
          if (h) max = Math.max(max, Math.abs(out.data[p]! - Math.fround(f(Math.floor(p / 32), p % 32))));
        });
        expect(max).toBeLessThan(2e-6);
      }
      mask.dispose();
    });

    describe('reference fixtures (OpenCV, scikit-image)', () => {
      for (const fc of fixtures.inpaint) {
        it(`${fc.method} radius ${fc.radius} on ${fc.image} / ${fc.mask} vs ${fc.ref}`, async () => {
          const img = fixtureImage(fc.image);
          const mask = fixtureMask(fc.mask);
          const c = img.shape[2];
          const input = (await img.data()) as Float32Array;
          const out = await runOut(inpaint, { image: img, mask }, { method: fc.method, radius: fc.radius });
          tf.dispose([img, mask]);
          const holeBits = fixtures.masks[fc.mask]!.data;
          const s = holeStats(out.data, c, holeBits, fc.expected);
          expect(s.mean).toBeLessThan(TOL[fc.method]!.mean);
          expect(s.max).toBeLessThan(TOL[fc.method]!.max);
          expectOutsideUnchanged(input, out.data, holeBits, c);
        });
      }
    });

    it('a mask without holes returns the image unchanged (a new tensor)', async () => {
      const img = image(6, 7, 3, (y, x, c) => (y + x + c) / 20);
      const mask = tf.zeros([6, 7, 1]);
      const out = await runNode(inpaint, { image: img, mask }, {});
      const res = out.image as tf.Tensor;
      expect(res).not.toBe(img);
      expect(Array.from(await res.data())).toEqual(Array.from(await img.data()));
      tf.dispose([img, mask, res]);
    });

    it('refuses a mask of another size, a colour mask and a mask that is all hole', async () => {
      const img = tf.zeros([8, 10, 3]);
      const small = tf.zeros([8, 9, 1]);
      const colour = tf.zeros([8, 10, 3]);
      const full = tf.ones([8, 10, 1]);
      await expect(runNode(inpaint, { image: img, mask: small })).rejects.toThrow('input "mask" is 9×8 but input "image" is 10×8 (width×height); the mask must have the image\'s size');
      await expect(runNode(inpaint, { image: img, mask: colour })).rejects.toThrow('input "mask" has 3 channels; a mask has 1');
      for (const method of INPAINT_METHODS) await expect(runNode(inpaint, { image: img, mask: full }, { method })).rejects.toThrow('the mask covers the whole image; nothing to inpaint from');
      await expect(runNode(inpaint, { image: img })).rejects.toThrow('input "mask" is not connected');
      tf.dispose([img, small, colour, full]);
    });

    it('stops with Cancelled when the signal is aborted', async () => {
      const img = tf.zeros([64, 64, 1]);
      const mask = maskOf(64, 64, (y, x) => y > 10 && y < 50 && x > 10 && x < 50);
      for (const method of INPAINT_METHODS) {
        const ac = new AbortController();
        ac.abort();
        await expect(runNode(inpaint, { image: img, mask }, { method }, ac.signal)).rejects.toBeInstanceOf(Cancelled);
      }
      tf.dispose([img, mask]);
    });

    it('a scattered mask (10 % isolated pixels, 128×128 RGB) is filled by every method', async () => {
      const rng = new Rng(11);
      const img = image(128, 128, 3, (y, x) => 0.5 + 0.4 * Math.sin(x / 7) * Math.cos(y / 9));
      const mask = maskOf(128, 128, () => rng.nextFloat() < 0.1);
      const truth = (await img.data()) as Float32Array;
      const hole = await mask.data();
      for (const method of ANY_SIZE) {
        const out = await runOut(inpaint, { image: img, mask }, { method, radius: 3 });
        // A smooth image with isolated holes: every method lands close to the truth.
        let err = 0;
        let n = 0;
        hole.forEach((h, p) => {
          if (h) for (let ch = 0; ch < 3; ch++, n++) err += Math.abs(out.data[p * 3 + ch]! - truth[p * 3 + ch]!);
        });
        expect(err / n).toBeLessThan(SCATTERED_TOL[method]!);
      }
      tf.dispose([img, mask]);
    });

    it('leaves no tensors behind', () => {
      expect(tf.memory().numTensors).toBe(baseline);
    });
  });
}
