/**
 * gan.sample with class-conditional generators (userDefinedMetadata `conditional`): the
 * one-hot class reaches the model next to the latent, `label` fixes it, −1 draws a class per
 * sample from the seed (reproducibly), a wired latent keeps working, out-of-range classes are
 * refused with a clear message; unconditional models ignore `label`. A tiny custom model that
 * passes its input through as pixels shows exactly what the generator received.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeHost } from '../../src/cli/host';
import { effectiveParams } from '../../src/engine/params';
import type { Host, Value } from '../../src/engine/types';
import { fileSaveHandler } from '../../src/models/nodeIO';
import { ganSample, sampleLabels } from '../../src/nodes/ganSample';
import type { ModelResource } from '../../src/nodes/lib/modelNode';
import { useBackend } from '../helpers/backends';

const work = mkdtempSync(path.join(tmpdir(), 'pl-cond-'));
const host: Host = createNodeHost({ baseDir: work, maxImageSide: 8192 });
let conditional: ModelResource;
let plain: ModelResource;

/** input [latent + classes] → an image 1 × (latent + classes) × 1 holding the input. */
async function passThrough(name: string, latent: number, classes: number, meta: boolean): Promise<ModelResource> {
  const m = tfl.sequential({ layers: [tfl.layers.reshape({ inputShape: [latent + classes], targetShape: [1, latent + classes, 1] })] });
  if (meta) m.setUserDefinedMetadata({ conditional: { latent, classes } });
  await m.save(fileSaveHandler(path.join(work, name)));
  m.dispose();
  return (await ganSample.load!(effectiveParams(ganSample, { model: 'custom', modelUrl: `${name}/model.json` }) as never, { host, nodeId: 'g' })) as ModelResource;
}

beforeAll(async () => {
  await useBackend('wasm');
  conditional = await passThrough('cond', 4, 3, true);
  plain = await passThrough('plain', 7, 0, false);
});
afterAll(() => {
  conditional.dispose?.();
  plain.dispose?.();
  rmSync(work, { recursive: true, force: true });
});

function sample(resource: ModelResource, params: Record<string, unknown>, latent?: tf.Tensor): Float32Array {
  const out = tf.tidy(() => (ganSample.compute!({ nodeId: 'g', inputs: (latent ? { latent } : {}) as Record<string, Value>, params: effectiveParams(ganSample, { columns: 1, gap: 0, ...params }) as never, resource, backend: tf.getBackend() }) as { image: tf.Tensor }).image);
  const v = out.dataSync() as Float32Array;
  out.dispose();
  return v.slice();
}

/** The class one-hot of each sample (one 1×7 row per sample, columns 4 … 6). */
function classes(pixels: Float32Array, count: number): number[] {
  return Array.from({ length: count }, (_, i) => [0, 1, 2].findIndex((c) => pixels[i * 7 + 4 + c] === 1));
}

describe('gan.sample with a class-conditional generator', () => {
  it('label fixes the class of every sample; the one-hot follows the latent', () => {
    for (const label of [0, 1, 2]) {
      const px = sample(conditional, { count: 5, seed: 3, label });
      expect(classes(px, 5)).toEqual([label, label, label, label, label]);
      for (let i = 0; i < 5; i++) expect(px[i * 7 + 4]! + px[i * 7 + 5]! + px[i * 7 + 6]!).toBe(1);
    }
  });

  it('label −1 draws a class per sample from the seed: reproducible, every class, another seed differs', () => {
    const a = classes(sample(conditional, { count: 60, seed: 9, label: -1 }), 60);
    const b = classes(sample(conditional, { count: 60, seed: 9, label: -1 }), 60);
    const c = classes(sample(conditional, { count: 60, seed: 10, label: -1 }), 60);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (const k of [0, 1, 2]) expect(a.filter((x) => x === k).length).toBeGreaterThan(10);
    expect(Array.from(sampleLabels(60, -1, 3, 9))).toEqual(a);
  });

  it('a wired latent gets the class appended; the latent size asked for is the metadata latent', () => {
    const z = tf.tensor2d([[0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8]]);
    const px = sample(conditional, { label: 2 }, z);
    expect(Array.from(px).map((v) => +v.toFixed(4))).toEqual([0.1, 0.2, 0.3, 0.4, 0, 0, 1, 0.5, 0.6, 0.7, 0.8, 0, 0, 1]);
    const wrong = tf.tensor2d([[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]]);
    expect(() => sample(conditional, {}, wrong)).toThrow('input "latent" has dimension 7, but the model expects latents of dimension 4');
    tf.dispose([z, wrong]);
  });

  it('a class the model does not have is refused with its range', () => {
    expect(() => sample(conditional, { label: 5 })).toThrow('param "label" is 5, but this model has classes 0 … 2');
  });

  it('an unconditional model ignores label', () => {
    expect(sample(plain, { count: 3, seed: 1, label: 2 })).toEqual(sample(plain, { count: 3, seed: 1, label: -1 }));
  });
});
