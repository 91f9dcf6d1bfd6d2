/** latent.add — latent arithmetic a + weight · b (DESIGN.md §3). */
import * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../engine/defineNode';
import { asLatent } from './lib/modelNode';
import { checkPair } from './latentInterpolate';

export const latentAdd = defineNode({
  type: 'latent.add',
  title: 'Add latents',
  category: 'Latent',
  description: 'a + weight · b (weight −1 subtracts). Rows must match, or one side has a single row, which is added to every row of the other.',
  version: 1,
  inputs: { a: { type: 'latent' }, b: { type: 'latent' } },
  outputs: { latent: { type: 'latent' } },
  params: { weight: { kind: 'float', default: 1, min: -10, max: 10, step: 0.05 } },
  compute({ inputs, params }) {
    const a = asLatent(inputs.a, null, 'input "a"');
    const b = asLatent(inputs.b, null, 'input "b"');
    checkPair(a, b, 'latent.add');
    return { latent: tf.add(a, tf.mul(b, params.weight)) };
  },
});
