/** restore.denoise — removes noise from an image: a learned residual CNN or a bilateral filter. */
import type * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../engine/defineNode';
import { asImage, joinAlpha, splitAlpha } from './lib/image';
import { bilateralFilter } from './lib/restore/bilateral';
import { loadDenoiser, runDenoiser } from './lib/restore/dncnn';
import { type NetResource, NO_NET } from './lib/restore/learned';

export const DENOISE_METHODS = ['bilateral', 'dncnn'] as const;

export const restoreDenoise = defineNode({
  type: 'restore.denoise',
  title: 'Denoise',
  category: 'Restore',
  description:
    'Removes noise. dncnn: a DnCNN-style residual network trained here (scripts/training/train-denoiser.ts) for additive Gaussian noise of any σ up to 0.2 (blind: no σ to set); colour channels are denoised one at a time. bilateral: edge-preserving bilateral filter as OpenCV bilateralFilter on float32 (circular window of radius floor(diameter/2), or round(1.5·sigmaSpace) when diameter is 0; range weight from the L1 colour distance; border reflect-101). Alpha is kept as is.',
  version: 1,
  inputs: { image: { type: 'image' } },
  outputs: { image: { type: 'image' } },
  params: {
    method: { kind: 'enum', default: 'bilateral', options: DENOISE_METHODS },
    sigmaColor: { kind: 'float', default: 0.1, min: 0.001, max: 1, step: 0.01, description: 'bilateral: range sigma in image units (0 … 1 values).' },
    sigmaSpace: { kind: 'float', default: 3, min: 0.1, max: 30, step: 0.1, description: 'bilateral: spatial sigma in pixels.' },
    diameter: { kind: 'int', default: 0, min: 0, max: 61, description: 'bilateral: window diameter in pixels; 0 derives it from sigmaSpace.' },
  },
  loadParams: ['method'],
  load: (params, ctx) => (params.method === 'dncnn' ? loadDenoiser(ctx) : Promise.resolve(NO_NET)),
  compute({ inputs, params, resource }) {
    const [rgb, alpha] = splitAlpha(asImage(inputs.image));
    let out: tf.Tensor3D;
    if (params.method === 'dncnn') {
      const model = (resource as NetResource | undefined)?.model;
      if (!model) throw new Error('the dncnn network is not loaded');
      out = runDenoiser(model, rgb);
    } else {
      out = bilateralFilter(rgb, params.sigmaColor, params.sigmaSpace, params.diameter);
    }
    return { image: joinAlpha(out, alpha) };
  },
});
