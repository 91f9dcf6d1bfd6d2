/** mask.invert — swaps holes and known pixels (DESIGN.md §3). */
import * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../engine/defineNode';
import { asMask } from './lib/mask';

export const maskInvert = defineNode({
  type: 'mask.invert',
  title: 'Invert mask',
  category: 'Mask',
  description: 'Returns 1 − mask: holes become known pixels and known pixels holes.',
  version: 1,
  inputs: { mask: { type: 'mask' } },
  outputs: { mask: { type: 'mask' } },
  params: {},
  compute({ inputs }) {
    return { mask: tf.sub(tf.scalar(1, 'float32'), asMask(inputs.mask)) };
  },
});
