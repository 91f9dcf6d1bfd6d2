/** latent.scale — latent · factor (DESIGN.md §3). */
import * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../engine/defineNode';
import { asLatent } from './lib/modelNode';

export const latentScale = defineNode({
  type: 'latent.scale',
  title: 'Scale latent',
  category: 'Latent',
  description: 'Multiplies every latent value by factor (below 1 moves GAN samples toward the typical "average" image — the truncation trick).',
  version: 1,
  inputs: { latent: { type: 'latent' } },
  outputs: { latent: { type: 'latent' } },
  params: { factor: { kind: 'float', default: 1, min: -10, max: 10, step: 0.05 } },
  compute({ inputs, params }) {
    return { latent: tf.mul(asLatent(inputs.latent, null, 'input "latent"'), params.factor) };
  },
});
