/**
 * Our WGSL programs (src/kernels/webgpu, run by src/nodes/lib/gpuKernels.ts) on the webgpu
 * backend — here Dawn on the SwiftShader adapter — against the tfjs path they replace on the
 * same backend and against the cpu backend: odd shapes (1×1, 1×N, N×1, sizes that are not a
 * multiple of the 16×16 workgroup tile), 1/3/4 channels, tiled and direct separable passes
 * (forced both ways, and radius 24 / 25 at the tile limit), every border mode. The node tests check the tfjs path against the
 * OpenCV / scikit-image fixtures, so equality with it carries the accuracy figures over.
 * Registered only when Node has a WebGPU adapter (test/helpers/backends.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { setKernelsDisabled } from '../../src/kernels';
import { MAX_SHARED_RADIUS } from '../../src/kernels/webgpu/programs';
import { correlateSeparable, opencvGaussianKernel, opencvGaussianKsize } from '../../src/nodes/lib/conv';
import { gpuKernels, setGpuTiles } from '../../src/nodes/lib/gpuKernels';
import type { BorderMode } from '../../src/nodes/lib/pad';
import { ssimMap } from '../../src/nodes/lib/ssim';
import { medianFilter } from '../../src/nodes/filterMedian';
import { testBackends, useBackend } from '../helpers/backends';

function values(h: number, w: number, c: number, seed: number, levels = 0): Float32Array {
  const d = new Float32Array(h * w * c);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < d.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    d[i] = levels ? Math.round((s / 2 ** 32) * levels) / levels : s / 2 ** 32;
  }
  return d;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/**
 * Runs fn on webgpu with our programs, on cpu (tfjs path, fixture-tested) and, with
 * `tfjsGpu`, on webgpu without our programs (slow to compile there: a few cases only).
 */
async function threeWays(data: Float32Array[], shape: [number, number, number], fn: (...xs: tf.Tensor3D[]) => tf.Tensor, tfjsGpu = true): Promise<[Float32Array, Float32Array, Float32Array]> {
  const once = async (backend: 'webgpu' | 'cpu', ours: boolean): Promise<Float32Array> => {
    await useBackend(backend);
    setKernelsDisabled(!ours);
    const before = tf.memory().numTensors;
    const xs = data.map((d) => tf.tensor3d(d, shape));
    if (backend === 'webgpu') expect(gpuKernels()).toBe(ours);
    const out = tf.tidy(() => fn(...xs));
    const v = (await out.data()) as Float32Array;
    tf.dispose([...xs, out]);
    expect(tf.memory().numTensors).toBe(before);
    setKernelsDisabled(false);
    return v;
  };
  const ours = await once('webgpu', true);
  const cpu = await once('cpu', false);
  return [ours, tfjsGpu ? await once('webgpu', false) : cpu, cpu];
}

afterEach(() => {
  setKernelsDisabled(false);
  setGpuTiles('auto');
});

for (const _gpu of testBackends.filter((b) => b === 'webgpu')) {
  describe('WGSL kernels on webgpu (SwiftShader)', () => {
    const shapes: [number, number, number][] = [
      [1, 1, 1],
      [1, 19, 3],
      [21, 1, 4],
      [17, 33, 3],
      [40, 23, 1],
    ];
    const kernels: [string, number[]][] = [
      ['gauss σ1', [...opencvGaussianKernel(opencvGaussianKsize(1), 1)]],
      ['box 5', [0.2, 0.2, 0.2, 0.2, 0.2]],
      [`gauss radius ${MAX_SHARED_RADIUS} (largest in workgroup memory)`, [...opencvGaussianKernel(2 * MAX_SHARED_RADIUS + 1, 6)]],
      [`gauss radius ${MAX_SHARED_RADIUS + 1} (direct reads)`, [...opencvGaussianKernel(2 * MAX_SHARED_RADIUS + 3, 6.2)]],
    ];
    for (const [h, w, c] of shapes) {
      // (the 49- and 51-tap kernels compile slowly on SwiftShader: one shape is enough for them)
      for (const [name, k] of kernels.filter(([, k]) => k.length <= 7 || h === 17)) {
        it(`separable ${name} on ${h}×${w}×${c}: equal to the tfjs path within 1e-6 (every border mode; tiles in workgroup memory and direct reads)`, async () => {
          for (const [mode, tiles] of [['reflect101', 'on'], ['reflect', 'off'], ['replicate', h % 2 ? 'on' : 'off']] as [BorderMode, 'on' | 'off'][]) {
            setGpuTiles(tiles);
            const [ours, tfjs, cpu] = await threeWays([values(h, w, c, h * 7 + w + c + k.length)], [h, w, c], (x) => correlateSeparable(x, k, [0.25, 0.5, 0.25], mode), k.length <= 7 && h === 17);
            expect(maxDiff(ours, tfjs)).toBeLessThan(1e-6);
            expect(maxDiff(ours, cpu)).toBeLessThan(1e-6);
          }
        });
      }
    }
    for (const size of [3, 5, 7]) {
      for (const [h, w, c] of shapes.filter(([h]) => size < 7 || h === 17 || h === 1)) {
        it(`median ${size} on ${h}×${w}×${c}: equal to the exact median (float and 8-bit-valued data)`, async () => {
          for (const levels of [0, 255]) {
            const [ours, tfjs, cpu] = await threeWays([values(h, w, c, size * 100 + h + w + c, levels)], [h, w, c], (x) => medianFilter(x, size), size === 3 && h === 17);
            expect(Array.from(ours)).toEqual(Array.from(cpu));
            expect(Array.from(ours)).toEqual(Array.from(tfjs));
          }
        });
      }
    }
    for (const [h, w, c] of [
      [11, 11, 1],
      [12, 37, 3],
      [29, 16, 4],
      [64, 48, 3],
    ] as [number, number, number][]) {
      it(`fused SSIM map of ${h}×${w}×${c}: within 1e-5 of the tfjs path and of cpu`, async () => {
        const a = values(h, w, c, h + w);
        const b = a.map((v, i) => Math.min(1, Math.max(0, v + ((i * 7919) % 13) / 100 - 0.06)));
        const [ours, tfjs, cpu] = await threeWays([a, b], [h, w, c], (x, y) => ssimMap(x!, y!));
        expect(maxDiff(ours, tfjs)).toBeLessThan(1e-5);
        expect(maxDiff(ours, cpu)).toBeLessThan(1e-5);
        // identical images: S = 1 exactly
        const [same] = await threeWays([a, a], [h, w, c], (x, y) => ssimMap(x!, y!));
        expect(Math.min(...same)).toBe(1);
        expect(Math.max(...same)).toBe(1);
      });
    }
  });
}
