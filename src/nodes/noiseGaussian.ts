/** noise.gaussian — adds N(mean, sigma²) per pixel and colour channel (DESIGN.md §3). */
import { defineNode } from '../engine/defineNode';
import { asImage } from './lib/image';
import { addHostNoise, NOISE_STREAM } from './lib/noise';
import { normalArray } from './lib/random';

export const noiseGaussian = defineNode({
  type: 'noise.gaussian',
  title: 'Gaussian noise',
  category: 'Noise',
  description:
    'Adds Gaussian noise N(mean, sigma²) independently to every pixel and colour channel (or the same value to all colour channels with monochrome). Alpha is never changed. The noise comes from a seeded generator on the host, so a seed gives the same noise on every backend.',
  version: 1,
  inputs: { image: { type: 'image' } },
  outputs: { image: { type: 'image' } },
  params: {
    mean: { kind: 'float', default: 0, min: -1, max: 1, step: 0.01, description: 'Mean of the added noise.' },
    sigma: { kind: 'float', default: 0.1, min: 0, max: 1, step: 0.01, description: 'Standard deviation of the added noise.' },
    monochrome: { kind: 'bool', default: false, description: 'Add the same noise value to every colour channel of a pixel.' },
    clip: { kind: 'bool', default: true, description: 'Clip the result to [0, 1].' },
    seed: { kind: 'seed', default: 0 },
  },
  compute({ inputs, params }) {
    const img = asImage(inputs.image);
    const image = addHostNoise(img, params.monochrome, params.clip, (n) => normalArray(n, params.seed, NOISE_STREAM.values, params.mean, params.sigma));
    return { image };
  },
});
