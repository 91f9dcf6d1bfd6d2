/**
 * gan.sample — images from a DCGAN generator (DESIGN.md §3). Draws `count` seeded standard
 * normal latents (the same as latent.random with this seed, count and the model's latent
 * size), or uses the wired `latent` batch, and tiles the samples into a grid.
 */
import * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../engine/defineNode';
import { SHIPPED_GAN, asLatent, conditionalInput, conditionalOf, LABEL_STREAM, latentDim, latentToImage, loadModelResource, modelParams, GAN_MODELS, randomLatents, runModel, tileGrid, type ModelResource } from './lib/modelNode';
import { uniformArray } from './lib/random';

/** The class of each of `count` samples: `label`, or for −1 one drawn per sample from the seed. */
export function sampleLabels(count: number, label: number, classes: number, seed: number): Int32Array {
  if (label >= 0) {
    if (label >= classes) throw new Error(`param "label" is ${label}, but this model has classes 0 … ${classes - 1}`);
    return new Int32Array(count).fill(label);
  }
  const u = uniformArray(count, seed, LABEL_STREAM);
  return Int32Array.from(u, (v) => Math.min(classes - 1, Math.floor(v * classes)));
}

export const ganSample = defineNode({
  type: 'gan.sample',
  title: 'GAN sample',
  category: 'Generate',
  description:
    'Generates images with a GAN generator: mnist and fashion are the DCGANs shipped with pixel-loom (latent 64, 28×28 gray, trained here on MNIST and Fashion-MNIST), custom loads your own tfjs LayersModel (latent [null, d] → image [null, h, w, 1|3]). Without a wired latent it draws `count` seeded N(0, 1) latents; with one it renders each latent row. A class-conditional model (its model.json says so) also gets a class per sample: "label", or for −1 one drawn per sample from the seed. Several samples are tiled into a grid.',
  version: 1,
  inputs: { latent: { type: 'latent', optional: true, description: 'Latents [count, dim]; overrides seed and count.' } },
  outputs: { image: { type: 'image' } },
  params: {
    ...modelParams(GAN_MODELS),
    seed: { kind: 'seed', default: 0 },
    count: { kind: 'int', default: 16, min: 1, max: 256, label: 'Count', description: 'Number of samples when no latent is wired.' },
    columns: { kind: 'int', default: 0, min: 0, max: 256, label: 'Columns', description: 'Grid columns (0 = ⌈√count⌉).' },
    gap: { kind: 'int', default: 2, min: 0, max: 64, label: 'Gap', description: 'Pixels between grid tiles.' },
    label: { kind: 'int', default: -1, min: -1, max: 9, label: 'Class', description: 'For a class-conditional model: the class of every sample (mnist: the digit; fashion: 0 T-shirt … 9 ankle boot); −1 draws a class per sample from the seed. Unconditional models ignore it.' },
  },
  loadParams: ['model', 'modelUrl'],
  load: (params, ctx) => loadModelResource(params, SHIPPED_GAN, latentToImage, ctx),
  compute({ inputs, params, resource }) {
    const r = resource as ModelResource;
    const cond = conditionalOf(r.model);
    const dim = cond ? cond.latent : latentDim(r.model);
    const z = inputs.latent !== undefined ? asLatent(inputs.latent, dim, 'input "latent"') : randomLatents(params.count, dim, params.seed);
    let input: tf.Tensor2D = z;
    if (cond) {
      const labels = sampleLabels(z.shape[0], params.label, cond.classes, params.seed);
      input = conditionalInput(z, labels, cond.classes);
    }
    const images = tf.clipByValue(runModel(r.model, input)[0]!, 0, 1) as tf.Tensor4D;
    return { image: tileGrid(images, params.columns, params.gap) };
  },
});
