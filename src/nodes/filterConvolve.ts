import * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../engine/defineNode';
import { asImage, joinAlpha, splitAlpha } from './lib/image';
import { correlate2d } from './lib/conv';

/** Below this absolute kernel sum, `normalize` leaves the kernel as is (e.g. edge kernels). */
const SUM_EPS = 1e-8;

/**
 * User kernel, applied as `cv2.filter2D(img, -1, kernel, borderType=cv2.BORDER_REFLECT_101)`:
 * correlation (no flip), anchor at the centre. `normalize` divides the kernel by its sum
 * when the sum is not ~0; `clip` keeps the result in [0, 1].
 */
export const filterConvolve = defineNode({
  type: 'filter.convolve',
  title: 'Convolve',
  category: 'Filter',
  description:
    'Correlates each colour channel with a user kernel (rows of numbers, odd sizes, anchor at the centre), border reflect-101, as OpenCV filter2D. ' +
    '"normalize" divides the kernel by its sum when that sum is not ~0; "clip" keeps the result in [0, 1]. Alpha, when present, is passed through unchanged.',
  version: 1,
  inputs: { image: { type: 'image' } },
  outputs: { image: { type: 'image' } },
  params: {
    kernel: {
      kind: 'kernel',
      default: [
        [0, -1, 0],
        [-1, 5, -1],
        [0, -1, 0],
      ],
      maxSize: 31,
      label: 'Kernel',
      description: 'Rows of weights (odd number of rows and columns, at most 31×31); default: 3×3 sharpen.',
    },
    normalize: { kind: 'bool', default: false, label: 'Normalize', description: 'Divide the kernel by the sum of its entries (skipped when the sum is ~0).' },
    clip: { kind: 'bool', default: true, label: 'Clip', description: 'Clamp the result to [0, 1].' },
  },
  compute({ inputs, params }) {
    const img = asImage(inputs.image);
    let kernel = params.kernel;
    if (params.normalize) {
      let sum = 0;
      for (const row of kernel) for (const v of row) sum += v;
      if (Math.abs(sum) > SUM_EPS) kernel = kernel.map((row) => row.map((v) => v / sum));
    }
    const [colour, alpha] = splitAlpha(img);
    let out = correlate2d(colour, kernel, 'reflect101');
    if (params.clip) out = tf.clipByValue(out, 0, 1);
    return { image: joinAlpha(out, alpha) };
  },
});
