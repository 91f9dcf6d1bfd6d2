/** mask.threshold — a mask from an image (DESIGN.md §3), e.g. a mask drawn in another program and loaded from a PNG. */
import * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../engine/defineNode';
import { asImage } from './lib/image';
import { colourChannels } from './lib/metrics';

export const maskThreshold = defineNode({
  type: 'mask.threshold',
  title: 'Threshold to mask',
  category: 'Mask',
  description:
    'A mask (1 = hole) from an image: a pixel is a hole when the mean of its colour channels is above threshold (alpha is ignored). invert swaps holes and known pixels.',
  version: 1,
  inputs: { image: { type: 'image' } },
  outputs: { mask: { type: 'mask' } },
  params: {
    threshold: { kind: 'float', default: 0.5, min: 0, max: 1, step: 0.01, description: 'Pixels whose channel mean is strictly above this value are holes.' },
    invert: { kind: 'bool', default: false, description: 'Holes where the mean is at or below the threshold instead.' },
  },
  compute({ inputs, params }) {
    const img = colourChannels(asImage(inputs.image));
    const c = img.shape[2];
    // Sum then compare with c·threshold: exact for 8-bit data, no division rounding.
    const sum = c === 1 ? img : tf.sum(img, 2, true);
    const above = tf.greater(sum, c * params.threshold);
    const hole = params.invert ? tf.logicalNot(above) : above;
    return { mask: tf.cast(hole, 'float32') };
  },
});
