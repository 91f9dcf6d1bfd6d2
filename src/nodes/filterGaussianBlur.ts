import * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../engine/defineNode';
import { asImage } from './lib/image';
import { correlateSeparable, opencvGaussianKernel, opencvGaussianKsize } from './lib/conv';

/**
 * Gaussian blur exactly as `cv2.GaussianBlur(img_float32, (0, 0), sigma,
 * borderType=cv2.BORDER_REFLECT_101)`.
 *
 * Kernel size: OpenCV's default for float images, ksize = cvRound(8σ + 1) | 1, so the
 * radius is (ksize − 1)/2. DESIGN.md §3 says radius round(4σ); the two differ for some σ
 * (σ = 1.1: OpenCV radius 5, round(4σ) = 4) and matching OpenCV wins.
 */
export const filterGaussianBlur = defineNode({
  type: 'filter.gaussianBlur',
  title: 'Gaussian blur',
  category: 'Filter',
  description:
    'Blurs every channel (alpha included) with a Gaussian of standard deviation sigma, as OpenCV GaussianBlur on a float image: ' +
    'kernel size cvRound(8·sigma + 1) | 1 (OpenCV\'s default, radius ≈ 4·sigma rounded up to an odd size), border reflect-101. sigma 0 returns the image unchanged.',
  version: 1,
  inputs: { image: { type: 'image' } },
  outputs: { image: { type: 'image' } },
  params: {
    sigma: { kind: 'float', default: 1, min: 0, max: 50, step: 0.1, label: 'Sigma', description: 'Standard deviation in pixels; 0 = identity.' },
  },
  compute({ inputs, params }) {
    const img = asImage(inputs.image);
    if (params.sigma === 0) return { image: tf.clone(img) };
    const k = opencvGaussianKernel(opencvGaussianKsize(params.sigma), params.sigma);
    return { image: correlateSeparable(img, k, k, 'reflect101') };
  },
});
