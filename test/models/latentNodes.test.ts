/**
 * latent.random / interpolate / add / scale and the grid tiling, on every test backend, with
 * hand-computed values (tolerance 1e-5, float32).
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { latentAdd } from '../../src/nodes/latentAdd';
import { latentInterpolate } from '../../src/nodes/latentInterpolate';
import { latentRandom } from '../../src/nodes/latentRandom';
import { latentScale } from '../../src/nodes/latentScale';
import { tileGrid } from '../../src/nodes/lib/modelNode';
import { normalArray } from '../../src/nodes/lib/random';
import { testBackends, useBackend } from '../helpers/backends';
import { compute, maxAbsDiff, meanStd, noLeaks, runImage, take } from '../nodes/runCompute';

const TOL = 1e-5;
/** slerp goes through acos and sin, which webgpu's float32 shaders compute to ~4e-5. */
const TOL_TRIG = 1e-4;

for (const backend of testBackends) {
  describe(`latent nodes on ${backend}`, () => {
    it('latent.random: [count, dim] standard normal, seeded, same values on every backend', async () => {
      await useBackend(backend);
      const leaked = await noLeaks(async () => {
        const r = await runImage(latentRandom, {}, { dim: 64, count: 100, seed: 7 }, 'latent');
        expect(r.shape).toEqual([100, 64]);
        expect(maxAbsDiff(r.data, normalArray(6400, 7, 16))).toBe(0);
        const { mean, std } = meanStd(r.data);
        expect(Math.abs(mean)).toBeLessThan(0.05); // 6,400 draws: SE of the mean 0.0125
        expect(Math.abs(std - 1)).toBeLessThan(0.05);
        const again = await runImage(latentRandom, {}, { dim: 64, count: 100, seed: 7 }, 'latent');
        expect(maxAbsDiff(r.data, again.data)).toBe(0);
        const other = await runImage(latentRandom, {}, { dim: 64, count: 100, seed: 8 }, 'latent');
        expect(maxAbsDiff(r.data, other.data)).toBeGreaterThan(1);
      });
      expect(leaked).toBe(0);
    });

    it('latent.interpolate: lerp and slerp by hand, strip endpoints, parallel fallback', async () => {
      await useBackend(backend);
      const leaked = await noLeaks(async () => {
        const a = tf.tensor2d([[1, 0, 0]]);
        const b = tf.tensor2d([[0, 2, 0]]);
        const lerp = compute(latentInterpolate, { a, b }, { t: 0.25, mode: 'lerp', steps: 3 });
        expect(maxAbsDiff((await take(lerp.latent)).data, [0.75, 0.5, 0])).toBeLessThan(TOL);
        const strip = await take(lerp.strip);
        expect(strip.shape).toEqual([3, 3]);
        expect(maxAbsDiff(strip.data, [1, 0, 0, 0.5, 1, 0, 0, 2, 0])).toBeLessThan(TOL);
        // Orthogonal a, b: Ω = π/2, weights sin((1−t)π/2), sin(tπ/2); t = 1/3 → 0.866, 0.5.
        const sl = compute(latentInterpolate, { a, b }, { t: 1 / 3, mode: 'slerp', steps: 2 });
        expect(maxAbsDiff((await take(sl.latent)).data, [Math.cos(Math.PI / 6), 2 * 0.5, 0])).toBeLessThan(TOL_TRIG);
        expect(maxAbsDiff((await take(sl.strip)).data, [1, 0, 0, 0, 2, 0])).toBeLessThan(TOL_TRIG);
        // Parallel latents: slerp falls back to lerp.
        const c = tf.tensor2d([[2, 0, 0]]);
        const par = compute(latentInterpolate, { a, b: c }, { t: 0.5, mode: 'slerp' });
        tf.dispose(par.strip as tf.Tensor);
        expect(maxAbsDiff((await take(par.latent)).data, [1.5, 0, 0])).toBeLessThan(TOL_TRIG);
        tf.dispose([a, b, c]);
      });
      expect(leaked).toBe(0);
    });

    it('latent.add / latent.scale: hand values, broadcasting of one row, clear errors', async () => {
      await useBackend(backend);
      const leaked = await noLeaks(async () => {
        const a = tf.tensor2d([[1, 2], [3, 4]]);
        const b = tf.tensor2d([[10, 20]]);
        expect(maxAbsDiff((await runImage(latentAdd, { a, b }, { weight: -0.5 }, 'latent')).data, [-4, -8, -2, -6])).toBeLessThan(TOL);
        expect(maxAbsDiff((await runImage(latentScale, { latent: a }, { factor: 0.5 }, 'latent')).data, [0.5, 1, 1.5, 2])).toBeLessThan(TOL);
        const wrong = tf.tensor2d([[1, 2, 3]]);
        expect(() => compute(latentAdd, { a, b: wrong })).toThrow(/latent.add: latents "a" \[2, 2\] and "b" \[1, 3\] have different dimensions/);
        const img = tf.zeros([4, 4, 1]);
        expect(() => compute(latentScale, { latent: img })).toThrow(/input "latent" must be a latent \[count, dim\] \(rank 2\), got shape \[4, 4, 1\]/);
        tf.dispose([a, b, wrong, img]);
      });
      expect(leaked).toBe(0);
    });

    it('tileGrid: 3 tiles of 2×2 in a 2-column grid with a 1-pixel gap', async () => {
      await useBackend(backend);
      const batch = tf.tensor4d([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3], [3, 2, 2, 1]);
      const g = tf.tidy(() => tileGrid(batch, 2, 1, 0.5));
      const r = await take(g);
      expect(r.shape).toEqual([5, 5, 1]);
      // prettier-ignore
      expect(Array.from(r.data)).toEqual([
        1, 1, 0.5, 2, 2,
        1, 1, 0.5, 2, 2,
        0.5, 0.5, 0.5, 0.5, 0.5,
        3, 3, 0.5, 0.5, 0.5,
        3, 3, 0.5, 0.5, 0.5,
      ]);
      batch.dispose();
    });
  });
}
