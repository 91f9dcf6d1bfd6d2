/** generate.noise — a new image filled with seeded noise (DESIGN.md §3). */
import * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../engine/defineNode';
import { NOISE_STREAM } from './lib/noise';
import { normalArray, uniformArray } from './lib/random';

const CHANNELS = { gray: 1, rgb: 3, rgba: 4 } as const;

export const generateNoise = defineNode({
  type: 'generate.noise',
  title: 'Noise image',
  category: 'Generate',
  description:
    'A new width×height image of independent noise per pixel and colour channel: gaussian N(mean, sigma²) or uniform on [low, high). With rgba, alpha is 1. Seeded on the host: the same seed gives the same pixels on every backend.',
  version: 1,
  inputs: {},
  outputs: { image: { type: 'image' } },
  params: {
    width: { kind: 'int', default: 256, min: 1, max: 8192 },
    height: { kind: 'int', default: 256, min: 1, max: 8192 },
    channels: { kind: 'enum', default: 'rgb', options: ['gray', 'rgb', 'rgba'] },
    distribution: { kind: 'enum', default: 'gaussian', options: ['gaussian', 'uniform'] },
    mean: { kind: 'float', default: 0.5, min: -1, max: 2, step: 0.01, description: 'Mean (gaussian).' },
    sigma: { kind: 'float', default: 0.2, min: 0, max: 2, step: 0.01, description: 'Standard deviation (gaussian).' },
    low: { kind: 'float', default: 0, min: -1, max: 2, step: 0.01, description: 'Lower bound (uniform).' },
    high: { kind: 'float', default: 1, min: -1, max: 2, step: 0.01, description: 'Upper bound (uniform), above low.' },
    clip: { kind: 'bool', default: true, description: 'Clip the result to [0, 1].' },
    seed: { kind: 'seed', default: 0 },
  },
  check(p) {
    if (p.distribution === 'uniform' && !(p.low < p.high)) return `param "low" (${p.low}) must be below "high" (${p.high}) for the uniform distribution`;
    return null;
  },
  outputBytes: (p) => p.width * p.height * (CHANNELS[p.channels as keyof typeof CHANNELS] ?? 4) * 4,
  compute({ params }) {
    const { width: w, height: h } = params;
    const channels = CHANNELS[params.channels as keyof typeof CHANNELS];
    if (channels === undefined) throw new Error(`param "channels": "${params.channels}" is not one of gray, rgb, rgba`);
    if (params.distribution === 'uniform' && !(params.low < params.high)) throw new Error(`param "low" (${params.low}) must be below "high" (${params.high}) for the uniform distribution`);
    const c = channels === 4 ? 3 : channels;
    const n = h * w * c;
    const values =
      params.distribution === 'uniform'
        ? uniformArray(n, params.seed, NOISE_STREAM.values, params.low, params.high)
        : normalArray(n, params.seed, NOISE_STREAM.values, params.mean, params.sigma);
    let image: tf.Tensor3D = tf.tensor3d(values, [h, w, c], 'float32');
    if (params.clip) image = tf.clipByValue(image, 0, 1);
    if (channels === 4) image = tf.concat([image, tf.ones([h, w, 1], 'float32')], 2);
    return { image };
  },
});
