/**
 * The composed Conv2DBackpropFilter / Conv2DBackpropInput kernels registered for wasm
 * training match the cpu backend's own kernels on small random cases (float32 tolerance
 * 1e-4 relative to the largest magnitude).
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-layers registers every op's gradient (tfjs-core alone registers none).
import '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateNodeBackend } from '../../src/cli/tfNode';
import { registerWasmTrainingKernels, unregisterWasmTrainingKernels } from '../../src/models/wasmTrainingKernels';

interface Case {
  x: [number, number, number, number];
  k: [number, number];
  cout: number;
  stride: number;
  pad: 'same' | 'valid';
}
const cases: Case[] = [
  { x: [2, 7, 7, 3], k: [3, 3], cout: 4, stride: 1, pad: 'same' },
  { x: [2, 8, 8, 2], k: [3, 3], cout: 3, stride: 2, pad: 'same' },
  { x: [3, 14, 14, 4], k: [4, 4], cout: 5, stride: 2, pad: 'same' },
  { x: [1, 9, 11, 2], k: [3, 5], cout: 2, stride: 2, pad: 'valid' },
  { x: [2, 7, 7, 3], k: [4, 4], cout: 2, stride: 2, pad: 'same' },
  { x: [2, 6, 5, 1], k: [1, 1], cout: 3, stride: 1, pad: 'valid' },
];

function rand(shape: number[], seed: number): Float32Array {
  let s = seed >>> 0;
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

async function grads(backend: 'cpu' | 'wasm', c: Case, seed: number): Promise<{ dw: Float32Array; dx: Float32Array; y: Float32Array }> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const x = tf.tensor4d(rand(c.x, seed), c.x);
  const w = tf.tensor4d(rand([c.k[0], c.k[1], c.x[3], c.cout], seed + 1), [c.k[0], c.k[1], c.x[3], c.cout]);
  const out = tf.tidy(() => {
    const y = tf.conv2d(x, w, c.stride, c.pad);
    const dy = tf.tensor4d(rand(y.shape, seed + 2), y.shape);
    // Gradients through conv2d and, from the other side, conv2dTranspose's forward.
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), dy)))([x, w]);
    const yt = tf.conv2dTranspose(dy, w, c.x, c.stride, c.pad);
    return [g[0]!, g[1]!, yt];
  });
  const [dx, dw, yt] = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose([...out, x, w]);
  expect(tf.memory().numTensors).toBe(before);
  return { dx: dx!, dw: dw!, y: yt! };
}

function maxRelErr(a: Float32Array, b: Float32Array): number {
  let scale = 0;
  let err = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
  }
  return err / Math.max(scale, 1e-12);
}

describe('wasm training kernels', () => {
  beforeAll(async () => {
    expect(await activateNodeBackend('wasm')).toBe(true);
    registerWasmTrainingKernels();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });
  afterAll(() => {
    unregisterWasmTrainingKernels();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBeDefined();
  });

  for (const [i, c] of cases.entries()) {
    it(`conv2d grads and conv2dTranspose match cpu: x ${c.x.join('×')}, kernel ${c.k.join('×')}, stride ${c.stride}, ${c.pad}`, async () => {
      const ref = await grads('cpu', c, 10 + i);
      const got = await grads('wasm', c, 10 + i);
      expect(got.dw.length).toBe(ref.dw.length);
      expect(got.dx.length).toBe(ref.dx.length);
      expect(maxRelErr(got.dw, ref.dw)).toBeLessThan(1e-4);
      expect(maxRelErr(got.dx, ref.dx)).toBeLessThan(1e-4);
      expect(maxRelErr(got.y, ref.y)).toBeLessThan(1e-4);
      // The reference is not trivially zero.
      expect(Math.max(...ref.dw.map(Math.abs))).toBeGreaterThan(0.01);
    });
  }
});
