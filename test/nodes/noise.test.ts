/**
 * noise.gaussian, noise.uniform, noise.saltPepper and generate.noise on every test backend:
 * statistics of the added noise, determinism per seed, monochrome, alpha, clipping, exact
 * salt-and-pepper counts, parameter checks and a tensor-leak check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { testBackends, useBackend } from '../helpers/backends';
import { validateParams } from '../../src/engine/params';
import { noiseGaussian } from '../../src/nodes/noiseGaussian';
import { noiseUniform } from '../../src/nodes/noiseUniform';
import { noiseSaltPepper } from '../../src/nodes/noiseSaltPepper';
import { generateNoise } from '../../src/nodes/generateNoise';
import { normalArray, uniformArray } from '../../src/nodes/lib/random';
import { constant, max, meanStd, min, runImage } from './runCompute';

/** Channel k of an HWC array with c channels. */
function channel(d: Float32Array, c: number, k: number): Float32Array {
  const out = new Float32Array(d.length / c);
  for (let i = 0; i < out.length; i++) out[i] = d[i * c + k]!;
  return out;
}

describe.each(testBackends)('noise nodes on %s', (backend) => {
  let baseline = 0;
  beforeAll(async () => {
    await useBackend(backend);
    baseline = tf.memory().numTensors;
  });
  afterAll(() => {
    // every test disposes what it creates: no tensor may be left behind
    expect(tf.memory().numTensors).toBe(baseline);
  });

  describe('noise.gaussian', () => {
    it('adds N(mean, sigma²): statistics on 256×256×3 with clip off', async () => {
      const img = constant(256, 256, [0.5, 0.5, 0.5]);
      const out = await runImage(noiseGaussian, { image: img }, { mean: 0.02, sigma: 0.1, clip: false, seed: 7 });
      img.dispose();
      expect(out.shape).toEqual([256, 256, 3]);
      const added = out.data.map((v) => v - 0.5);
      const { mean, std } = meanStd(added);
      // n = 196608: standard error of the mean 0.1/√n ≈ 2.3e-4, of the sd ≈ 1.6e-4; 5σ bounds
      expect(Math.abs(mean - 0.02)).toBeLessThan(0.0012);
      expect(Math.abs(std - 0.1)).toBeLessThan(0.0008);
      // the noise is generated on the host: the result is exactly fround(0.5 + noise[i])
      // (one float32 addition, IEEE-exact on every backend)
      const noise = normalArray(256 * 256 * 3, 7, 0, 0.02, 0.1);
      let mismatches = 0;
      for (let i = 0; i < noise.length; i++) if (out.data[i] !== Math.fround(0.5 + noise[i]!)) mismatches++;
      expect(mismatches).toBe(0);
    });

    it('same seed → bit-identical, different seed → different', async () => {
      const img = constant(16, 20, [0.3, 0.6, 0.9]);
      const a = await runImage(noiseGaussian, { image: img }, { seed: 1 });
      const b = await runImage(noiseGaussian, { image: img }, { seed: 1 });
      const c = await runImage(noiseGaussian, { image: img }, { seed: 2 });
      img.dispose();
      expect(b.data).toEqual(a.data);
      let same = 0;
      for (let i = 0; i < a.data.length; i++) if (a.data[i] === c.data[i]) same++;
      expect(same / a.data.length).toBeLessThan(0.05); // only clipped values can coincide
    });

    it('monochrome adds the same value to every colour channel; alpha is untouched', async () => {
      const h = 12, w = 14;
      const alpha = uniformArray(h * w, 3);
      const d = new Float32Array(h * w * 4);
      for (let i = 0; i < h * w; i++) d.set([0.5, 0.5, 0.5, alpha[i]!], i * 4);
      const img = tf.tensor3d(d, [h, w, 4]);
      const mono = await runImage(noiseGaussian, { image: img }, { monochrome: true, sigma: 0.2, seed: 4 });
      const colour = await runImage(noiseGaussian, { image: img }, { monochrome: false, sigma: 0.2, seed: 4 });
      img.dispose();
      expect(channel(mono.data, 4, 1)).toEqual(channel(mono.data, 4, 0));
      expect(channel(mono.data, 4, 2)).toEqual(channel(mono.data, 4, 0));
      expect(channel(mono.data, 4, 0)).not.toEqual(new Float32Array(h * w).fill(0.5));
      expect(channel(colour.data, 4, 1)).not.toEqual(channel(colour.data, 4, 0));
      expect(channel(mono.data, 4, 3)).toEqual(alpha);
      expect(channel(colour.data, 4, 3)).toEqual(alpha);
    });

    it('clips to [0, 1] by default and not with clip off', async () => {
      const img = constant(32, 32, [0.5]);
      const clipped = await runImage(noiseGaussian, { image: img }, { sigma: 1, seed: 3 });
      const raw = await runImage(noiseGaussian, { image: img }, { sigma: 1, seed: 3, clip: false });
      img.dispose();
      expect(min(clipped.data)).toBe(0);
      expect(max(clipped.data)).toBe(1);
      expect(min(raw.data)).toBeLessThan(-1); // sigma 1 over 1024 values: |z| > 1.5 is certain
      expect(max(raw.data)).toBeGreaterThan(2);
      let differ = 0;
      for (let i = 0; i < raw.data.length; i++) if (clipped.data[i] !== Math.min(1, Math.max(0, raw.data[i]!))) differ++;
      expect(differ).toBe(0);
    });

    it('rejects sigma out of range and a non-image input', async () => {
      expect(validateParams(noiseGaussian, { sigma: -0.1 })[0]?.message).toBe('-0.1 is below the minimum 0');
      await expect(runImage(noiseGaussian, { image: 3 })).rejects.toThrow('input "image" expects an image, got the number 3');
      await expect(runImage(noiseGaussian, {})).rejects.toThrow('input "image" is not connected');
    });
  });

  describe('noise.uniform', () => {
    it('adds U(−a, a): range, mean and sd on 256×256×3 with clip off', async () => {
      const img = constant(256, 256, [0.5, 0.5, 0.5]);
      const out = await runImage(noiseUniform, { image: img }, { amplitude: 0.2, clip: false, seed: 11 });
      img.dispose();
      const added = out.data.map((v) => v - 0.5);
      expect(min(added)).toBeGreaterThanOrEqual(-0.2);
      expect(max(added)).toBeLessThanOrEqual(0.2);
      const { mean, std } = meanStd(added);
      // sd of U(−0.2, 0.2) = 0.2/√3 ≈ 0.11547; standard errors ≈ 2.6e-4 (mean), 1.2e-4 (sd)
      expect(Math.abs(mean)).toBeLessThan(0.0013);
      expect(Math.abs(std - 0.2 / Math.sqrt(3))).toBeLessThan(0.0006);
    });

    it('is deterministic per seed, monochrome shares the value, alpha stays, clip applies', async () => {
      const img = constant(10, 9, [0.95, 0.5, 0.05, 0.25]);
      const a = await runImage(noiseUniform, { image: img }, { amplitude: 0.3, seed: 5 });
      const b = await runImage(noiseUniform, { image: img }, { amplitude: 0.3, seed: 5 });
      const c = await runImage(noiseUniform, { image: img }, { amplitude: 0.3, seed: 6 });
      const m = await runImage(noiseUniform, { image: img }, { amplitude: 0.3, seed: 5, monochrome: true, clip: false });
      img.dispose();
      expect(b.data).toEqual(a.data);
      expect(c.data).not.toEqual(a.data);
      expect(channel(a.data, 4, 3)).toEqual(new Float32Array(90).fill(0.25));
      expect(max(a.data)).toBeLessThanOrEqual(1);
      expect(min(a.data)).toBeGreaterThanOrEqual(0);
      expect(max(channel(a.data, 4, 0))).toBe(1); // 0.95 + up to 0.3 clips
      // monochrome: R − 0.95 = G − 0.5 = B − 0.05 (up to float32 rounding, 1e-6)
      const r = channel(m.data, 4, 0), g = channel(m.data, 4, 1), bl = channel(m.data, 4, 2);
      for (let i = 0; i < 90; i++) {
        expect(Math.abs(r[i]! - 0.95 - (g[i]! - 0.5))).toBeLessThan(1e-6);
        expect(Math.abs(bl[i]! - 0.05 - (g[i]! - 0.5))).toBeLessThan(1e-6);
      }
    });
  });

  describe('noise.saltPepper', () => {
    it('sets exactly round(amount·H·W) pixels, round(saltRatio·count) of them to 1; alpha untouched', async () => {
      const h = 32, w = 40;
      const img = constant(h, w, [0.5, 0.5, 0.5, 0.3]);
      const out = await runImage(noiseSaltPepper, { image: img }, { amount: 0.1, saltRatio: 0.25, seed: 9 });
      img.dispose();
      let salt = 0, pepper = 0, untouched = 0, other = 0;
      for (let p = 0; p < h * w; p++) {
        const [r, g, b, a] = out.data.subarray(p * 4, p * 4 + 4);
        expect(a).toBe(Math.fround(0.3));
        if (r === 1 && g === 1 && b === 1) salt++;
        else if (r === 0 && g === 0 && b === 0) pepper++;
        else if (r === 0.5 && g === 0.5 && b === 0.5) untouched++;
        else other++;
      }
      expect(salt + pepper).toBe(128); // round(0.1 · 1280)
      expect(salt).toBe(32); // round(0.25 · 128)
      expect(pepper).toBe(96);
      expect(untouched).toBe(1280 - 128);
      expect(other).toBe(0);
    });

    it('amount 0 is a copy, amount 1 hits every pixel; seeds are reproducible', async () => {
      const img = constant(11, 13, [0.4]);
      const none = await runImage(noiseSaltPepper, { image: img }, { amount: 0 });
      const all = await runImage(noiseSaltPepper, { image: img }, { amount: 1, saltRatio: 1 });
      const a = await runImage(noiseSaltPepper, { image: img }, { amount: 0.3, seed: 1 });
      const b = await runImage(noiseSaltPepper, { image: img }, { amount: 0.3, seed: 1 });
      const c = await runImage(noiseSaltPepper, { image: img }, { amount: 0.3, seed: 2 });
      img.dispose();
      expect(none.data).toEqual(new Float32Array(143).fill(0.4));
      expect(all.data).toEqual(new Float32Array(143).fill(1));
      expect(b.data).toEqual(a.data);
      expect(c.data).not.toEqual(a.data);
      expect(a.data.filter((v) => v !== Math.fround(0.4)).length).toBe(43); // round(0.3 · 143)
    });

    it('spreads the hits uniformly over the image', async () => {
      const img = constant(64, 64, [0.5]);
      const out = await runImage(noiseSaltPepper, { image: img }, { amount: 0.5, seed: 21 });
      img.dispose();
      // 2048 hits: each 32×32 quadrant expects 512, hypergeometric sd ≈ 19.6; 5σ ≈ 98
      for (const [y0, x0] of [[0, 0], [0, 32], [32, 0], [32, 32]] as const) {
        let hits = 0;
        for (let y = y0; y < y0 + 32; y++) for (let x = x0; x < x0 + 32; x++) if (out.data[y * 64 + x] !== 0.5) hits++;
        expect(Math.abs(hits - 512)).toBeLessThan(98);
      }
    });
  });

  describe('generate.noise', () => {
    it('gaussian rgb: shape, statistics (clip off) and determinism', async () => {
      const p = { width: 128, height: 96, channels: 'rgb', distribution: 'gaussian', mean: 0.4, sigma: 0.15, clip: false, seed: 2 };
      const out = await runImage(generateNoise, {}, p);
      const again = await runImage(generateNoise, {}, p);
      expect(out.shape).toEqual([96, 128, 3]);
      expect(again.data).toEqual(out.data);
      const { mean, std } = meanStd(out.data);
      // n = 36864: standard errors 7.8e-4 (mean) and 5.5e-4 (sd); 5σ bounds
      expect(Math.abs(mean - 0.4)).toBeLessThan(0.004);
      expect(Math.abs(std - 0.15)).toBeLessThan(0.003);
      const want = normalArray(96 * 128 * 3, 2, 0, 0.4, 0.15); // host-generated: exact match
      let differ = 0;
      for (let i = 0; i < want.length; i++) if (out.data[i] !== want[i]) differ++;
      expect(differ).toBe(0);
    });

    it('uniform gray and rgba (alpha = 1), clip on by default', async () => {
      const gray = await runImage(generateNoise, {}, { width: 100, height: 80, channels: 'gray', distribution: 'uniform', low: 0.2, high: 0.6, seed: 3 });
      expect(gray.shape).toEqual([80, 100, 1]);
      expect(min(gray.data)).toBeGreaterThanOrEqual(Math.fround(0.2));
      expect(max(gray.data)).toBeLessThanOrEqual(Math.fround(0.6));
      // n = 8000: mean 0.4 with standard error 0.1155/√8000 ≈ 1.3e-3; 5σ
      expect(Math.abs(meanStd(gray.data).mean - 0.4)).toBeLessThan(0.0065);
      const rgba = await runImage(generateNoise, {}, { width: 7, height: 5, channels: 'rgba', distribution: 'uniform', low: -0.5, high: 1.5, seed: 3 });
      expect(rgba.shape).toEqual([5, 7, 4]);
      expect(channel(rgba.data, 4, 3)).toEqual(new Float32Array(35).fill(1));
      expect(min(rgba.data)).toBe(0);
      expect(max(rgba.data)).toBe(1);
    });

    it('checks low < high for the uniform distribution', async () => {
      expect(validateParams(generateNoise, { distribution: 'uniform', low: 0.5, high: 0.5 })).toEqual([
        { param: null, message: 'param "low" (0.5) must be below "high" (0.5) for the uniform distribution' },
      ]);
      expect(validateParams(generateNoise, { distribution: 'gaussian', low: 0.5, high: 0.5 })).toEqual([]);
      expect(validateParams(generateNoise, { width: 0 })[0]?.message).toBe('0 is below the minimum 1');
      expect(validateParams(generateNoise, { channels: 'bgr' })[0]?.message).toBe('"bgr" is not one of gray, rgb, rgba');
    });
  });
});
