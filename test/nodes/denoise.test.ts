/**
 * restore.denoise: the bilateral filter against cv2.bilateralFilter on float32
 * (test/fixtures/restoration.json), hand-checkable cases, alpha; the shipped dncnn network (noise
 * removed on an unseen photo, tiling invariance, alpha, flat images); on every test backend, with
 * leak checks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreDenoise } from '../../src/nodes/restoreDenoise';
import { bilateralRadius, cvRound } from '../../src/nodes/lib/restore/bilateral';
import { loadDenoiser, runDenoiser } from '../../src/nodes/lib/restore/dncnn';
import type { NetResource } from '../../src/nodes/lib/restore/learned';
import { testBackends, useBackend } from '../helpers/backends';
import { fixtureImage, fixtures, image, modelHost, runOut } from './restoreHelpers';

/**
 * Max absolute difference from OpenCV: OpenCV reads the range weight from a 4096-bin table
 * with linear interpolation and sums in float32; we evaluate exp in float32 per tap. Measured
 * ≤ 4.4e-7 on cpu and wasm (the fixture keeps 7 significant digits); 2e-6 leaves room for a
 * GPU's exp.
 */
const TOL = 2e-6;

describe('bilateral helpers', () => {
  it('cvRound rounds half to even, and the radius follows OpenCV', () => {
    expect([0.5, 1.5, 2.5, 4.5, 2.4, 2.6, -0.5, -1.5].map(cvRound)).toEqual([0, 2, 2, 4, 2, 3, 0, -2]);
    expect(bilateralRadius(3, 0)).toBe(4); // cvRound(4.5) = 4
    expect(bilateralRadius(2, 0)).toBe(3);
    expect(bilateralRadius(0.2, 0)).toBe(1); // at least 1
    expect(bilateralRadius(3, 7)).toBe(3);
    expect(bilateralRadius(3, 6)).toBe(3);
  });
});

for (const backend of testBackends) {
  describe(`restore.denoise (bilateral) on ${backend}`, () => {
    let baseline = 0;
    beforeAll(async () => {
      await useBackend(backend);
      baseline = tf.memory().numTensors;
    });

    for (const fc of fixtures.bilateral) {
      it(`matches cv2.bilateralFilter: ${fc.image}, sigmaColor ${fc.sigmaColor}, sigmaSpace ${fc.sigmaSpace}, d ${fc.diameter}`, async () => {
        const img = fixtureImage(fc.image);
        const out = await runOut(restoreDenoise, { image: img }, { method: 'bilateral', sigmaColor: fc.sigmaColor, sigmaSpace: fc.sigmaSpace, diameter: fc.diameter });
        img.dispose();
        let max = 0;
        for (let i = 0; i < out.data.length; i++) max = Math.max(max, Math.abs(out.data[i]! - fc.expected[i]!));
        expect(max).toBeLessThan(TOL);
      });
    }

    it('a constant image stays constant; a step edge stronger than sigmaColor is kept', async () => {
      const flat = image(9, 9, 3, () => 0.4);
      const a = await runOut(restoreDenoise, { image: flat }, { sigmaColor: 0.1, sigmaSpace: 2 });
      flat.dispose();
      for (const v of a.data) expect(v).toBeCloseTo(0.4, 6);
      // Step 0.2 | 0.8: the range weight across it is exp(−0.6² / (2·0.05²)) ≈ 5e-32, so each side keeps its value.
      const step = image(8, 8, 1, (_y, x) => (x < 4 ? 0.2 : 0.8));
      const b = await runOut(restoreDenoise, { image: step }, { sigmaColor: 0.05, sigmaSpace: 3 });
      step.dispose();
      for (let i = 0; i < 64; i++) expect(b.data[i]).toBeCloseTo(i % 8 < 4 ? 0.2 : 0.8, 6);
    });

    it('with a huge sigmaColor it is a disc-shaped Gaussian blur (hand-computed centre pixel)', async () => {
      // 5×5 impulse, radius 1 (diameter 3): taps centre (weight 1) and 4 neighbours at distance 1
      // (weight e^(−1/(2σs²)), σs = 1) — the corners are outside the circle. Range weight ≈ 1.
      const imp = image(5, 5, 1, (y, x) => (y === 2 && x === 2 ? 1 : 0));
      const out = await runOut(restoreDenoise, { image: imp }, { sigmaColor: 1, sigmaSpace: 1, diameter: 3 });
      imp.dispose();
      const ws = Math.exp(-0.5);
      const wc = Math.exp(-0.5 / 1); // |Δ| = 1 at the centre against each neighbour, σc = 1
      expect(out.data[12]).toBeCloseTo(1 / (1 + 4 * ws * wc), 5);
      // A neighbour: itself (0) + the impulse at distance 1 with range weight e^(−1/2).
      expect(out.data[7]).toBeCloseTo((ws * wc) / (1 + ws * wc + 3 * ws), 5);
    });

    it('keeps alpha exactly', async () => {
      const rgba = image(6, 6, 4, (y, x, c) => (c === 3 ? (y * 6 + x) / 35 : ((x + y + c) % 3) / 2));
      const out = await runOut(restoreDenoise, { image: rgba }, {});
      const alpha = (await rgba.data()).filter((_v, i) => i % 4 === 3);
      rgba.dispose();
      expect(out.shape).toEqual([6, 6, 4]);
      expect(Array.from(out.data.filter((_v, i) => i % 4 === 3))).toEqual(Array.from(alpha));
    });

    it('leaves no tensors behind', () => {
      expect(tf.memory().numTensors).toBe(baseline);
    });
  });
}

describe('restore.denoise (dncnn): the shipped network', () => {
  for (const backend of testBackends) {
    describe(`on ${backend}`, () => {
      let model: NetResource;
      let baseline = 0;
      beforeAll(async () => {
        await useBackend(backend);
        baseline = tf.memory().numTensors;
        model = await loadDenoiser({ host: modelHost, nodeId: 'n' });
      });
      afterAll(() => {
        model.dispose();
        expect(tf.memory().numTensors).toBe(baseline);
      });

      it('removes most of the noise of a photo it was not trained on (camera, σ 0.08)', async () => {
        const clean = fixtureImage('gray');
        const noisy = fixtureImage('noisyGray');
        const out = await runOut(restoreDenoise, { image: noisy }, { method: 'dncnn' });
        const truth = await clean.data();
        const input = await noisy.data();
        tf.dispose([clean, noisy]);
        const psnr = (a: ArrayLike<number>): number => {
          let s = 0;
          for (let i = 0; i < truth.length; i++) s += (a[i]! - truth[i]!) ** 2;
          return 10 * Math.log10(truth.length / s);
        };
        expect(out.shape).toEqual([40, 40, 1]);
        expect(psnr(out.data) - psnr(input)).toBeGreaterThan(DNCNN_MIN_GAIN_DB);
        for (const v of out.data) expect(v >= 0 && v <= 1).toBe(true);
      });

      it('gives the same result with any tiling (each tile sees its whole receptive field)', async () => {
        const img = image(40, 37, 3, (y, x, c) => 0.5 + 0.3 * Math.sin((x + 2 * c) / 3) * Math.cos(y / 4));
        const whole = tf.tidy(() => runDenoiser(model.model!, img, 256));
        const tiled = tf.tidy(() => runDenoiser(model.model!, img, 16));
        const [a, b] = [await whole.data(), await tiled.data()];
        tf.dispose([img, whole, tiled]);
        let max = 0;
        for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
        expect(max).toBeLessThan(1e-5);
      });

      it('keeps alpha and leaves a flat image nearly flat', async () => {
        const rgba = image(24, 24, 4, (_y, _x, c) => [0.3, 0.6, 0.9, 0.5][c]!);
        const out = await runOut(restoreDenoise, { image: rgba }, { method: 'dncnn' });
        rgba.dispose();
        for (let i = 0; i < out.data.length; i++) {
          if (i % 4 === 3) expect(out.data[i]).toBe(0.5);
          else expect(Math.abs(out.data[i]! - [0.3, 0.6, 0.9][i % 4]!)).toBeLessThan(0.02);
        }
      });
    });
  }

  it('a host without model files gives a clear error', async () => {
    const host = { limits: { maxImageSide: 8192 }, readSource: () => Promise.reject(new Error('no')) };
    await expect(loadDenoiser({ host, nodeId: 'n' })).rejects.toThrow('this host cannot read shipped model files (Host.readModelFile is missing), so denoiser is unavailable');
  });
});

/** PSNR gain of the shipped network on the 40×40 camera fixture at σ 0.08: measured 5.53 dB (cpu, wasm). */
const DNCNN_MIN_GAIN_DB = 5;
