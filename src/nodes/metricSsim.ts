/** metric.ssim — structural similarity as scikit-image computes it (DESIGN.md §3). */
import * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../engine/defineNode';
import { accurateMean, colourChannels, sameShapeImages } from './lib/metrics';
import { cropBorder, SSIM_WIN, ssimMap, ssimOnHost } from './lib/ssim';

export const metricSsim = defineNode({
  type: 'metric.ssim',
  title: 'SSIM',
  category: 'Metric',
  description:
    'Structural similarity of two images of the same shape, exactly as scikit-image structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1): 11×11 Gaussian window, K1 = 0.01, K2 = 0.03, mean over the map with a 5-pixel border cropped. Colour: the mean of the per-channel values; alpha is ignored. `map` is the full-size SSIM map, averaged over the colour channels, as a 1-channel image (values in [−1, 1], not clipped). Both sides must be at least 11 px.',
  version: 1,
  inputs: { a: { type: 'image' }, b: { type: 'image' } },
  outputs: { ssim: { type: 'number' }, map: { type: 'image' } },
  params: {},
  compute({ inputs }) {
    const [a, b] = sameShapeImages(inputs.a, inputs.b, 'SSIM');
    const [h, w] = a.shape;
    if (h < SSIM_WIN || w < SSIM_WIN) {
      throw new Error(`input "a" is ${h}×${w} px (height×width); SSIM needs at least ${SSIM_WIN} px on a side`);
    }
    const host = ssimOnHost(colourChannels(a), colourChannels(b));
    if (host) return host;
    const s = ssimMap(colourChannels(a), colourChannels(b));
    const ssim = accurateMean(cropBorder(s));
    const map = s.shape[2] === 1 ? s : tf.mean(s, 2, true);
    return { ssim, map };
  },
});
