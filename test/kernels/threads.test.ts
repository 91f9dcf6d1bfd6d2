/**
 * Kernel threads (src/kernels/threads.ts): an image split into bands across helper threads
 * gives exactly the single-thread result — every kernel that splits, every border mode, band
 * edges at the image border (a few rows per band, kernels taller than a band), 1/3/4 channels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bilateralFilter, correlate2d, medianFilter, runBand, sepCorrelate, type BandJob } from '../../src/kernels';
import { kernelThreadCount, setMinParallelElements, stopKernelThreads } from '../../src/kernels/threads';
import { startNodeKernelThreads } from '../../src/cli/kernelThreads';
import { opencvGaussianKernel } from '../../src/nodes/lib/conv';
import { padIndices, type BorderMode } from '../../src/nodes/lib/pad';
import { useBackend } from '../helpers/backends';

function values(n: number, seed: number, levels = 0): Float32Array {
  const d = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < d.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    d[i] = levels ? Math.round((s / 2 ** 32) * levels) / levels : s / 2 ** 32;
  }
  return d;
}

const cases: [string, (src: Float32Array, h: number, w: number, c: number, mode: BorderMode, threads: boolean) => Float32Array][] = [
  ['Gaussian σ 2 (separable, 13 taps)', (s, h, w, c, mode, threads) => { const k = [...opencvGaussianKernel(13, 2)]; return sepCorrelate(s, h, w, c, k, k, padIndices(w, 6, 6, mode), padIndices(h, 6, 6, mode), { threads }); }],
  ['separable, 41 taps (taller than a band)', (s, h, w, c, mode, threads) => { const k = [...opencvGaussianKernel(41, 7)]; return sepCorrelate(s, h, w, c, [1], k, padIndices(w, 0, 0, mode), padIndices(h, 20, 20, mode), { threads }); }],
  ['median 5 (8-bit valued)', (s, h, w, c, _m, threads) => medianFilter(s.map((v) => Math.round(v * 255) / 255), h, w, c, 5, padIndices(w, 2, 2, 'replicate'), padIndices(h, 2, 2, 'replicate'), { threads })!],
  ['median 7 (float)', (s, h, w, c, _m, threads) => medianFilter(s, h, w, c, 7, padIndices(w, 3, 3, 'replicate'), padIndices(h, 3, 3, 'replicate'), { threads })!],
  ['2-D correlation 5×3', (s, h, w, c, mode, threads) => correlate2d(s, h, w, c, [1, 2, 1, 0, 0, 0, -1, -2, -1, 0.5, 0.5, 0.5, 0.1, 0.2, 0.3], 5, 3, padIndices(w, 1, 1, mode), padIndices(h, 2, 2, mode), { threads })],
  ['bilateral, pad 3', (s, h, w, c, mode, threads) => {
    const win: { dy: number; dx: number; spatial: number }[] = [];
    for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) if (dx * dx + dy * dy <= 9) win.push({ dy, dx, spatial: Math.exp(-(dx * dx + dy * dy) / 18) });
    return bilateralFilter(s, h, w, c, win, -50, 3, padIndices(w, 3, 3, mode), padIndices(h, 3, 3, mode), { threads });
  }],
];

describe('kernel threads (2 helpers)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    expect(await startNodeKernelThreads(2)).toBe(2);
    setMinParallelElements(0);
  }, 60_000);
  afterAll(() => {
    stopKernelThreads();
    setMinParallelElements(512 * 512);
  });

  for (const [name, run] of cases) {
    for (const [h, w, c] of [
      [24, 1, 1],
      [25, 31, 3],
      [61, 17, 4],
      [96, 40, 3],
    ] as [number, number, number][]) {
      it(`${name} on ${h}×${w}×${c}: split into bands = one thread, bit for bit`, () => {
        expect(kernelThreadCount()).toBe(2);
        const src = values(h * w * c, h * w + c);
        for (const mode of ['reflect101', 'replicate'] as BorderMode[]) {
          const single = run(src, h, w, c, mode, false).slice();
          const split = run(src, h, w, c, mode, true);
          expect(split.length).toBe(single.length);
          expect(Array.from(split)).toEqual(Array.from(single));
        }
      });
    }
  }

  it('a band computed alone equals the same rows of the whole image (the halo rows are its own)', () => {
    const [h, w, c] = [40, 9, 3];
    const src = values(h * w * c, 5);
    const k = [...opencvGaussianKernel(9, 1.5)];
    const job: BandJob = { op: 'sepCorrelate', h, w, c, rowIdx: padIndices(h, 4, 4, 'reflect101'), ry: 4, args: { kx: k, ky: k, colIdx: padIndices(w, 4, 4, 'reflect101') } };
    const whole = sepCorrelate(src, h, w, c, k, k, padIndices(w, 4, 4, 'reflect101'), padIndices(h, 4, 4, 'reflect101'), { threads: false });
    const band = runBand(job, src, 13, 27).slice();
    expect(Array.from(band)).toEqual(Array.from(whole.subarray(13 * w * c, 27 * w * c)));
  });

  it('leaves no tensors behind and the node result equals the single-thread one', async () => {
    const { createRegistry } = await import('../../src/nodes');
    const def = createRegistry().get('filter.gaussianBlur')!;
    const img = tf.tensor3d(values(64 * 50 * 3, 9), [64, 50, 3]);
    const before = tf.memory().numTensors;
    const run = (): Float32Array => {
      const out = tf.tidy(() => (def.compute!({ nodeId: 'g', inputs: { image: img }, params: { sigma: 2.5, border: 'reflect101' }, resource: undefined, backend: 'wasm' }) as { image: tf.Tensor }).image);
      const v = out.dataSync() as Float32Array;
      out.dispose();
      return v.slice();
    };
    const split = run();
    stopKernelThreads();
    const single = run();
    expect(Array.from(split)).toEqual(Array.from(single));
    expect(tf.memory().numTensors).toBe(before);
    img.dispose();
    expect(await startNodeKernelThreads(2)).toBe(2);
  }, 60_000);
});
