import * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../engine/defineNode';
import { asImage } from './lib/image';
import { correlateSeparable } from './lib/conv';

/** Normalized box filter: `cv2.blur(img, (size, size), borderType=cv2.BORDER_REFLECT_101)`. */
export const filterBoxBlur = defineNode({
  type: 'filter.boxBlur',
  title: 'Box blur',
  category: 'Filter',
  description: 'Mean over a size×size square around each pixel, every channel (alpha included), border reflect-101 (as OpenCV blur).',
  version: 1,
  inputs: { image: { type: 'image' } },
  outputs: { image: { type: 'image' } },
  params: {
    size: { kind: 'int', default: 3, min: 1, max: 255, odd: true, step: 2, label: 'Size', description: 'Side of the square window in pixels (odd); 1 = identity.' },
  },
  compute({ inputs, params }) {
    const img = asImage(inputs.image);
    if (params.size === 1) return { image: tf.clone(img) };
    const k = new Float64Array(params.size).fill(1 / params.size);
    return { image: correlateSeparable(img, k, k, 'reflect101') };
  },
});
