/**
 * vae.encode — the mean and log-variance of a VAE encoder's q(z | x) (DESIGN.md §3). Any
 * input image is converted to the model's size and channels first (gray: BT.601 luma of RGB,
 * alpha dropped; size: bilinear resize); the `input` output shows exactly what the encoder saw.
 */
import * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../engine/defineNode';
import { asImage } from './lib/image';
import { SHIPPED_VAE_ENCODER, imageToMeanLogVar, loadModelResource, modelParams, VAE_MODELS, runModel, type ModelResource } from './lib/modelNode';

const LUMA = [0.299, 0.587, 0.114];

/** Converts an HWC image in [0, 1] to [1, h, w, c] for the model (inside tidy). */
export function toModelInput(img: tf.Tensor3D, h: number, w: number, c: number): tf.Tensor4D {
  let x: tf.Tensor3D = img;
  const ch = img.shape[2];
  if (ch === 4 || (ch === 3 && c === 1)) x = tf.slice(x, [0, 0, 0], [x.shape[0], x.shape[1], 3]);
  if (c === 1 && x.shape[2] === 3) x = tf.sum(tf.mul(x, tf.tensor1d(LUMA, 'float32')), 2, true);
  if (c === 3 && x.shape[2] === 1) x = tf.tile(x, [1, 1, 3]);
  if (x.shape[0] !== h || x.shape[1] !== w) x = tf.clipByValue(tf.image.resizeBilinear(x, [h, w], false, true), 0, 1);
  return tf.expandDims(x, 0) as tf.Tensor4D;
}

export const vaeEncode = defineNode({
  type: 'vae.encode',
  title: 'VAE encode',
  category: 'Latent',
  description:
    'Encodes an image with a VAE encoder into the mean and log-variance of its latent (mnist / fashion: the VAEs shipped with pixel-loom, latent 16, 28×28 gray; custom: your own). The image is first converted to the model’s size and channels (note: colour becomes gray by BT.601 luma, alpha is dropped, other sizes are resized bilinearly; MNIST-style models expect a light shape on a black background) — the "input" output shows the converted image.',
  version: 1,
  inputs: { image: { type: 'image' } },
  outputs: {
    mean: { type: 'latent', description: 'Mean of q(z | x), [1, dim].' },
    logVar: { type: 'latent', description: 'Log-variance of q(z | x), [1, dim].' },
    input: { type: 'image', description: 'The image as the encoder saw it (model size and channels).' },
  },
  params: { ...modelParams(VAE_MODELS) },
  loadParams: ['model', 'modelUrl'],
  load: (params, ctx) => loadModelResource(params, SHIPPED_VAE_ENCODER, imageToMeanLogVar, ctx),
  compute({ inputs, resource }) {
    const r = resource as ModelResource;
    const [, h, w, c] = r.model.inputs[0]!.shape as number[];
    const x = toModelInput(asImage(inputs.image), h!, w!, c!);
    const [mean, logVar] = runModel(r.model, x);
    return { mean: mean!, logVar: logVar!, input: tf.squeeze(x, [0]) };
  },
});
