/**
 * metric.ssim, metric.psnr and metric.mse on every test backend: scikit-image fixtures
 * (scripts/fixtures/make_metric_fixtures.py → test/fixtures/metrics.json), hand-computed
 * cases, a 256×256 accuracy check against a float64 reference, errors and a leak check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { testBackends, useBackend } from '../helpers/backends';
import { metricSsim } from '../../src/nodes/metricSsim';
import { metricPsnr } from '../../src/nodes/metricPsnr';
import { metricMse } from '../../src/nodes/metricMse';
import { uniformArray } from '../../src/nodes/lib/random';
import { compute, constant, maxAbsDiff, runImage, runNumber, take, takeNumber } from './runCompute';

interface Fixture {
  images: Record<string, { shape: [number, number, number]; u8: number[] }>;
  cases: { a: string; b: string; ssim: number; ssim32: number; mse: number; psnr: number | 'Infinity' }[];
  maps: { a: string; b: string; map: number[] }[];
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/metrics.json', import.meta.url), 'utf8')) as Fixture;

function fixtureData(name: string): { data: Float32Array; shape: [number, number, number] } {
  const img = fx.images[name];
  if (!img) throw new Error(`fixture image ${name} missing`);
  return { data: Float32Array.from(img.u8, (v) => Math.fround(v / 255)), shape: img.shape };
}
function fixtureImage(name: string): tf.Tensor3D {
  const { data, shape } = fixtureData(name);
  return tf.tensor3d(data, shape);
}
/** The fixture image with an alpha channel appended. */
function withAlpha(name: string, alpha: (i: number) => number): tf.Tensor3D {
  const { data, shape } = fixtureData(name);
  const [h, w, c] = shape;
  const out = new Float32Array(h * w * 4);
  for (let i = 0; i < h * w; i++) {
    for (let k = 0; k < 3; k++) out[i * 4 + k] = data[i * c + (c === 1 ? 0 : k)]!;
    out[i * 4 + 3] = alpha(i);
  }
  return tf.tensor3d(out, [h, w, 4]);
}

async function metrics(a: tf.Tensor3D, b: tf.Tensor3D): Promise<{ ssim: number; psnr: number; mse: number }> {
  return {
    ssim: await runNumber(metricSsim, { a, b }, {}, 'ssim'),
    psnr: await runNumber(metricPsnr, { a, b }, {}, 'psnr'),
    mse: await runNumber(metricMse, { a, b }, {}, 'mse'),
  };
}

const rel = (got: number, want: number): number => Math.abs(got - want) / Math.abs(want);

describe.each(testBackends)('metric nodes on %s', (backend) => {
  let baseline = 0;
  beforeAll(async () => {
    await useBackend(backend);
    baseline = tf.memory().numTensors;
  });
  afterAll(() => {
    expect(tf.memory().numTensors).toBe(baseline); // no tensor left behind
  });

  it('match scikit-image on grey and RGB: identical, noisy and blurred pairs', async () => {
    expect(fx.cases.length).toBe(7);
    const errors: string[] = [];
    for (const c of fx.cases) {
      const a = fixtureImage(c.a);
      const b = fixtureImage(c.b);
      const got = await metrics(a, b);
      a.dispose();
      b.dispose();
      errors.push(`${c.a}/${c.b}: ssim ${Math.abs(got.ssim - c.ssim).toExponential(2)}, mse rel ${c.mse === 0 ? got.mse : rel(got.mse, c.mse).toExponential(2)}, psnr rel ${c.psnr === 'Infinity' ? got.psnr : rel(got.psnr, c.psnr).toExponential(2)}`);
      // SSIM: brief's bound 1e-4 vs skimage (float64); float32 moments leave ~1e-7 here
      expect(Math.abs(got.ssim - c.ssim)).toBeLessThan(1e-4);
      expect(Math.abs(got.ssim - c.ssim)).toBeLessThan(2e-6);
      if (c.a === c.b) {
        expect(Math.abs(got.ssim - 1)).toBeLessThan(1e-6); // identical images
        expect(got.mse).toBe(0);
        expect(got.psnr).toBe(Infinity);
      } else {
        // MSE and PSNR: 1e-6 relative (float32 squares summed pairwise vs skimage's float64)
        expect(rel(got.mse, c.mse)).toBeLessThan(1e-6);
        expect(rel(got.psnr, c.psnr as number)).toBeLessThan(1e-6);
      }
    }
    console.log(`[${backend}] errors vs skimage:\n  ${errors.join('\n  ')}`);
  });

  it('SSIM map matches scikit-image full=True (mean over channels), full size', async () => {
    for (const m of fx.maps) {
      const a = fixtureImage(m.a);
      const b = fixtureImage(m.b);
      const out = await runImage(metricSsim, { a, b }, {}, 'map');
      expect(out.shape).toEqual([a.shape[0], a.shape[1], 1]);
      a.dispose();
      b.dispose();
      const err = maxAbsDiff(out.data, m.map);
      console.log(`[${backend}] SSIM map ${m.a}/${m.b}: max abs error ${err.toExponential(2)}`);
      // per-pixel float32 moments vs float64 (fixture rounded to 7 digits): 1e-5
      expect(err).toBeLessThan(1e-5);
    }
  });

  it('ignore alpha: RGBA gives the RGB values whatever the alphas are', async () => {
    const c = fx.cases.find((x) => x.a === 'rgb' && x.b === 'rgbNoisy')!;
    const a = withAlpha('rgb', () => 1);
    const b = withAlpha('rgbNoisy', (i) => (i % 7) / 7);
    const got = await metrics(a, b);
    const map = await runImage(metricSsim, { a, b }, {}, 'map');
    a.dispose();
    b.dispose();
    expect(Math.abs(got.ssim - c.ssim)).toBeLessThan(1e-4);
    expect(rel(got.mse, c.mse)).toBeLessThan(1e-6);
    expect(rel(got.psnr, c.psnr as number)).toBeLessThan(1e-6);
    expect(map.shape).toEqual([24, 27, 1]);
  });

  it('hand-computed: constant images', async () => {
    const a = constant(12, 11, [0.2]);
    const b = constant(12, 11, [0.5]);
    const got = await metrics(a, b);
    const map = await runImage(metricSsim, { a, b }, {}, 'map');
    const self = await runImage(metricSsim, { a, b: a }, {}, 'map');
    a.dispose();
    b.dispose();
    // MSE = 0.3² = 0.09; PSNR = 10·log10(1/0.09) = 10.457574905606752 dB (float32: 1e-6 rel)
    expect(rel(got.mse, 0.09)).toBeLessThan(1e-6);
    expect(rel(got.psnr, 10 * Math.log10(1 / 0.09))).toBeLessThan(1e-6);
    // zero variances: S = (2·0.2·0.5 + C1)/(0.2² + 0.5² + C1) with C1 = 1e-4 = 0.2001/0.2901
    // (within 1e-5: float32 rounding of the variances is ~1e-8 against C2 = 9e-4)
    expect(Math.abs(got.ssim - 0.2001 / 0.2901)).toBeLessThan(1e-5);
    expect(maxAbsDiff(map.data, new Float32Array(132).fill(0.2001 / 0.2901))).toBeLessThan(1e-5);
    expect(self.data).toEqual(new Float32Array(132).fill(1)); // identical → exactly 1 everywhere
  });

  it('MSE and PSNR on 256×256×3 are within 1e-6 relative of a float64 reference', async () => {
    const n = 256 * 256 * 3;
    const ad = uniformArray(n, 1);
    const bd = uniformArray(n, 2, 0, 0, 0.9);
    let s = 0;
    for (let i = 0; i < n; i++) s += (ad[i]! - bd[i]!) ** 2;
    const mse64 = s / n;
    const psnr64 = 10 * Math.log10(1 / mse64);
    const a = tf.tensor3d(ad, [256, 256, 3]);
    const b = tf.tensor3d(bd, [256, 256, 3]);
    const mse = await runNumber(metricMse, { a, b }, {}, 'mse');
    const psnr = await runNumber(metricPsnr, { a, b }, {}, 'psnr');
    const ssim = await runNumber(metricSsim, { a, b: a }, {}, 'ssim');
    a.dispose();
    b.dispose();
    console.log(`[${backend}] 256×256×3: MSE rel error ${rel(mse, mse64).toExponential(2)}, PSNR rel error ${rel(psnr, psnr64).toExponential(2)}`);
    expect(rel(mse, mse64)).toBeLessThan(1e-6);
    expect(rel(psnr, psnr64)).toBeLessThan(1e-6);
    expect(Math.abs(ssim - 1)).toBeLessThan(1e-6);
  });

  it('refuses different shapes and images under 11 px, naming both', async () => {
    const a = tf.zeros([64, 64, 3]) as tf.Tensor3D;
    const b = tf.zeros([64, 64, 1]) as tf.Tensor3D;
    const small = tf.zeros([10, 40, 1]) as tf.Tensor3D;
    const msg = (m: string): string => `input "a" is 64×64×3 (height×width×channels) but input "b" is 64×64×1; ${m} needs images of the same shape`;
    expect(() => compute(metricSsim, { a, b })).toThrow(msg('SSIM'));
    expect(() => compute(metricPsnr, { a, b })).toThrow(msg('PSNR'));
    expect(() => compute(metricMse, { a, b })).toThrow(msg('MSE'));
    expect(() => compute(metricSsim, { a: small, b: small })).toThrow('input "a" is 10×40 px (height×width); SSIM needs at least 11 px on a side');
    expect(() => compute(metricSsim, { a, b: undefined })).toThrow('input "b" is not connected');
    // MSE/PSNR have no minimum size
    expect(await takeNumber(compute(metricMse, { a: small, b: small }).mse)).toBe(0);
    const zeros = tf.zeros([11, 11, 1]);
    const ones = tf.ones([11, 11, 1]);
    const ok = compute(metricSsim, { a: zeros, b: ones });
    zeros.dispose();
    ones.dispose();
    expect((await take(ok.map)).shape).toEqual([11, 11, 1]);
    // 11×11: the cropped map is the single centre pixel; zero variances: C1/(1 + C1)
    expect(Math.abs((await takeNumber(ok.ssim)) - 1e-4 / (1 + 1e-4))).toBeLessThan(1e-6);
    a.dispose();
    b.dispose();
    small.dispose();
  });
});
