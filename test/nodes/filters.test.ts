/**
 * filter.* nodes: hand-computed cases, OpenCV / scikit-image fixtures
 * (scripts/fixtures/make_filter_fixtures.py → test/fixtures/filters.json), parameter
 * validation and a tensor-leak check, on every test backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { testBackends, useBackend } from '../helpers/backends';
import { effectiveParams, validateParams } from '../../src/engine/params';
import type { AnyNodeDefinition, Value } from '../../src/engine/types';
import { filterGaussianBlur } from '../../src/nodes/filterGaussianBlur';
import { filterBoxBlur } from '../../src/nodes/filterBoxBlur';
import { filterMedian, medianFilter, type MedianMethod } from '../../src/nodes/filterMedian';
import { filterSobel } from '../../src/nodes/filterSobel';
import { filterUnsharpMask } from '../../src/nodes/filterUnsharpMask';
import { filterConvolve } from '../../src/nodes/filterConvolve';

const nodes: Record<string, AnyNodeDefinition> = Object.fromEntries(
  [filterGaussianBlur, filterBoxBlur, filterMedian, filterSobel, filterUnsharpMask, filterConvolve].map((d) => [d.type, d]),
);

interface FixtureInput {
  shape: [number, number, number];
  u8: boolean;
  data: number[];
}
interface FixtureCase {
  node: string;
  params: Record<string, unknown>;
  input: string;
  ref: string;
  expected: number[];
}
const fixtures = JSON.parse(readFileSync(new URL('../fixtures/filters.json', import.meta.url), 'utf8')) as {
  inputs: Record<string, FixtureInput>;
  cases: FixtureCase[];
};

/**
 * Absolute tolerances against the references. float32 separable/2-D correlation vs OpenCV's
 * float32 and SciPy's double arithmetic differs by a few float32 ulps (measured ≤ 4e-7,
 * convolve ≤ 1.7e-6 on outputs up to ~6). The brief's bounds are 1e-4 (Gaussian, unsharp)
 * and 1e-5 (Sobel, convolve); we assert tighter ones so that e.g. a radius-4 kernel at
 * σ = 1.1 (off by 1.1e-5 from OpenCV's radius 5) fails. Median is compared exactly on the
 * 0..255 scale.
 */
const TOL: Record<string, number> = {
  'filter.gaussianBlur': 2e-6,
  'filter.boxBlur': 2e-6,
  'filter.sobel': 2e-6,
  'filter.unsharpMask': 2e-6,
  'filter.convolve': 5e-6,
  'filter.median': 0,
};

/** Runs a node's compute inside tf.tidy with params merged over defaults; returns the image. */
function run(def: AnyNodeDefinition, image: Value | undefined, params: Record<string, unknown> = {}): tf.Tensor3D {
  const problems = validateParams(def, params);
  if (problems.length > 0) throw new Error(`bad test params for ${def.type}: ${problems.map((p) => p.message).join('; ')}`);
  return tf.tidy(() => {
    const out = def.compute!({ nodeId: 'n', inputs: { image }, params: effectiveParams(def, params) as never, resource: undefined, backend: tf.getBackend() });
    return out.image as tf.Tensor3D;
  });
}

async function values(def: AnyNodeDefinition, image: tf.Tensor3D, params: Record<string, unknown> = {}): Promise<number[]> {
  const out = run(def, image, params);
  const v = Array.from(await out.data());
  out.dispose();
  return v;
}

function inputTensor(name: string): tf.Tensor3D {
  const inp = fixtures.inputs[name];
  if (!inp) throw new Error(`fixture input ${name} missing`);
  const data = inp.u8 ? Float32Array.from(inp.data, (v) => v / 255) : Float32Array.from(inp.data);
  return tf.tensor3d(data, inp.shape);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

for (const backend of testBackends) {
  describe(`filters on ${backend}`, () => {
    const measured: Record<string, number> = {};
    beforeAll(async () => {
      await useBackend(backend);
    });
    afterAll(() => {
      // Measured accuracy, for the record (vitest prints it with --reporter=verbose too).
      console.log(`max abs error vs references on ${backend} (active: ${tf.getBackend()}):`, JSON.stringify(measured));
    });

    describe('hand-computed cases', () => {
      it('box 3×3 on a 1×5 ramp reflects (101) at the borders (1e-6)', async () => {
        const ramp = tf.tensor3d([0, 0.25, 0.5, 0.75, 1], [1, 5, 1]);
        // x=0: (0.25 + 0 + 0.25)/3; x=4: (0.75 + 1 + 0.75)/3; interior keeps the ramp; one row
        // reflects onto itself vertically.
        const v = await values(filterBoxBlur, ramp, { size: 3 });
        [1 / 6, 0.25, 0.5, 0.75, 2.5 / 3].forEach((e, i) => expect(v[i]).toBeCloseTo(e, 6));
        ramp.dispose();
      });

      it('Gaussian impulse response is the outer product of the normalized kernel, radius 5 at σ=1.1 (1e-7)', async () => {
        const n = 15;
        const c = 7;
        const buf = new Float32Array(n * n);
        buf[c * n + c] = 1;
        const img = tf.tensor3d(buf, [n, n, 1]);
        const v = await values(filterGaussianBlur, img, { sigma: 1.1 });
        // Independent kernel: exp(−x²/2σ²), x = −5…5 (OpenCV: ksize = round(8·1.1+1)|1 = 11), normalized.
        const g = Array.from({ length: 11 }, (_, i) => Math.exp(-((i - 5) ** 2) / (2 * 1.1 * 1.1)));
        const s = g.reduce((a, b) => a + b, 0);
        for (let y = 0; y < n; y++) {
          for (let x = 0; x < n; x++) {
            const dy = y - c;
            const dx = x - c;
            const e = Math.abs(dy) <= 5 && Math.abs(dx) <= 5 ? (g[dy + 5]! / s) * (g[dx + 5]! / s) : 0;
            expect(Math.abs(v[y * n + x]! - e)).toBeLessThan(1e-7);
          }
        }
        // The tap at distance 5 exists (round(4σ) = 4 would leave it 0); distance 6 is 0.
        expect(v[c * n + c + 5]).toBeGreaterThan(1e-6); // ≈ 4.3e-6
        expect(v[c * n + c + 6]).toBe(0);
        img.dispose();
      });

      it('Gaussian sigma 0 is an identity copy, and a 1×1 image with σ=10 is unchanged (exact)', async () => {
        const img = tf.tensor3d([0.2, 0.4, 0.6], [1, 1, 3]);
        const out = run(filterGaussianBlur, img, { sigma: 0 });
        expect(out).not.toBe(img);
        expect(Array.from(await out.data())).toEqual(Array.from(await img.data()));
        const big = await values(filterGaussianBlur, img, { sigma: 10 });
        big.forEach((b, i) => expect(b).toBeCloseTo([0.2, 0.4, 0.6][i]!, 6));
        tf.dispose([img, out]);
      });

      it('median removes a salt pixel and replicates (not reflects) the border (exact)', async () => {
        const salt = new Float32Array(25);
        salt[12] = 1;
        expect(await values(filterMedian, tf.tensor3d(salt, [5, 5, 1]), { size: 3 })).toEqual(new Array(25).fill(0));
        // Ones at (0,0) and (0,1) of a 4×4 zero image. Replicate: the window at (0,0) holds
        // (0,0)×4 + (0,1)×2 = 6 ones of 9 → 1. Reflect-101 would hold 3 ones → 0.
        const corner = new Float32Array(16);
        corner[0] = 1;
        corner[1] = 1;
        const img = tf.tensor3d(corner, [4, 4, 1]);
        const v = await values(filterMedian, img, { size: 3 });
        expect(v[0]).toBe(1);
        expect(v[1]).toBe(0); // window at (0,1): (0,0)×2 + (0,1)×2 = 4 ones → 0
        expect(v.slice(2)).toEqual(new Array(14).fill(0));
        img.dispose();
      });

      it('median of 5 on RGB takes each channel separately (exact)', async () => {
        // 1×5 rows replicate vertically: a window at x=2 holds every pixel 5 times.
        const img = tf.tensor3d([0.1, 0.9, 0.5, 0.2, 0.8, 0.5, 0.3, 0.7, 0.5, 0.4, 0.6, 0.5, 0.5, 0.5, 0.0], [1, 5, 3]);
        const v = await values(filterMedian, img, { size: 5 });
        expect(v[6]).toBeCloseTo(0.3, 6);
        expect(v[7]).toBeCloseTo(0.7, 6);
        expect(v[8]).toBeCloseTo(0.5, 6);
        img.dispose();
      });

      it('median in row chunks equals the unchunked result (exact)', async () => {
        const img = tf.randomUniform([9, 7, 3], 0, 1, 'float32', 9) as tf.Tensor3D;
        for (const [size, method] of [[3, 'network'], [5, 'topk']] as const) {
          const whole = medianFilter(img, size, method);
          if (backend !== 'webgpu') {
            // The host path gives the same values as the tensor paths (exact).
            const host = medianFilter(img, size, 'host');
            expect(Array.from(await host.data())).toEqual(Array.from(await whole.data()));
            host.dispose();
          }
          const chunked = medianFilter(img, size, method, 7 * 3 * size * size * 2); // 2-row chunks
          expect(Array.from(await chunked.data())).toEqual(Array.from(await whole.data()));
          tf.dispose([whole, chunked]);
        }
        img.dispose();
      });

      it('sobel of a vertical step is sqrt(1/2) on the two columns beside it (1e-6)', async () => {
        const img = tf.tensor3d([0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1], [3, 4, 1]);
        const v = await values(filterSobel, img);
        const r = Math.SQRT1_2;
        [0, r, r, 0, 0, r, r, 0, 0, r, r, 0].forEach((e, i) => expect(v[i]).toBeCloseTo(e, 6));
        img.dispose();
      });

      it('sobel passes alpha through unchanged (exact)', async () => {
        const img = tf.tensor3d([0, 0, 0, 0.5, 1, 1, 1, 0.25], [1, 2, 4]);
        const v = await values(filterSobel, img);
        expect(v[3]).toBe(0.5);
        expect(v[7]).toBe(0.25);
        img.dispose();
      });

      it('unsharp keeps constants, clips overshoot to [0,1] and uses [−1,1] for negative input (1e-6)', async () => {
        const flat = tf.fill([6, 7, 3], 0.4) as tf.Tensor3D;
        (await values(filterUnsharpMask, flat, { radius: 2, amount: 3 })).forEach((x) => expect(x).toBeCloseTo(0.4, 6));
        const step = tf.tensor3d([0, 0, 0, 1, 1, 1], [1, 6, 1]);
        const s = await values(filterUnsharpMask, step, { radius: 1, amount: 10 });
        expect(s).toEqual([0, 0, 0, 1, 1, 1]); // overshoot both ways, clipped
        const neg = tf.fill([4, 4, 1], -0.5) as tf.Tensor3D;
        (await values(filterUnsharpMask, neg, { radius: 1, amount: 1 })).forEach((x) => expect(x).toBeCloseTo(-0.5, 6));
        tf.dispose([flat, step, neg]);
      });

      it('convolve: correlation (no flip), normalize by the sum, sum-0 kernels untouched, alpha kept (1e-6)', async () => {
        const ramp = tf.tensor3d([0, 0.25, 0.5, 0.75, 1], [1, 5, 1]);
        const shift = await values(filterConvolve, ramp, { kernel: [[0, 0, 1]], clip: false });
        [0.25, 0.5, 0.75, 1, 0.75].forEach((e, i) => expect(shift[i]).toBeCloseTo(e, 6));
        const norm = await values(filterConvolve, ramp, { kernel: [[2, 2, 2]], normalize: true });
        [1 / 6, 0.25, 0.5, 0.75, 2.5 / 3].forEach((e, i) => expect(norm[i]).toBeCloseTo(e, 6));
        const edge = await values(filterConvolve, ramp, { kernel: [[-1, 0, 1]], normalize: true, clip: false });
        [0, 0.5, 0.5, 0.5, 0].forEach((e, i) => expect(edge[i]).toBeCloseTo(e, 6));
        const clipped = await values(filterConvolve, ramp, { kernel: [[-1, 0, 1]], normalize: false, clip: true });
        expect(clipped[0]).toBe(0);
        const rgba = tf.tensor3d([0.2, 0.2, 0.2, 0.3, 0.4, 0.4, 0.4, 0.9], [1, 2, 4]);
        const a = await values(filterConvolve, rgba, { kernel: [[0, 0, 0], [0, 0, 0], [0, 0, 0]] });
        expect([a[0], a[3], a[7]]).toEqual([0, expect.closeTo(0.3, 6), expect.closeTo(0.9, 6)]);
        tf.dispose([ramp, rgba]);
      });

      it('blurs filter alpha too (constant alpha stays constant), output shape = input shape', async () => {
        const rgba = tf.concat([tf.randomUniform([6, 5, 3], 0, 1, 'float32', 1), tf.fill([6, 5, 1], 0.75)], 2) as tf.Tensor3D;
        for (const [def, p] of [[filterGaussianBlur, { sigma: 2 }], [filterBoxBlur, { size: 5 }], [filterMedian, { size: 3 }], [filterUnsharpMask, { radius: 1 }]] as const) {
          const out = run(def, rgba, p);
          expect(out.shape).toEqual([6, 5, 4]);
          const alpha = tf.slice(out, [0, 0, 3], [6, 5, 1]);
          Array.from(await alpha.data()).forEach((x) => expect(x).toBeCloseTo(0.75, 5));
          tf.dispose([out, alpha]);
        }
        rgba.dispose();
      });
    });

    describe('reference fixtures (OpenCV / scikit-image)', () => {
      for (const fc of fixtures.cases) {
        it(`${fc.node} ${JSON.stringify(fc.params)} on ${fc.input} ≈ ${fc.ref}`, async () => {
          const def = nodes[fc.node];
          if (!def) throw new Error(`no node ${fc.node}`);
          const img = inputTensor(fc.input);
          const out = await values(def, img, fc.params);
          img.dispose();
          if (fc.node === 'filter.median') {
            // 8-bit input: compare round(out·255) with cv2.medianBlur exactly (0 mismatches).
            const mismatches = out.filter((v, i) => Math.round(v * 255) !== fc.expected[i]).length;
            expect(mismatches).toBe(0);
            measured[fc.node] = Math.max(measured[fc.node] ?? 0, maxAbsDiff(out.map((v) => Math.round(v * 255)), fc.expected));
            // All implementations (selection network, topk, host quickselect) are exact, whatever `auto` picks.
            const img2 = inputTensor(fc.input);
            for (const method of ['network', 'topk', ...(backend === 'webgpu' ? [] : ['host'])] as MedianMethod[]) {
              const m = medianFilter(img2, fc.params.size as number, method);
              const mv = Array.from(await m.data());
              m.dispose();
              expect(mv.filter((v, i) => Math.round(v * 255) !== fc.expected[i]).length).toBe(0);
            }
            img2.dispose();
          } else {
            const err = maxAbsDiff(out, fc.expected);
            measured[fc.node] = Math.max(measured[fc.node] ?? 0, err);
            expect(err).toBeLessThanOrEqual(TOL[fc.node]!);
          }
        });
      }
    });

    describe('errors and validation', () => {
      it('rejects non-images with messages naming the input', async () => {
        expect(() => run(filterGaussianBlur, 3)).toThrow(/input "image" expects an image, got the number 3/);
        expect(() => run(filterSobel, undefined)).toThrow(/input "image" is not connected/);
        const two = tf.zeros([4, 4, 2]);
        expect(() => run(filterMedian, two)).toThrow(/has 2 channels/);
        two.dispose();
      });
      it('param specs reject out-of-range and even sizes', async () => {
        expect(validateParams(filterMedian, { size: 4 })[0]?.message).toMatch(/4 must be odd/);
        expect(validateParams(filterMedian, { size: 17 })[0]?.message).toMatch(/above the maximum 15/);
        expect(validateParams(filterBoxBlur, { size: 256 })[0]?.message).toMatch(/above the maximum 255/);
        expect(validateParams(filterGaussianBlur, { sigma: -1 })[0]?.message).toMatch(/below the minimum 0/);
        expect(validateParams(filterConvolve, { kernel: [[1, 2]] })[0]?.message).toMatch(/must be odd/);
        expect(validateParams(filterUnsharpMask, { amount: -1 })[0]?.message).toMatch(/below the minimum 0/);
      });
    });

    it('leaks no tensors and never disposes its input', async () => {
      const img = tf.randomUniform([12, 10, 3], 0, 1, 'float32', 3) as tf.Tensor3D;
      const cases: [AnyNodeDefinition, Record<string, unknown>][] = [
        [filterGaussianBlur, { sigma: 2.5 }],
        [filterGaussianBlur, { sigma: 0 }],
        [filterBoxBlur, { size: 5 }],
        [filterBoxBlur, { size: 1 }],
        [filterMedian, { size: 3 }],
        [filterMedian, { size: 7 }],
        [filterSobel, {}],
        [filterUnsharpMask, { radius: 1.5, amount: 2 }],
        [filterUnsharpMask, { radius: 0 }],
        [filterConvolve, { normalize: true }],
      ];
      for (const [def, p] of cases) {
        const before = tf.memory().numTensors;
        const out = run(def, img, p);
        expect(tf.memory().numTensors).toBe(before + 1);
        out.dispose();
        expect(tf.memory().numTensors).toBe(before);
        expect(img.isDisposed).toBe(false);
      }
      img.dispose();
    });
  });
}
