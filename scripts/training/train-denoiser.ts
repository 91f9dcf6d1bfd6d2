/**
 * Trains the learned denoiser of `restore.denoise` (method `dncnn`): a DnCNN-style residual CNN
 * (Zhang et al. 2017, without batch normalization) that predicts the noise of a gray image with
 * additive Gaussian noise of any σ in [0, 0.2] (blind), clipped to [0, 1] as `noise.gaussian`
 * does by default. The node subtracts the prediction; colour images are denoised per channel.
 *
 *   /usr/bin/python3 scripts/restoration/make_restoration_data.py     # training images → tmp/restoration-train
 *   npx tsx scripts/training/train-denoiser.ts [--steps 1500] [--batch 16] [--patch 48] [--seed 1]
 *
 * Data: 40 … 64 px patches cut at random (with the 8 flips/rotations) from the CC0 / public-domain
 * photographs and textures listed in scripts/restoration/make_restoration_data.py — disjoint from the scored
 * test set in scripts/restoration/set/. σ is drawn uniformly from [0, 0.2] per patch.
 * Loss: mean squared error of the predicted noise (the residual). Adam, learning rate 1e-3,
 * divided by 10 for the last 20 % of the steps. Deterministic for a seed (seeded PRNG for the
 * initialisers, patches and noise; wasm backend, one thread).
 *
 * Writes public/models/dncnn/model.json + weights (float32) and train-log.csv, and adds or
 * replaces the `dncnn` entry of public/models/manifest.json.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdirSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileSaveHandler, modelsRoot } from '../../src/models/nodeIO';
import { arg, gauss, type GrayImage, loadTrainingImages, prng, randomPatch, updateManifest } from '../restoration/restoration-common';
import { initTraining } from './train-common';

export const DNCNN_LAYERS = 8;
export const DNCNN_WIDTH = 32;

/** The network: conv3×3 + ReLU ×(layers − 1), then a linear conv3×3 to one channel (the noise). */
export function dncnn(layers = DNCNN_LAYERS, width = DNCNN_WIDTH): tfl.LayersModel {
  const x = tfl.input({ shape: [null, null, 1], name: 'noisy' });
  let h: tfl.SymbolicTensor = x;
  for (let i = 0; i < layers - 1; i++) {
    h = tfl.layers.conv2d({ filters: width, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal', name: `conv${i + 1}` }).apply(h) as tfl.SymbolicTensor;
  }
  const noise = tfl.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', kernelInitializer: 'zeros', name: 'noise' }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: noise, name: 'dncnn' });
}

/** A batch of clean patches [n, p, p, 1] and their noisy versions (clipped to [0, 1]) with σ = sigmaOf(i). */
function makeBatch(images: GrayImage[], weights: number[], n: number, p: number, rand: () => number, sigmaOf: (i: number) => number): { clean: Float32Array; noisy: Float32Array } {
  const clean = new Float32Array(n * p * p);
  const noisy = new Float32Array(n * p * p);
  for (let b = 0; b < n; b++) {
    randomPatch(images, weights, p, rand, clean, b * p * p);
    const sigma = sigmaOf(b);
    for (let i = b * p * p; i < (b + 1) * p * p; i++) noisy[i] = Math.min(1, Math.max(0, clean[i]! + sigma * gauss(rand)));
  }
  return { clean, noisy };
}

function psnr(mse: number): number {
  return 10 * Math.log10(1 / mse);
}

async function main(): Promise<void> {
  const steps = arg('steps', 1500);
  const batch = arg('batch', 16);
  const patch = arg('patch', 48);
  const seed = arg('seed', 1);
  const maxSigma = 0.2;
  const rand = prng(seed);
  Math.random = prng(seed + 1000);
  await initTraining('wasm');
  console.log(`backend ${tf.getBackend()}, steps ${steps}, batch ${batch}, patch ${patch}, seed ${seed}`);

  const images = loadTrainingImages();
  const weights = images.map((im) => Math.sqrt(im.h * im.w));
  // Validation: fixed patches at σ 0.05, 0.1, 0.2 from a separate PRNG stream.
  const vRand = prng(seed + 7);
  const valSigmas = [0.05, 0.1, 0.2];
  const val = valSigmas.map((s) => makeBatch(images, weights, 24, 64, vRand, () => s));

  const model = dncnn();
  const params = model.countParams();
  const lr = 1e-3;
  const optimizer = tf.train.adam(lr);
  model.compile({ optimizer, loss: 'meanSquaredError' });
  console.log(`parameters ${params}`);

  const outDir = path.join(modelsRoot(), 'dncnn');
  mkdirSync(outDir, { recursive: true });
  const log: string[] = ['step,seconds,loss,val_psnr_in_005,val_psnr_out_005,val_psnr_in_010,val_psnr_out_010,val_psnr_in_020,val_psnr_out_020'];
  const t0 = Date.now();
  let avg = 0;
  const evaluate = (): number[] => {
    const res: number[] = [];
    for (const v of val) {
      const [mseIn, mseOut] = tf.tidy(() => {
        const clean = tf.tensor4d(v.clean, [24, 64, 64, 1]);
        const noisy = tf.tensor4d(v.noisy, [24, 64, 64, 1]);
        const out = tf.clipByValue(tf.sub(noisy, model.predict(noisy) as tf.Tensor), 0, 1);
        return [tf.mean(tf.square(tf.sub(noisy, clean))).dataSync()[0]!, tf.mean(tf.square(tf.sub(out, clean))).dataSync()[0]!];
      });
      res.push(psnr(mseIn), psnr(mseOut));
    }
    return res;
  };
  for (let step = 1; step <= steps; step++) {
    if (step === Math.floor(steps * 0.8) + 1) (optimizer as unknown as { learningRate: number }).learningRate = lr / 10;
    const { clean, noisy } = makeBatch(images, weights, batch, patch, rand, () => rand() * maxSigma);
    const xs = tf.tensor4d(noisy, [batch, patch, patch, 1]);
    const ys = tf.tidy(() => tf.sub(xs, tf.tensor4d(clean, [batch, patch, patch, 1])));
    const loss = (await model.trainOnBatch(xs, ys)) as number;
    xs.dispose();
    ys.dispose();
    avg = step === 1 ? loss : 0.98 * avg + 0.02 * loss;
    if (step % 50 === 0 || step === steps) {
      const v = evaluate();
      const secs = (Date.now() - t0) / 1000;
      log.push([step, secs.toFixed(1), avg.toExponential(4), ...v.map((x) => x.toFixed(3))].join(','));
      writeFileSync(path.join(outDir, 'train-log.csv'), log.join('\n') + '\n');
      console.log(`step ${step} ${secs.toFixed(0)} s loss ${avg.toExponential(3)} val PSNR noisy→denoised: ${valSigmas.map((s, i) => `σ${s} ${v[2 * i]!.toFixed(2)}→${v[2 * i + 1]!.toFixed(2)}`).join(', ')}`);
    }
  }
  const seconds = (Date.now() - t0) / 1000;
  await model.save(fileSaveHandler(outDir, { float16: false }));
  const bytes = readdirSync(outDir)
    .filter((f) => f.endsWith('.bin') || f === 'model.json')
    .reduce((a, f) => a + statSync(path.join(outDir, f)).size, 0);
  const finalVal = evaluate();
  updateManifest({
    name: 'dncnn',
    kind: 'denoiser',
    dataSet: 'restoration-train',
    licence: 'weights: MIT (pixel-loom, trained here); training images: CC0 / public domain (scikit-image sample data, see scripts/restoration/make_restoration_data.py)',
    architecture: `DnCNN-style residual CNN without batch norm: ${DNCNN_LAYERS} conv3×3 layers (${DNCNN_WIDTH} channels, ReLU), output = predicted noise; gray input of any size; blind σ ∈ [0, ${maxSigma}]`,
    parameters: params,
    weightsDtype: 'float32',
    bytes,
    files: { model: { modelJson: 'dncnn/model.json', inputShape: [null, null, null, 1], outputShape: [null, null, null, 1] } },
    training: { command: `npx tsx scripts/training/train-denoiser.ts --steps ${steps} --batch ${batch} --patch ${patch} --seed ${seed}`, steps, batch, seed, seconds: Math.round(seconds), backend: 'wasm', lossLog: 'dncnn/train-log.csv' },
    evaluation: Object.fromEntries(valSigmas.flatMap((s, i) => [[`valPsnrNoisy_${s}`, +finalVal[2 * i]!.toFixed(3)], [`valPsnrDenoised_${s}`, +finalVal[2 * i + 1]!.toFixed(3)]])),
  });
  console.log(`saved ${outDir} (${bytes} bytes) in ${seconds.toFixed(0)} s`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
