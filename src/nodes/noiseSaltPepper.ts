/** noise.saltPepper — sets a fraction of the pixels to black or white (DESIGN.md §3). */
import * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../engine/defineNode';
import { asImage, joinAlpha, splitAlpha } from './lib/image';
import { NOISE_STREAM } from './lib/noise';
import { Rng, sampleWithoutReplacement } from './lib/random';

export const noiseSaltPepper = defineNode({
  type: 'noise.saltPepper',
  title: 'Salt and pepper noise',
  category: 'Noise',
  description:
    'Sets exactly round(amount·width·height) pixels, chosen at random without replacement, to white (salt) or black (pepper): round(saltRatio·count) of them are salt. All colour channels of a hit pixel change together; alpha is never changed.',
  version: 1,
  inputs: { image: { type: 'image' } },
  outputs: { image: { type: 'image' } },
  params: {
    amount: { kind: 'float', default: 0.05, min: 0, max: 1, step: 0.01, description: 'Fraction of the pixels that are hit.' },
    saltRatio: { kind: 'float', default: 0.5, min: 0, max: 1, step: 0.05, description: 'Share of the hit pixels set to 1 (the rest are set to 0).' },
    seed: { kind: 'seed', default: 0 },
  },
  compute({ inputs, params }) {
    const img = asImage(inputs.image);
    const [h, w] = img.shape;
    const n = h * w;
    const count = Math.round(params.amount * n);
    if (count === 0) return { image: tf.clone(img) };
    const nSalt = Math.round(params.saltRatio * count);
    // The hit pixels come in uniformly random order, so the first nSalt of them are a
    // uniformly random subset: salt/pepper assignment is independent of position.
    const hits = sampleWithoutReplacement(n, count, new Rng(params.seed, NOISE_STREAM.pixels));
    const hit = new Float32Array(n);
    const value = new Float32Array(n);
    for (let i = 0; i < count; i++) {
      const p = hits[i]!;
      hit[p] = 1;
      if (i < nSalt) value[p] = 1;
    }
    const [rgb, alpha] = splitAlpha(img);
    const hitT = tf.tensor3d(hit, [h, w, 1], 'float32');
    const valueT = tf.tensor3d(value, [h, w, 1], 'float32');
    // rgb·(1 − hit) + value: exact, since hit and value are 0 or 1 (and value = 0 where hit = 0).
    const out = tf.add<tf.Tensor3D>(tf.mul(rgb, tf.sub(1, hitT)), valueT);
    return { image: joinAlpha(out, alpha) };
  },
});
