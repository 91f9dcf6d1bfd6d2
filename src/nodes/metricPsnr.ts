/** metric.psnr — peak signal-to-noise ratio in dB, data range 1 (DESIGN.md §3). */
import * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../engine/defineNode';
import { meanSquaredError, sameShapeImages } from './lib/metrics';

export const metricPsnr = defineNode({
  type: 'metric.psnr',
  title: 'PSNR',
  category: 'Metric',
  description:
    'Peak signal-to-noise ratio 10·log10(1 / MSE) in dB, data range 1, over all pixels and colour channels (alpha is ignored, as in SSIM); scikit-image peak_signal_noise_ratio(data_range=1). Identical images give +Infinity.',
  version: 1,
  inputs: { a: { type: 'image' }, b: { type: 'image' } },
  outputs: { psnr: { type: 'number' } },
  params: {},
  compute({ inputs }) {
    const [a, b] = sameShapeImages(inputs.a, inputs.b, 'PSNR');
    // 10·log10(1/mse) = −(10 / ln 10)·ln(mse). MSE 0 is mapped to +∞ explicitly: WGSL's
    // log(0) is not −∞ (the webgpu backend would give a finite ~382 dB).
    const mse = meanSquaredError(a, b);
    const psnr = tf.where(tf.equal(mse, 0), tf.scalar(Infinity, 'float32'), tf.mul(tf.log(mse), -10 / Math.LN10));
    return { psnr };
  },
});
