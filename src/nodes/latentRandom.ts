/** latent.random — seeded standard-normal latents [count, dim] (DESIGN.md §3). */
import { defineNode } from '../engine/defineNode';
import { randomLatents } from './lib/modelNode';

export const latentRandom = defineNode({
  type: 'latent.random',
  title: 'Random latent',
  category: 'Latent',
  description:
    'count × dim independent N(0, 1) values, drawn on the host from the seed (the same on every backend). With dim 64 these are exactly the latents gan.sample draws for the same seed and count; the shipped VAEs use dim 16.',
  version: 1,
  inputs: {},
  outputs: { latent: { type: 'latent' } },
  params: {
    dim: { kind: 'int', default: 64, min: 1, max: 4096, label: 'Dimension' },
    count: { kind: 'int', default: 1, min: 1, max: 1024, label: 'Count' },
    seed: { kind: 'seed', default: 0 },
  },
  compute({ params }) {
    return { latent: randomLatents(params.count, params.dim, params.seed) };
  },
});
