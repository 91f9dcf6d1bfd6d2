import * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../engine/defineNode';
import { asImage, joinAlpha, splitAlpha } from './lib/image';
import { correlateSeparable } from './lib/conv';

const SMOOTH = [0.25, 0.5, 0.25];
const EDGE = [1, 0, -1];

/**
 * Per-channel Sobel gradient magnitude as `skimage.filters.sobel(channel)` (scikit-image
 * ≥ 0.19, no mask): sqrt((g_h² + g_v²) / 2) where g_h is the edge kernel [1, 0, −1] along the
 * height smoothed by [1, 2, 1]/4 along the width and g_v the transpose; border 'reflect'
 * (symmetric, dcba|abcd). The sign convention of the edge kernel does not matter for the
 * magnitude.
 */
export const filterSobel = defineNode({
  type: 'filter.sobel',
  title: 'Sobel edges',
  category: 'Filter',
  description:
    'Gradient magnitude of each colour channel in scikit-image\'s convention (filters.sobel): sqrt((gh² + gv²)/2) with smoothing [1,2,1]/4 and edge [1,0,−1], ' +
    'border reflect (symmetric). Alpha, when present, is passed through unchanged so the edge map stays visible.',
  version: 1,
  inputs: { image: { type: 'image' } },
  outputs: { image: { type: 'image' } },
  params: {},
  compute({ inputs }) {
    const img = asImage(inputs.image);
    const [colour, alpha] = splitAlpha(img);
    // correlateSeparable applies kx along the width, ky along the height.
    const gh = correlateSeparable(colour, SMOOTH, EDGE, 'reflect');
    const gv = correlateSeparable(colour, EDGE, SMOOTH, 'reflect');
    const mag = tf.sqrt(tf.mul(tf.add(tf.square(gh), tf.square(gv)), 0.5)) as tf.Tensor3D;
    return { image: joinAlpha(mag, alpha) };
  },
});
