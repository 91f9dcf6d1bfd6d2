/**
 * The shipped MNIST VAE (scripts/training/train_vae.py in PyTorch, exported by
 * scripts/training/export-torch.ts): the tfjs encoder and decoder give PyTorch's outputs for the
 * fixture inputs within 1e-4 — "same" padding of the stride-2 convolutions and the cropped
 * transposed convolutions included.
 */
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeHost } from '../../src/cli/host';
import { effectiveParams } from '../../src/engine/params';
import type { Host } from '../../src/engine/types';
import type { ModelResource } from '../../src/nodes/lib/modelNode';
import { vaeDecode } from '../../src/nodes/vaeDecode';
import { vaeEncode } from '../../src/nodes/vaeEncode';
import { useBackend } from '../helpers/backends';

const root = path.join(__dirname, '..', '..');
const host: Host = createNodeHost({ baseDir: root, maxImageSide: 8192 });
const fixture = JSON.parse(readFileSync(path.join(root, 'test', 'fixtures', 'vae-mnist.json'), 'utf8')) as Record<string, number[][]>;

beforeAll(() => useBackend('wasm'));

function worst(expected: number[][], got: ArrayLike<number>): number {
  let w = 0;
  expected.flat().forEach((v, i) => (w = Math.max(w, Math.abs(v - got[i]!))));
  return w;
}

describe('shipped MNIST VAE export', () => {
  it('decoder: PyTorch’s images for the fixture latents within 1e-4', async () => {
    const r = (await vaeDecode.load!(effectiveParams(vaeDecode, { model: 'mnist' }) as never, { host, nodeId: 'd' })) as ModelResource;
    const out = tf.tidy(() => r.model.predict(tf.tensor2d(fixture.latents!)) as tf.Tensor);
    expect(out.shape).toEqual([fixture.latents!.length, 28, 28, 1]);
    expect(worst(fixture.decoded!, out.dataSync())).toBeLessThan(1e-4);
    out.dispose();
    r.dispose?.();
  });

  it('encoder: PyTorch’s mean and logVar for the fixture digits within 1e-4', async () => {
    const r = (await vaeEncode.load!(effectiveParams(vaeEncode, { model: 'mnist' }) as never, { host, nodeId: 'e' })) as ModelResource;
    const [m, lv] = tf.tidy(() => r.model.predict(tf.tensor4d(fixture.images!.flat(), [fixture.images!.length, 28, 28, 1])) as tf.Tensor[]);
    expect(worst(fixture.mean!, m!.dataSync())).toBeLessThan(1e-4);
    expect(worst(fixture.logVar!, lv!.dataSync())).toBeLessThan(1e-4);
    tf.dispose([m!, lv!]);
    r.dispose?.();
  });
});
