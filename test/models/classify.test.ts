/**
 * classify with the shipped classifiers: real held-out test images of every class (one image
 * and gan.sample-style grids), the rate's threshold and expected class, conversion of other
 * sizes and channels, blank trailing grid tiles, and no tensor leaks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeHost } from '../../src/cli/host';
import { effectiveParams } from '../../src/engine/params';
import type { Host, Value } from '../../src/engine/types';
import { classify } from '../../src/nodes/classify';
import { tileGrid, type ModelResource } from '../../src/nodes/lib/modelNode';
import { useBackend } from '../helpers/backends';
import { testImages } from '../helpers/digits';

const work = mkdtempSync(path.join(tmpdir(), 'pl-classify-'));
const host: Host = createNodeHost({ baseDir: work, maxImageSide: 8192 });
const models: Record<string, ModelResource> = {};

beforeAll(async () => {
  await useBackend('wasm');
  for (const model of ['mnist', 'fashion']) models[model] = (await classify.load!(effectiveParams(classify, { model }) as never, { host, nodeId: 'c' })) as ModelResource;
}, 60_000);
afterAll(() => {
  for (const m of Object.values(models)) m.dispose?.();
  rmSync(work, { recursive: true, force: true });
});

interface Out {
  label: number;
  confidence: number;
  rate: number;
  input: tf.Tensor3D;
}

async function run(image: tf.Tensor3D, params: Record<string, unknown>): Promise<Out> {
  const model = (params.model as string) ?? 'mnist';
  return (await classify.computeAsync!({ nodeId: 'c', inputs: { image } as Record<string, Value>, params: effectiveParams(classify, params) as never, resource: models[model]!, backend: tf.getBackend(), signal: new AbortController().signal })) as unknown as Out;
}

function grid(images: Float32Array[], gap = 2, columns = 0): tf.Tensor3D {
  return tf.tidy(() => tileGrid(tf.tensor4d(Float32Array.from(images.flatMap((a) => [...a])), [images.length, 28, 28, 1]), columns, gap));
}

describe('classify (shipped classifiers, real test images)', () => {
  for (const set of ['mnist', 'fashion'] as const) {
    it(`${set}: every class — the first test image's label, and the rate of a 4×4 grid of that class`, async () => {
      // the shipped classifiers: mnist 98.9 % accurate, 96.7 % confident (≥ 0.9) on real digits; fashion 91.2 %, 74.3 %
      const [minRate, minFirst] = set === 'mnist' ? [0.75, 9] : [0.3, 7];
      let firstRight = 0;
      const before = tf.memory().numTensors;
      for (let c = 0; c < 10; c++) {
        const imgs = testImages(set, c, 16);
        const one = tf.tensor3d(imgs[0]!, [28, 28, 1]);
        const single = await run(one, { model: set, expected: c });
        if (single.label === c) firstRight++;
        expect(single.confidence).toBeGreaterThan(0);
        expect(single.confidence).toBeLessThanOrEqual(1);
        expect(single.rate === 0 || single.rate === 1).toBe(true);
        const g = grid(imgs);
        const many = await run(g, { model: set, expected: c, threshold: set === 'mnist' ? 0.9 : 0.5 });
        expect(many.rate, `${set} class ${c}`).toBeGreaterThanOrEqual(minRate);
        expect(many.input.shape).toEqual([4 * 30 - 2, 4 * 30 - 2, 1]);
        // asking for another class: few tiles count
        const wrong = await run(g, { model: set, expected: (c + 5) % 10, threshold: 0.9 });
        expect(wrong.rate).toBeLessThan(0.2);
        tf.dispose([one, g, single.input, many.input, wrong.input]);
      }
      expect(firstRight).toBeGreaterThanOrEqual(minFirst);
      expect(tf.memory().numTensors).toBe(before);
    }, 60_000);
  }

  it('rate counts tiles with confidence ≥ threshold: 0 at threshold 1, any class at expected −1', async () => {
    const imgs = [0, 1, 2, 3, 4, 5].map((c) => testImages('mnist', c, 1)[0]!);
    const g = grid(imgs, 2, 3);
    const strict = await run(g, { threshold: 1 });
    const any = await run(g, { expected: -1, threshold: 0 });
    const three = await run(g, { expected: 3, threshold: 0 });
    expect(strict.rate).toBeLessThan(1);
    expect(any.rate).toBe(1);
    expect(three.rate).toBeCloseTo(1 / 6, 6);
    expect(any.label).toBe(0);
    tf.dispose([g, strict.input, any.input, three.input]);
  });

  it('blank trailing tiles of an incomplete grid (gan.sample with 5 samples) are not counted', async () => {
    const imgs = testImages('mnist', 7, 5);
    const g = grid(imgs); // 3 columns × 2 rows: the last tile is blank
    expect(g.shape).toEqual([58, 88, 1]);
    const out = await run(g, { expected: 7, threshold: 0 });
    expect(out.rate).toBe(1); // 5 of 5 (a counted blank tile would make it at most 5/6)
    const blankFirst = grid([new Float32Array(784), ...imgs.slice(0, 2)], 2, 3);
    const b = await run(blankFirst, { expected: 7, threshold: 0 });
    expect(b.rate).toBeCloseTo(2 / 3, 6); // a blank tile that is not trailing counts
    tf.dispose([g, out.input, blankFirst, b.input]);
  });

  it('another size or channel count is converted as one image (gray luma, bilinear), as vae.encode does', async () => {
    const digit = tf.tensor3d(testImages('mnist', 4, 1)[0]!, [28, 28, 1]);
    const big = tf.tidy(() => tf.tile(tf.image.resizeBilinear(digit, [56, 56], false, true), [1, 1, 3])) as tf.Tensor3D;
    const out = await run(big, {});
    expect(out.input.shape).toEqual([28, 28, 1]);
    expect(out.label).toBe(4);
    tf.dispose([digit, big, out.input]);
  });

  it('the same input gives the same figures on cpu and wasm', async () => {
    const g = grid([1, 2, 3, 4].map((c) => testImages('mnist', c, 1)[0]!));
    const a = await run(g, { expected: -1, threshold: 0.9 });
    const data = await g.data();
    await useBackend('cpu');
    const g2 = tf.tensor3d(data as Float32Array, g.shape);
    const b = await run(g2, { expected: -1, threshold: 0.9 });
    expect(b.label).toBe(a.label);
    expect(b.rate).toBe(a.rate);
    expect(Math.abs(b.confidence - a.confidence)).toBeLessThan(1e-4);
    tf.dispose([g2, b.input]);
    await useBackend('wasm');
    tf.dispose([g, a.input]);
  });
});
