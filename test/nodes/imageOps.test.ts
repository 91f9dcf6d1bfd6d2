/**
 * image.resize, image.grayscale and image.blend on every test backend: hand-computed cases,
 * OpenCV fixtures (scripts/fixtures/make_imageops_fixtures.py → test/fixtures/imageops.json),
 * errors and a tensor-leak check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { testBackends, useBackend } from '../helpers/backends';
import { validateParams } from '../../src/engine/params';
import { imageResize } from '../../src/nodes/imageResize';
import { imageGrayscale } from '../../src/nodes/imageGrayscale';
import { imageBlend } from '../../src/nodes/imageBlend';
import { compute, maxAbsDiff, runImage } from './runCompute';

const fx = JSON.parse(readFileSync(new URL('../fixtures/imageops.json', import.meta.url), 'utf8')) as {
  input: { shape: [number, number, number]; u8: number[] };
  resize: { width: number; height: number; method: string; expected: number[] }[];
  gray: number[];
};
const fixtureInput = (): tf.Tensor3D => tf.tensor3d(Float32Array.from(fx.input.u8, (v) => v / 255), fx.input.shape);
const f32 = (v: number[]): Float32Array => Float32Array.from(v);

describe.each(testBackends)('image ops on %s', (backend) => {
  let baseline = 0;
  beforeAll(async () => {
    await useBackend(backend);
    baseline = tf.memory().numTensors;
  });
  afterAll(() => {
    expect(tf.memory().numTensors).toBe(baseline); // no tensor left behind
  });

  describe('image.resize', () => {
    it('hand-computed: bilinear with half-pixel centres, nearest repeats pixels', async () => {
      const row = tf.tensor3d([0, 1], [1, 2, 1]);
      const up = await runImage(imageResize, { image: row }, { width: 4, height: 1 });
      // source x = (x + 0.5)/2 − 0.5 = −0.25, 0.25, 0.75, 1.25 → clamped: 0, 0.25, 0.75, 1
      expect(maxAbsDiff(up.data, [0, 0.25, 0.75, 1])).toBeLessThan(1e-7);
      const sq = tf.tensor3d([0.1, 0.2, 0.3, 0.4], [2, 2, 1]);
      const nn = await runImage(imageResize, { image: sq }, { width: 4, height: 4, method: 'nearest' });
      expect(nn.data).toEqual(f32([0.1, 0.1, 0.2, 0.2, 0.1, 0.1, 0.2, 0.2, 0.3, 0.3, 0.4, 0.4, 0.3, 0.3, 0.4, 0.4]));
      // nearest 4 → 2 takes source pixels floor((x + 0.5)·2) = 1 and 3
      const four = tf.tensor3d([0.1, 0.2, 0.3, 0.4], [1, 4, 1]);
      const down = await runImage(imageResize, { image: four }, { width: 2, height: 1, method: 'nearest' });
      expect(down.data).toEqual(f32([0.2, 0.4]));
      const same = await runImage(imageResize, { image: sq }, { width: 2, height: 2 });
      expect(same.data).toEqual(f32([0.1, 0.2, 0.3, 0.4]));
      row.dispose();
      sq.dispose();
      four.dispose();
    });

    it('matches OpenCV resize (INTER_LINEAR, INTER_NEAREST_EXACT) within 1e-6', async () => {
      const img = fixtureInput();
      let worst = 0;
      for (const c of fx.resize) {
        const out = await runImage(imageResize, { image: img }, { width: c.width, height: c.height, method: c.method });
        expect(out.shape).toEqual([c.height, c.width, 3]);
        const err = maxAbsDiff(out.data, c.expected);
        worst = Math.max(worst, err);
        // float32 lerp vs OpenCV's float32 lerp, expected rounded to 7 digits: 1e-6
        expect(err, `${c.method} ${c.width}×${c.height}`).toBeLessThan(1e-6);
      }
      img.dispose();
      console.log(`[${backend}] resize vs OpenCV: max abs error ${worst.toExponential(2)}`);
    });

    it('resamples alpha like the other channels; checks the size bounds', async () => {
      const img = tf.tensor3d([0, 0, 0, 0, 1, 1, 1, 1], [1, 2, 4]);
      const out = await runImage(imageResize, { image: img }, { width: 4, height: 2 });
      img.dispose();
      expect(out.shape).toEqual([2, 4, 4]);
      expect(maxAbsDiff(out.data.filter((_, i) => i % 4 === 3), [0, 0.25, 0.75, 1, 0, 0.25, 0.75, 1])).toBeLessThan(1e-7);
      expect(validateParams(imageResize, { width: 8193 })[0]?.message).toBe('8193 is above the maximum 8192');
      expect(validateParams(imageResize, { method: 'area' })[0]?.message).toBe('"area" is not one of bilinear, nearest');
    });
  });

  describe('image.grayscale', () => {
    it('hand-computed BT.601 weights; RGBA drops alpha; gray passes through as a copy', async () => {
      const img = tf.tensor3d([1, 0, 0, 0.5, 0, 1, 0, 0.5, 0, 0, 1, 0.5, 1, 1, 1, 0.5], [2, 2, 4]);
      const out = await runImage(imageGrayscale, { image: img }, {});
      expect(out.shape).toEqual([2, 2, 1]);
      expect(maxAbsDiff(out.data, [0.299, 0.587, 0.114, 1])).toBeLessThan(1e-7); // float32 weights
      const keep = await runImage(imageGrayscale, { image: img }, { keepChannels: true });
      expect(keep.shape).toEqual([2, 2, 4]);
      expect(maxAbsDiff(keep.data, [0.299, 0.299, 0.299, 0.5, 0.587, 0.587, 0.587, 0.5, 0.114, 0.114, 0.114, 0.5, 1, 1, 1, 0.5])).toBeLessThan(1e-7);
      img.dispose();
      const gray = tf.tensor3d([0.25, 0.75], [1, 2, 1]);
      const outs = compute(imageGrayscale, { image: gray });
      expect(outs.image).not.toBe(gray); // a clone, never the input tensor itself
      const pass = await runImage(imageGrayscale, { image: gray }, { keepChannels: true });
      expect(pass.data).toEqual(f32([0.25, 0.75]));
      (outs.image as tf.Tensor).dispose();
      gray.dispose();
    });

    it('matches cv2.cvtColor(RGB2GRAY) within 1e-6; keepChannels on RGB gives 3 equal channels', async () => {
      const img = fixtureInput();
      const out = await runImage(imageGrayscale, { image: img });
      const rgb = await runImage(imageGrayscale, { image: img }, { keepChannels: true });
      img.dispose();
      const err = maxAbsDiff(out.data, fx.gray);
      console.log(`[${backend}] grayscale vs OpenCV: max abs error ${err.toExponential(2)}`);
      expect(err).toBeLessThan(1e-6); // float32 dot product vs OpenCV float32, 7-digit fixture
      expect(rgb.shape).toEqual([5, 7, 3]);
      for (let k = 0; k < 3; k++) expect(rgb.data.filter((_, i) => i % 3 === k)).toEqual(out.data);
    });
  });

  describe('image.blend', () => {
    const A = [0.2, 0.6, 1.0];
    const B = [0.5, 0.5, 0.5];
    const cases: [string, number, number[]][] = [
      ['normal', 1, [0.5, 0.5, 0.5]],
      ['normal', 0.25, [0.275, 0.575, 0.875]], // a·0.75 + b·0.25
      ['add', 1, [0.7, 1.0, 1.0]], // clipped
      ['add', 0.5, [0.45, 0.8, 1.0]], // a·0.5 + clip(a + b)·0.5
      ['multiply', 1, [0.1, 0.3, 0.5]],
      ['screen', 1, [0.6, 0.8, 1.0]], // 1 − (1 − a)(1 − b)
      ['difference', 1, [0.3, 0.1, 0.5]],
      ['difference', 0, [0.2, 0.6, 1.0]], // opacity 0: a unchanged
    ];
    it.each(cases)('%s at opacity %s (hand-computed, 1e-6)', async (mode, opacity, want) => {
      const a = tf.tensor3d(A, [1, 1, 3]);
      const b = tf.tensor3d(B, [1, 1, 3]);
      const out = await runImage(imageBlend, { a, b }, { mode, opacity });
      a.dispose();
      b.dispose();
      expect(out.shape).toEqual([1, 1, 3]);
      expect(maxAbsDiff(out.data, want)).toBeLessThan(1e-6);
    });

    it('broadcasts a 1-channel b over the colour channels and keeps a’s alpha', async () => {
      const a = tf.tensor3d([0.2, 0.4, 0.6, 0.3, 1, 1, 1, 0.9], [1, 2, 4]);
      const b = tf.tensor3d([0.5, 0.25], [1, 2, 1]);
      const out = await runImage(imageBlend, { a, b }, { mode: 'multiply', opacity: 1 });
      a.dispose();
      b.dispose();
      expect(maxAbsDiff(out.data, [0.1, 0.2, 0.3, 0.3, 0.25, 0.25, 0.25, 0.9])).toBeLessThan(1e-7);
    });

    it('refuses shapes that do not match, naming both', () => {
      const a = tf.zeros([4, 5, 3]);
      const b = tf.zeros([4, 6, 3]);
      const c = tf.zeros([4, 5, 4]);
      const msg = (bs: string): string => `input "a" is 4×5×3 (height×width×channels) but input "b" is ${bs}; blend needs b of the same shape as a, or the same height and width with 1 channel`;
      expect(() => compute(imageBlend, { a, b })).toThrow(msg('4×6×3'));
      expect(() => compute(imageBlend, { a, b: c })).toThrow(msg('4×5×4'));
      expect(() => compute(imageBlend, { a })).toThrow('input "b" is not connected');
      a.dispose();
      b.dispose();
      c.dispose();
    });
  });
});
