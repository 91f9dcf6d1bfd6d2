/** metric.mse — mean squared error, data range 1 (DESIGN.md §3). */
import { defineNode } from '../engine/defineNode';
import { meanSquaredError, sameShapeImages } from './lib/metrics';

export const metricMse = defineNode({
  type: 'metric.mse',
  title: 'MSE',
  category: 'Metric',
  description:
    'Mean squared error between two images of the same shape, over all pixels and colour channels (alpha is ignored, as in SSIM); scikit-image mean_squared_error.',
  version: 1,
  inputs: { a: { type: 'image' }, b: { type: 'image' } },
  outputs: { mse: { type: 'number' } },
  params: {},
  compute({ inputs }) {
    const [a, b] = sameShapeImages(inputs.a, inputs.b, 'MSE');
    return { mse: meanSquaredError(a, b) };
  },
});
