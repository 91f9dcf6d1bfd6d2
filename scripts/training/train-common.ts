/**
 * Shared pieces of the training scripts: seeding, data batches from tmp/data (written by
 * scripts/data/prepare.ts), the architectures, CSV loss logs and saving to public/models.
 *
 * Reproducibility: Math.random is replaced by a seeded PRNG before any model is built, so
 * tfjs initialisers (which seed themselves from Math.random) and batch order are fixed;
 * training stops after a fixed number of steps; the wasm backend runs single-threaded.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { appendFileSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { activateNodeBackend } from '../../src/cli/tfNode';
import { registerWasmTrainingKernels } from '../../src/models/wasmTrainingKernels';
import { fileSaveHandler, modelsRoot } from '../../src/models/nodeIO';
import { mulberry32 } from '../lib/random';

export type DataSet = 'mnist' | 'fashion';


export function seedEverything(seed: number): () => number {
  const r = mulberry32(seed);
  Math.random = r;
  return r;
}

export async function initTraining(backend = process.env.PL_BACKEND ?? 'wasm'): Promise<void> {
  if (!(await activateNodeBackend(backend as 'wasm' | 'cpu'))) throw new Error(`cannot start the ${backend} backend`);
  registerWasmTrainingKernels();
  console.log(`backend ${tf.getBackend()}`);
}

export interface Data {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export function loadData(set: DataSet, split: 'train' | 'test', dir = 'tmp/data'): Data {
  const base = path.join(dir, `${set}-${split}`);
  let images: Uint8Array;
  let labels: Uint8Array;
  try {
    images = new Uint8Array(readFileSync(`${base}-images.u8`));
    labels = new Uint8Array(readFileSync(`${base}-labels.u8`));
  } catch {
    throw new Error(`cannot read ${base}-images.u8: run \`npx tsx scripts/data/prepare.ts\` first`);
  }
  return { images, labels, count: labels.length };
}

/** A batch of images [n, 28, 28, 1] in [0, 1] (and one-hot labels) from the given indices. */
export function batchOf(d: Data, idx: ArrayLike<number>): { x: tf.Tensor4D; y: tf.Tensor2D; labels: number[] } {
  const n = idx.length;
  const xs = new Float32Array(n * 784);
  const ys = new Float32Array(n * 10);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = idx[i]!;
    const off = k * 784;
    for (let j = 0; j < 784; j++) xs[i * 784 + j] = d.images[off + j]! / 255;
    ys[i * 10 + d.labels[k]!] = 1;
    labels.push(d.labels[k]!);
  }
  return { x: tf.tensor4d(xs, [n, 28, 28, 1]), y: tf.tensor2d(ys, [n, 10]), labels };
}

/** An endless shuffled index stream (epoch-wise Fisher–Yates with the given PRNG). */
export function batchSampler(count: number, batch: number, rand: () => number): () => Int32Array {
  let perm = new Int32Array(count);
  let pos = count;
  return () => {
    const out = new Int32Array(batch);
    for (let i = 0; i < batch; i++) {
      if (pos >= count) {
        perm = new Int32Array(count);
        for (let j = 0; j < count; j++) perm[j] = j;
        for (let j = count - 1; j > 0; j--) {
          const r = Math.floor(rand() * (j + 1));
          const t = perm[j]!;
          perm[j] = perm[r]!;
          perm[r] = t;
        }
        pos = 0;
      }
      out[i] = perm[pos++]!;
    }
    return out;
  };
}

export class CsvLog {
  constructor(
    readonly file: string,
    header: string[],
  ) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, header.join(',') + '\n');
  }
  row(values: (number | string)[]): void {
    appendFileSync(this.file, values.map((v) => (typeof v === 'number' ? +v.toPrecision(6) : v)).join(',') + '\n');
  }
}

export async function saveModel(model: tfl.LayersModel, dir: string): Promise<void> {
  await model.save(fileSaveHandler(path.join(modelsRoot(), dir), { float16: true }));
}

export function parseArgs(argv = process.argv.slice(2)): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2);
      if (v !== undefined) out[k!] = v;
      else out[k!] = argv[++i] ?? '';
    }
  }
  return out;
}

// ---------------------------------------------------------------- architectures

export const VAE_LATENT = 16;

/** Encoder: [28,28,1] → mean [16], logVar [16]. */
export function vaeEncoder(latent = VAE_LATENT): tfl.LayersModel {
  const x = tfl.input({ shape: [28, 28, 1], name: 'image' });
  let h = tfl.layers.conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'enc_conv1' }).apply(x) as tfl.SymbolicTensor;
  h = tfl.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'enc_conv2' }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.flatten({ name: 'enc_flatten' }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.dense({ units: 128, activation: 'relu', name: 'enc_dense' }).apply(h) as tfl.SymbolicTensor;
  const mean = tfl.layers.dense({ units: latent, name: 'mean' }).apply(h) as tfl.SymbolicTensor;
  const logVar = tfl.layers.dense({ units: latent, name: 'logVar', kernelInitializer: 'zeros' }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: [mean, logVar], name: 'vae_encoder' });
}

/** Decoder: [16] → [28,28,1] in [0,1]. */
export function vaeDecoder(latent = VAE_LATENT): tfl.LayersModel {
  const z = tfl.input({ shape: [latent], name: 'latent' });
  let h = tfl.layers.dense({ units: 7 * 7 * 64, activation: 'relu', name: 'dec_dense' }).apply(z) as tfl.SymbolicTensor;
  h = tfl.layers.reshape({ targetShape: [7, 7, 64], name: 'dec_reshape' }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.conv2dTranspose({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'dec_deconv1' }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.conv2dTranspose({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'dec_deconv2' }).apply(h) as tfl.SymbolicTensor;
  const out = tfl.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', activation: 'sigmoid', name: 'image' }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: z, outputs: out, name: 'vae_decoder' });
}

/** Classifier (evaluation only): [28,28,1] → softmax [10]. */
export function classifier(): tfl.LayersModel {
  const x = tfl.input({ shape: [28, 28, 1], name: 'image' });
  let h = tfl.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', name: 'cls_conv1' }).apply(x) as tfl.SymbolicTensor;
  h = tfl.layers.maxPooling2d({ poolSize: 2, name: 'cls_pool1' }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', name: 'cls_conv2' }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.maxPooling2d({ poolSize: 2, name: 'cls_pool2' }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.flatten({ name: 'cls_flatten' }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.dense({ units: 128, activation: 'relu', name: 'cls_dense' }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.dropout({ rate: 0.3, name: 'cls_dropout' }).apply(h) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 10, activation: 'softmax', name: 'probs' }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: out, name: 'classifier' });
}

export const GAN_LATENT = 64;

/**
 * DCGAN generator: [64] → [28,28,1] in [0,1] (sigmoid). Upsampling is nearest-neighbour ×2
 * followed by a 3×3 conv ("resize-convolution": no checkerboard, and far cheaper to train on
 * wasm than conv2dTranspose).
 * - arch 1: dense 7·7·2w → BN/ReLU → up×2 → conv3×3(w) → BN/ReLU → up×2 → conv3×3(1, sigmoid);
 * - arch 2 (the shipped MNIST one): wider, with a conv block at every resolution — dense 7·7·4w
 *   → BN/ReLU → up×2 → conv3×3(2w) → BN/ReLU → up×2 → conv3×3(w) → BN/ReLU → conv3×3(1, sigmoid).
 *   Arch 1 draws the 28×28 image with a single 3×3 conv straight from upsampled 14×14
 *   features, too little to draw clean strokes.
 * Layers are created in the same order for both, so arch 1 initialises exactly as before.
 */
export function ganGenerator(latent = GAN_LATENT, width = 32, arch: 1 | 2 = 1): tfl.LayersModel {
  const k = arch === 2 ? 2 : 1;
  const z = tfl.input({ shape: [latent], name: 'latent' });
  let h = tfl.layers.dense({ units: 7 * 7 * 2 * k * width, useBias: false, name: 'g_dense' }).apply(z) as tfl.SymbolicTensor;
  h = tfl.layers.batchNormalization({ name: 'g_bn0' }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.reLU({ name: 'g_relu0' }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.reshape({ targetShape: [7, 7, 2 * k * width], name: 'g_reshape' }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.upSampling2d({ size: [2, 2], name: 'g_up1' }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.conv2d({ filters: k * width, kernelSize: 3, padding: 'same', useBias: false, name: 'g_conv1' }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.batchNormalization({ name: 'g_bn1' }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.reLU({ name: 'g_relu1' }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.upSampling2d({ size: [2, 2], name: 'g_up2' }).apply(h) as tfl.SymbolicTensor;
  if (arch === 2) {
    h = tfl.layers.conv2d({ filters: width, kernelSize: 3, padding: 'same', useBias: false, name: 'g_conv2' }).apply(h) as tfl.SymbolicTensor;
    h = tfl.layers.batchNormalization({ name: 'g_bn2' }).apply(h) as tfl.SymbolicTensor;
    h = tfl.layers.reLU({ name: 'g_relu2' }).apply(h) as tfl.SymbolicTensor;
  }
  const out = tfl.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', activation: 'sigmoid', name: 'image' }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: z, outputs: out, name: 'gan_generator' });
}

/**
 * DCGAN discriminator: [28,28,1] → logit [1]: conv4×4/2(w) → conv4×4/2(2w) → (arch 2 only:
 * conv3×3(4w)) → dense logit, LeakyReLU 0.2 after each conv.
 */
export function ganDiscriminator(width = 32, arch: 1 | 2 = 1): tfl.LayersModel {
  const x = tfl.input({ shape: [28, 28, 1], name: 'image' });
  let h = tfl.layers.conv2d({ filters: width, kernelSize: 4, strides: 2, padding: 'same', name: 'd_conv1' }).apply(x) as tfl.SymbolicTensor;
  h = tfl.layers.leakyReLU({ alpha: 0.2, name: 'd_lrelu1' }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.conv2d({ filters: 2 * width, kernelSize: 4, strides: 2, padding: 'same', name: 'd_conv2' }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.leakyReLU({ alpha: 0.2, name: 'd_lrelu2' }).apply(h) as tfl.SymbolicTensor;
  if (arch === 2) {
    h = tfl.layers.conv2d({ filters: 4 * width, kernelSize: 3, strides: 1, padding: 'same', name: 'd_conv3' }).apply(h) as tfl.SymbolicTensor;
    h = tfl.layers.leakyReLU({ alpha: 0.2, name: 'd_lrelu3' }).apply(h) as tfl.SymbolicTensor;
  }
  h = tfl.layers.flatten({ name: 'd_flatten' }).apply(h) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 1, name: 'logit' }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: out, name: 'gan_discriminator' });
}

/**
 * The inpainting generator of `inpaint` method "gan" (scripts/training/train_inpaint_gan.py trains it
 * with PyTorch, layer for layer): [28, 28, 2] (digit with the hole set to 0, mask) → [28, 28, 1]
 * in [0, 1]; e0 conv3×3(w) → d1 conv4×4/2(2w) → d2 conv4×4/2(4w) → b1, b2 conv3×3(4w) → up×2 →
 * u1 conv3×3(2w) → concat d1 → u1b conv3×3(2w) → up×2 → u2 conv3×3(w) → concat e0 → u2b
 * conv3×3(w) → fill conv3×3(1, sigmoid), ReLU elsewhere.
 */
export function inpaintGenerator(width = 16): tfl.LayersModel {
  const x = tfl.input({ shape: [28, 28, 2], name: 'damaged_and_mask' });
  const conv = (filters: number, name: string, kernelSize = 3, strides = 1, activation: 'relu' | 'sigmoid' = 'relu') =>
    tfl.layers.conv2d({ filters, kernelSize, strides, padding: 'same', activation, name });
  const up = (name: string) => tfl.layers.upSampling2d({ size: [2, 2], name });
  const cat = (name: string) => tfl.layers.concatenate({ name });
  const e0 = conv(width, 'e0').apply(x) as tfl.SymbolicTensor;
  const d1 = conv(2 * width, 'd1', 4, 2).apply(e0) as tfl.SymbolicTensor;
  let h = conv(4 * width, 'd2', 4, 2).apply(d1) as tfl.SymbolicTensor;
  h = conv(4 * width, 'b1').apply(h) as tfl.SymbolicTensor;
  h = conv(4 * width, 'b2').apply(h) as tfl.SymbolicTensor;
  h = conv(2 * width, 'u1').apply(up('up1').apply(h)) as tfl.SymbolicTensor;
  h = conv(2 * width, 'u1b').apply(cat('skip1').apply([h, d1])) as tfl.SymbolicTensor;
  h = conv(width, 'u2').apply(up('up2').apply(h)) as tfl.SymbolicTensor;
  h = conv(width, 'u2b').apply(cat('skip0').apply([h, e0])) as tfl.SymbolicTensor;
  const out = conv(1, 'fill', 3, 1, 'sigmoid').apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: out, name: 'inpaint_generator' });
}
