/** restore.denoise — removes noise from an image. */
import { defineNode } from '../engine/defineNode';
import { asImage, joinAlpha, splitAlpha } from './lib/image';
import { bilateralFilter } from './lib/restore/bilateral';

export const restoreDenoise = defineNode({
  type: 'restore.denoise',
  title: 'Denoise',
  category: 'Restore',
  description:
    'Removes noise. bilateral: edge-preserving bilateral filter as OpenCV bilateralFilter on float32 (circular window of radius floor(diameter/2), or round(1.5·sigmaSpace) when diameter is 0; range weight from the L1 colour distance; border reflect-101). Alpha is kept as is.',
  version: 1,
  inputs: { image: { type: 'image' } },
  outputs: { image: { type: 'image' } },
  params: {
    method: { kind: 'enum', default: 'bilateral', options: ['bilateral'] },
    sigmaColor: { kind: 'float', default: 0.1, min: 0.001, max: 1, step: 0.01, description: 'bilateral: range sigma in image units (0 … 1 values).' },
    sigmaSpace: { kind: 'float', default: 3, min: 0.1, max: 30, step: 0.1, description: 'bilateral: spatial sigma in pixels.' },
    diameter: { kind: 'int', default: 0, min: 0, max: 61, description: 'bilateral: window diameter in pixels; 0 derives it from sigmaSpace.' },
  },
  compute({ inputs, params }) {
    const [rgb, alpha] = splitAlpha(asImage(inputs.image));
    return { image: joinAlpha(bilateralFilter(rgb, params.sigmaColor, params.sigmaSpace, params.diameter), alpha) };
  },
});
