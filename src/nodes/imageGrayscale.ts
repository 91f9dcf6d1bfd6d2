/** image.grayscale — luma from RGB with the ITU-R BT.601 weights (OpenCV RGB2GRAY). */
import * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../engine/defineNode';
import { asImage, splitAlpha } from './lib/image';

/** ITU-R BT.601 luma weights for R, G, B (cv2.cvtColor COLOR_RGB2GRAY). */
export const BT601 = [0.299, 0.587, 0.114] as const;

export const imageGrayscale = defineNode({
  type: 'image.grayscale',
  title: 'Grayscale',
  category: 'Image',
  description:
    'Converts to gray: 0.299·R + 0.587·G + 0.114·B (ITU-R BT.601, as OpenCV cvtColor RGB2GRAY). By default the result has 1 channel (RGBA drops alpha). With keepChannels the channel layout is kept: RGB gives 3 equal channels, RGBA 3 equal channels plus the original alpha. A gray input passes through unchanged.',
  version: 1,
  inputs: { image: { type: 'image' } },
  outputs: { image: { type: 'image' } },
  params: {
    keepChannels: { kind: 'bool', default: false, description: 'Keep the input’s channel layout (gray value repeated in R, G, B; alpha kept).' },
  },
  compute({ inputs, params }) {
    const img = asImage(inputs.image);
    if (img.shape[2] === 1) return { image: tf.clone(img) };
    const [rgb, alpha] = splitAlpha(img);
    const gray = tf.sum(tf.mul(rgb, tf.tensor1d(BT601 as unknown as number[], 'float32')), 2, true);
    if (!params.keepChannels) return { image: gray };
    const parts = [gray, gray, gray];
    if (alpha) parts.push(alpha);
    return { image: tf.concat(parts, 2) };
  },
});
