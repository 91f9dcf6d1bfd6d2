/** vae.decode — images from latents with a VAE decoder (DESIGN.md §3); a batch is tiled. */
import * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../engine/defineNode';
import { SHIPPED_VAE_DECODER, asLatent, latentDim, latentToImage, loadModelResource, modelParams, VAE_MODELS, runModel, tileGrid, type ModelResource } from './lib/modelNode';

export const vaeDecode = defineNode({
  type: 'vae.decode',
  title: 'VAE decode',
  category: 'Latent',
  description:
    'Decodes latents [count, dim] into images with a VAE decoder (mnist / fashion: the VAEs shipped with pixel-loom, latent 16, 28×28 gray; custom: your own). One latent gives one image; several are tiled into a grid (e.g. the strip of latent.interpolate with columns = its steps).',
  version: 1,
  inputs: { latent: { type: 'latent' } },
  outputs: { image: { type: 'image' } },
  params: {
    ...modelParams(VAE_MODELS),
    columns: { kind: 'int', default: 0, min: 0, max: 256, label: 'Columns', description: 'Grid columns for a batch (0 = ⌈√count⌉).' },
    gap: { kind: 'int', default: 2, min: 0, max: 64, label: 'Gap', description: 'Pixels between grid tiles.' },
  },
  loadParams: ['model', 'modelUrl'],
  load: (params, ctx) => loadModelResource(params, SHIPPED_VAE_DECODER, latentToImage, ctx),
  compute({ inputs, params, resource }) {
    const r = resource as ModelResource;
    const z = asLatent(inputs.latent, latentDim(r.model), 'input "latent"');
    const images = tf.clipByValue(runModel(r.model, z)[0]!, 0, 1) as tf.Tensor4D;
    return { image: tileGrid(images, params.columns, params.gap) };
  },
});
