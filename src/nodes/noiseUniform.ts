/** noise.uniform — adds U(−amplitude, +amplitude) per pixel and colour channel (DESIGN.md §3). */
import { defineNode } from '../engine/defineNode';
import { asImage } from './lib/image';
import { addHostNoise, NOISE_STREAM } from './lib/noise';
import { uniformArray } from './lib/random';

export const noiseUniform = defineNode({
  type: 'noise.uniform',
  title: 'Uniform noise',
  category: 'Noise',
  description:
    'Adds noise drawn uniformly from [−amplitude, +amplitude) to every pixel and colour channel (or the same value to all colour channels with monochrome). Alpha is never changed. Seeded on the host: the same seed gives the same noise on every backend.',
  version: 1,
  inputs: { image: { type: 'image' } },
  outputs: { image: { type: 'image' } },
  params: {
    amplitude: { kind: 'float', default: 0.1, min: 0, max: 1, step: 0.01, description: 'Half-width of the noise interval.' },
    monochrome: { kind: 'bool', default: false, description: 'Add the same noise value to every colour channel of a pixel.' },
    clip: { kind: 'bool', default: true, description: 'Clip the result to [0, 1].' },
    seed: { kind: 'seed', default: 0 },
  },
  compute({ inputs, params }) {
    const img = asImage(inputs.image);
    const a = params.amplitude;
    const image = addHostNoise(img, params.monochrome, params.clip, (n) => uniformArray(n, params.seed, NOISE_STREAM.values, -a, a));
    return { image };
  },
});
