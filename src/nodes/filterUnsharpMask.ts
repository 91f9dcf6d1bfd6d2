import * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../engine/defineNode';
import { asImage } from './lib/image';
import { correlateSeparable, scipyGaussianKernel } from './lib/conv';

/**
 * Unsharp masking exactly as `skimage.filters.unsharp_mask(img, radius, amount,
 * channel_axis=-1)` (per channel; grey images as a 2-D array):
 * `clip(x + amount·(x − gaussian(x, sigma=radius, mode='reflect', truncate=4)))`.
 * The blur is SciPy's: kernel radius int(4σ + 0.5), weights exp(−x²/2σ²) normalized,
 * border reflect (symmetric) — not OpenCV's kernel. As in scikit-image the clip range is
 * [0, 1], or [−1, 1] when the input has a negative value anywhere.
 */
export const filterUnsharpMask = defineNode({
  type: 'filter.unsharpMask',
  title: 'Unsharp mask',
  category: 'Filter',
  description:
    'Sharpens every channel (alpha included): clip(x + amount·(x − blur(x))) with a Gaussian blur of sigma = radius (SciPy kernel, radius int(4σ+0.5), border reflect), ' +
    'as scikit-image unsharp_mask. Clips to [0, 1] ([−1, 1] if the input has negative values).',
  version: 1,
  inputs: { image: { type: 'image' } },
  outputs: { image: { type: 'image' } },
  params: {
    radius: { kind: 'float', default: 1, min: 0, max: 50, step: 0.1, label: 'Radius', description: 'Sigma of the Gaussian blur in pixels; 0 = no blur (identity).' },
    amount: { kind: 'float', default: 1, min: 0, max: 20, step: 0.1, label: 'Amount', description: 'Strength of the sharpening (the detail x − blur(x) is multiplied by it).' },
  },
  compute({ inputs, params }) {
    const img = asImage(inputs.image);
    const negative = tf.any(tf.less(img, 0));
    const lower = tf.where(negative, tf.scalar(-1), tf.scalar(0));
    if (params.radius === 0) return { image: tf.maximum(tf.minimum(img, 1), lower) };
    const k = scipyGaussianKernel(params.radius, 4);
    const blurred = correlateSeparable(img, k, k, 'reflect');
    const sharp = tf.add(img, tf.mul(tf.sub(img, blurred), params.amount));
    return { image: tf.maximum(tf.minimum(sharp, 1), lower) };
  },
});
