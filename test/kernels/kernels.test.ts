/**
 * The WebAssembly kernels (src/kernels) against the tfjs implementation they replace on the
 * cpu and wasm backends, which the node tests check against OpenCV / scikit-image fixtures:
 * odd shapes (1×1, 1×N, N×1, widths that are not a multiple of the SIMD width), 1/3/4
 * channels, the largest kernels the nodes allow, every border mode. No tensors leak.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { kernelsReady, sepCorrelate, setKernelsDisabled } from '../../src/kernels';
import { correlate2d, correlateSeparable, opencvGaussianKernel, opencvGaussianKsize } from '../../src/nodes/lib/conv';
import { padIndices, type BorderMode } from '../../src/nodes/lib/pad';
import { cropBorder, ssimMap, ssimOnHost } from '../../src/nodes/lib/ssim';
import { medianFilter } from '../../src/nodes/filterMedian';
import { bilateralFilter } from '../../src/nodes/lib/restore/bilateral';
import { useBackend } from '../helpers/backends';
import { createRegistry } from '../../src/nodes';

function image(h: number, w: number, c: number, seed: number): tf.Tensor3D {
  const d = new Float32Array(h * w * c);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < d.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    d[i] = s / 2 ** 32;
  }
  return tf.tensor3d(d, [h, w, c]);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

afterEach(() => setKernelsDisabled(false));

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`kernels on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
      expect(kernelsReady()).toBe(true);
    });

    const shapes: [number, number, number][] = [
      [1, 1, 1],
      [1, 9, 3],
      [9, 1, 4],
      [7, 13, 1],
      [17, 23, 3],
      [33, 5, 4],
      [64, 61, 3],
    ];
    const kernels: [string, number[]][] = [
      ['gauss σ1', [...opencvGaussianKernel(opencvGaussianKsize(1), 1)]],
      ['box 5', [0.2, 0.2, 0.2, 0.2, 0.2]],
      ['sobel-like 3', [1, 2, 1]],
      ['largest: gauss σ 50 (401 taps)', [...opencvGaussianKernel(opencvGaussianKsize(50), 50)]],
    ];
    for (const [h, w, c] of shapes) {
      for (const [name, k] of kernels) {
        for (const mode of ['reflect101', 'reflect', 'replicate'] as BorderMode[]) {
          it(`separable correlation ${h}×${w}×${c}, ${name}, ${mode}: equal to the tfjs path within 1e-6`, () => {
            const img = image(h, w, c, h * 100 + w + c);
            const before = tf.memory().numTensors;
            // a different vertical kernel for 3 taps (a Sobel pair), the same otherwise
            const ky = k.length === 3 ? [1, 0, -1] : k;
            const fast = correlateSeparable(img, k, ky, mode);
            setKernelsDisabled(true);
            const ref = correlateSeparable(img, k, ky, mode);
            setKernelsDisabled(false);
            expect(fast.shape).toEqual([h, w, c]);
            expect(maxDiff(fast.dataSync(), ref.dataSync())).toBeLessThan(1e-6);
            fast.dispose();
            ref.dispose();
            expect(tf.memory().numTensors).toBe(before);
            img.dispose();
          });
        }
      }
    }

    for (const [h, w, c] of [
      [11, 11, 1],
      [11, 30, 3],
      [29, 12, 1],
      [40, 37, 3],
      [64, 64, 1],
    ] as [number, number, number][]) {
      it(`fused SSIM ${h}×${w}×${c}: mean within 1e-6 and map within 1e-5 of the tfjs path`, () => {
        const a = image(h, w, c, 7);
        const noise = image(h, w, c, 8);
        const b = tf.tidy(() => tf.clipByValue(tf.add(a, tf.mul(tf.sub(noise, 0.5), 0.3)), 0, 1) as tf.Tensor3D);
        const before = tf.memory().numTensors;
        const fast = ssimOnHost(a, b)!;
        expect(fast).not.toBeNull();
        expect(tf.memory().numTensors).toBe(before + 1); // the map, nothing else
        const { refMean, refGray } = tf.tidy(() => {
          const refMap = ssimMap(a, b);
          return { refMean: tf.mean(cropBorder(refMap)).dataSync()[0]!, refGray: (c === 1 ? refMap : tf.mean(refMap, 2, true)).dataSync() };
        });
        expect(Math.abs(fast.ssim - refMean)).toBeLessThan(1e-6);
        expect(fast.map.shape).toEqual([h, w, 1]);
        expect(maxDiff(fast.map.dataSync(), refGray)).toBeLessThan(1e-5);
        // identical images: exactly 1
        const same = ssimOnHost(a, a)!;
        expect(same.ssim).toBe(1);
        tf.dispose([fast.map, same.map]);
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([a, b, noise]);
      });
    }
  });
}

describe('median kernels', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    for (const size of [3, 5, 7] as const) {
      for (const [h, w, c] of [
        [1, 1, 1],
        [1, 7, 3],
        [6, 1, 4],
        [9, 10, 1],
        [31, 29, 3],
        [40, 33, 4],
      ] as [number, number, number][]) {
        it(`${backend}: median ${size} of ${h}×${w}×${c} (float data, replicated border) equals the exact host median`, async () => {
          await useBackend(backend);
          const img = image(h, w, c, size * 1000 + h * w + c);
          const fast = medianFilter(img, size);
          const exact = medianFilter(img, size, 'host');
          expect(Array.from(fast.dataSync())).toEqual(Array.from(exact.dataSync()));
          tf.dispose([img, fast, exact]);
        });
      }
    }
  }
});

describe('2-D correlation kernel', () => {
  const kernels: [string, number[][]][] = [
    ['laplacian 3×3', [[0, 1, 0], [1, -4, 1], [0, 1, 0]]],
    ['3×5 (non-square)', [[1, 2, 3, 2, 1], [0, 0, 0, 0, 0], [-1, -2, -3, -2, -1]]],
    ['1×1', [[2]]],
    ['7×7 ramp', Array.from({ length: 7 }, (_, y) => Array.from({ length: 7 }, (_, x) => (x - 3) * 0.1 + (y - 3) * 0.01))],
  ];
  for (const backend of ['cpu', 'wasm'] as const) {
    for (const [h, w, c] of [
      [1, 1, 1],
      [1, 6, 3],
      [5, 1, 4],
      [13, 17, 3],
      [24, 21, 1],
    ] as [number, number, number][]) {
      for (const [name, kernel] of kernels) {
        it(`${backend}: ${name} on ${h}×${w}×${c} equals the tfjs path within 1e-5`, async () => {
          await useBackend(backend);
          const img = image(h, w, c, h + w * 7 + c);
          for (const mode of ['reflect101', 'replicate'] as BorderMode[]) {
            const fast = correlate2d(img, kernel, mode);
            setKernelsDisabled(true);
            const ref = correlate2d(img, kernel, mode);
            setKernelsDisabled(false);
            expect(maxDiff(fast.dataSync(), ref.dataSync())).toBeLessThan(1e-5);
            tf.dispose([fast, ref]);
          }
          img.dispose();
        });
      }
    }
  }
});

describe('median kernels on 8-bit-valued data (the byte path)', () => {
  for (const size of [3, 5, 7] as const) {
    for (const [h, w, c] of [
      [1, 1, 1],
      [1, 17, 3],
      [18, 1, 1],
      [5, 7, 4],
      [33, 35, 3],
      [16, 16, 1],
    ] as [number, number, number][]) {
      it(`median ${size} of ${h}×${w}×${c} with values k/255 (incl. 0 and 1) equals the exact host median`, async () => {
        await useBackend('wasm');
        const img = tf.tidy(() => tf.div(tf.round(tf.mul(image(h, w, c, size + h + w), 255)), 255) as tf.Tensor3D);
        const fast = medianFilter(img, size);
        const exact = medianFilter(img, size, 'host');
        expect(Array.from(fast.dataSync())).toEqual(Array.from(exact.dataSync()));
        // not 8-bit valued by one value: the float path, still exact
        const d = img.dataSync().slice();
        d[0] = 0.123456;
        const mixed = tf.tensor3d(d, [h, w, c]);
        const fast2 = medianFilter(mixed, size);
        const exact2 = medianFilter(mixed, size, 'host');
        expect(Array.from(fast2.dataSync())).toEqual(Array.from(exact2.dataSync()));
        tf.dispose([img, fast, exact, mixed, fast2, exact2]);
      });
    }
  }
});

describe("median of larger windows on 8-bit-valued data (Huang's sliding histogram)", () => {
  for (const size of [9, 11, 15] as const) {
    for (const [h, w, c] of [
      [1, 1, 1],
      [1, 19, 3],
      [20, 1, 1],
      [6, 5, 4],
      [37, 41, 3],
    ] as [number, number, number][]) {
      it(`median ${size} of ${h}×${w}×${c} with values k/255 equals the exact host median; float data keeps the host path`, async () => {
        await useBackend('wasm');
        // few distinct levels too, so ties around the median are exercised
        const img = tf.tidy(() => tf.div(tf.round(tf.mul(image(h, w, c, size * 3 + h + w), c === 4 ? 4 : 255)), c === 4 ? 4 : 255) as tf.Tensor3D);
        const fast = medianFilter(img, size);
        const exact = medianFilter(img, size, 'host');
        expect(Array.from(fast.dataSync())).toEqual(Array.from(exact.dataSync()));
        const d = img.dataSync().slice();
        d[d.length - 1] = 0.5 + 1e-3;
        const mixed = tf.tensor3d(d, [h, w, c]);
        const fast2 = medianFilter(mixed, size);
        const exact2 = medianFilter(mixed, size, 'host');
        expect(Array.from(fast2.dataSync())).toEqual(Array.from(exact2.dataSync()));
        tf.dispose([img, fast, exact, mixed, fast2, exact2]);
      });
    }
  }
});

describe('resize kernel', () => {
  const cases: [number, number, number, number, number][] = [
    [1, 1, 1, 5, 3],
    [5, 3, 3, 1, 1],
    [1, 9, 3, 4, 2],
    [9, 1, 4, 3, 7],
    [17, 23, 3, 40, 11],
    [64, 61, 1, 31, 33],
    [30, 30, 4, 30, 61],
  ];
  for (const backend of ['cpu', 'wasm'] as const) {
    for (const [h, w, c, dh, dw] of cases) {
      for (const method of ['bilinear', 'nearest'] as const) {
        it(`${backend}: ${method} ${h}×${w}×${c} → ${dh}×${dw} equals tf.image.resize* (half-pixel centres) within ${backend === 'cpu' ? '1e-6' : '1e-5 (tfjs-wasm rounds its own way)'}`, async () => {
          await useBackend(backend);
          const img = image(h, w, c, h * 31 + w + c);
          const def = createRegistry().get('image.resize')!;
          const run = (): tf.Tensor3D => tf.tidy(() => (def.compute!({ nodeId: 'r', inputs: { image: img }, params: { width: dw, height: dh, method }, resource: undefined, backend }) as { image: tf.Tensor3D }).image);
          const fast = run();
          setKernelsDisabled(true);
          const ref = run();
          setKernelsDisabled(false);
          expect(fast.shape).toEqual([dh, dw, c]);
          expect(maxDiff(fast.dataSync(), ref.dataSync())).toBeLessThan(backend === 'cpu' ? 1e-6 : 1e-5);
          tf.dispose([img, fast, ref]);
        });
      }
    }
  }
});

describe('bilateral kernel', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    for (const [h, w, c] of [
      [1, 1, 1],
      [1, 9, 3],
      [7, 1, 1],
      [20, 23, 3],
      [16, 13, 4],
    ] as [number, number, number][]) {
      it(`${backend}: ${h}×${w}×${c} equals the tfjs path within 1e-5 (σc 0.1, σs 3; and a 1-px window)`, async () => {
        await useBackend(backend);
        const img = image(h, w, c, h * 31 + w + c);
        for (const [sc, ss, d] of [
          [0.1, 3, 0],
          [0.3, 1, 3],
        ] as [number, number, number][]) {
          const fast = bilateralFilter(img, sc, ss, d);
          setKernelsDisabled(true);
          const ref = bilateralFilter(img, sc, ss, d);
          setKernelsDisabled(false);
          expect(maxDiff(fast.dataSync(), ref.dataSync())).toBeLessThan(1e-5);
          tf.dispose([fast, ref]);
        }
        img.dispose();
      });
    }
  }
});

describe('large images in row bands (sepCorrelate into the output)', () => {
  it('a 1210×1200×3 Gaussian σ 5 computed band by band into the output equals the one-piece result, bit for bit', async () => {
    await useBackend('wasm');
    const [h, w, c] = [1210, 1200, 3];
    const src = new Float32Array(h * w * c);
    let s = 7;
    for (let i = 0; i < src.length; i++) {
      s = (s * 1664525 + 1013904223) >>> 0;
      src[i] = s / 2 ** 32;
    }
    const k = [...opencvGaussianKernel(opencvGaussianKsize(5), 5)];
    const r = (k.length - 1) / 2;
    const cols = padIndices(w, r, r, 'reflect101');
    const rows = padIndices(h, r, r, 'reflect101');
    const whole = sepCorrelate(src, h, w, c, k, k, cols, rows, { threads: false });
    const into = new Float32Array(h * w * c);
    expect(sepCorrelate(src, h, w, c, k, k, cols, rows, { into, threads: false })).toBe(into);
    let same = true;
    for (let i = 0; i < into.length && same; i++) same = into[i] === whole[i];
    expect(same).toBe(true);
  });
});
