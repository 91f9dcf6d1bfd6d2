/**
 * Trains the network of `inpaint` method `learned`: a small fully convolutional U-Net that
 * corrects the Telea fill (radius 5) of the holes of a gray image. Its input is the filled patch
 * normalized to zero mean and unit standard deviation, and the mask; its output, times that
 * standard deviation, is added to the fill in the holes (src/nodes/lib/restore/learned.ts,
 * netInput). The last layer starts at zero, so training starts from Telea. Colour images are
 * filled one channel at a time; any size (the node pads to a multiple of 8).
 *
 *   /usr/bin/python3 scripts/restoration/make_restoration_data.py     # training images → tmp/restoration-train
 *   npx tsx scripts/training/train-inpainter.ts [--steps 1200] [--batch 8] [--patch 64] [--seed 1]
 *
 * Data: 64 px patches from the CC0 / public-domain training images (scripts/restoration/make_restoration_data.py,
 * disjoint from the scored test set), with random masks of three kinds: brush strokes (the
 * mask.strokes generator, 1–6 strokes, width 2–10 px), rectangles (4–28 px a side, 1–3 of them)
 * and scattered pixels (5–25 %). Loss: mean squared error of the corrected fill over the hole
 * pixels. Adam 1e-3, ÷10 for
 * the last 20 % of the steps; seeded (PRNG for initialisers, patches and masks; wasm, one thread).
 *
 * Writes public/models/inpaint-net/model.json + weights (float32) and train-log.csv, and the
 * `inpaint-net` entry of public/models/manifest.json.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { drawPolyline } from '../../src/engine/paintMask';
import { fileSaveHandler, modelsRoot } from '../../src/models/nodeIO';
import { randomStrokes } from '../../src/nodes/maskStrokes';
import { LEARNED_BASE_RADIUS } from '../../src/nodes/inpaint';
import { fmmInpaint } from '../../src/nodes/lib/restore/fmm';
import { netInput } from '../../src/nodes/lib/restore/learned';
import { arg, type GrayImage, loadTrainingImages, prng, randomPatch, updateManifest } from '../restoration/restoration-common';
import { initTraining } from './train-common';

/** Encoder widths per level (full, 1/2, 1/4, 1/8 resolution). */
const WIDTHS = [16, 32, 48, 64];

export function inpaintNet(): tfl.LayersModel {
  const x = tfl.input({ shape: [null, null, 2], name: 'fill_and_mask' });
  const conv = (filters: number, strides: number, name: string, activation: 'relu' | 'linear' = 'relu') =>
    tfl.layers.conv2d({ filters, kernelSize: 3, strides, padding: 'same', activation, kernelInitializer: 'heNormal', name });
  const skips: tfl.SymbolicTensor[] = [];
  let h = conv(WIDTHS[0]!, 1, 'enc0').apply(x) as tfl.SymbolicTensor;
  skips.push(h);
  for (let l = 1; l < WIDTHS.length; l++) {
    h = conv(WIDTHS[l]!, 2, `down${l}`).apply(h) as tfl.SymbolicTensor;
    h = conv(WIDTHS[l]!, 1, `enc${l}`).apply(h) as tfl.SymbolicTensor;
    if (l < WIDTHS.length - 1) skips.push(h);
  }
  h = conv(WIDTHS[WIDTHS.length - 1]!, 1, 'bottleneck').apply(h) as tfl.SymbolicTensor;
  for (let l = WIDTHS.length - 2; l >= 0; l--) {
    h = tfl.layers.conv2dTranspose({ filters: WIDTHS[l]!, kernelSize: 2, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal', name: `up${l}` }).apply(h) as tfl.SymbolicTensor;
    h = tfl.layers.concatenate({ name: `skip${l}` }).apply([h, skips[l]!]) as tfl.SymbolicTensor;
    h = conv(WIDTHS[l]!, 1, `dec${l}`).apply(h) as tfl.SymbolicTensor;
  }
  const out = tfl.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', kernelInitializer: 'zeros', name: 'correction' }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: out, name: 'inpaint_net' });
}

/** A random hole mask on a p×p patch (1 = hole), never empty, never full. */
function randomMask(p: number, rand: () => number, out: Float32Array, offset: number): void {
  const bits = new Uint8Array(p * p);
  const kind = rand();
  if (kind < 0.5) {
    const count = 1 + Math.floor(rand() * 6);
    const width = 2 + rand() * 8;
    const length = 10 + rand() * 50;
    for (const pts of randomStrokes(p, p, count, length, Math.floor(rand() * 0xffffffff))) drawPolyline(bits, p, p, pts, width / 2, 1);
  } else if (kind < 0.8) {
    const n = 1 + Math.floor(rand() * 3);
    for (let k = 0; k < n; k++) {
      const sh = 4 + Math.floor(rand() * 25);
      const sw = 4 + Math.floor(rand() * 25);
      const y0 = Math.floor(rand() * (p - sh));
      const x0 = Math.floor(rand() * (p - sw));
      for (let y = y0; y < y0 + sh; y++) bits.fill(1, y * p + x0, y * p + x0 + sw);
    }
  } else {
    const frac = 0.05 + rand() * 0.2;
    for (let i = 0; i < p * p; i++) bits[i] = rand() < frac ? 1 : 0;
  }
  let n = 0;
  for (let i = 0; i < p * p; i++) n += bits[i]!;
  if (n === 0) bits[Math.floor(p / 2) * p + Math.floor(p / 2)] = 1;
  if (n === p * p) bits[0] = 0;
  for (let i = 0; i < p * p; i++) out[offset + i] = bits[i]!;
}

/** Clean patches, their masks and their Telea fills (radius 5, as the node), [n·p·p] each. */
async function makeBatch(images: GrayImage[], weights: number[], n: number, p: number, rand: () => number): Promise<{ fill: Float32Array; clean: Float32Array; mask: Float32Array }> {
  const clean = new Float32Array(n * p * p);
  const mask = new Float32Array(n * p * p);
  const fill = new Float32Array(n * p * p);
  for (let b = 0; b < n; b++) {
    randomPatch(images, weights, p, rand, clean, b * p * p);
    randomMask(p, rand, mask, b * p * p);
    const hole = Uint8Array.from(mask.subarray(b * p * p, (b + 1) * p * p));
    const f = await fmmInpaint({ data: clean.subarray(b * p * p, (b + 1) * p * p), height: p, width: p, channels: 1, hole, radius: LEARNED_BASE_RADIUS }, 'telea');
    fill.set(f, b * p * p);
  }
  return { fill, clean, mask };
}

/**
 * Mean squared error over the hole pixels of fill + scale·net(input) against the clean patch
 * (netInput: the node's normalization).
 */
function holeLoss(net: (x: tf.Tensor4D) => tf.Tensor4D, b: { fill: Float32Array; clean: Float32Array; mask: Float32Array }, n: number, p: number): tf.Scalar {
  const fill = tf.tensor4d(b.fill, [n, p, p, 1]);
  const clean = tf.tensor4d(b.clean, [n, p, p, 1]);
  const mask = tf.tensor4d(b.mask, [n, p, p, 1]);
  const [input, scale] = netInput(fill, mask);
  const pred = tf.add(fill, tf.mul(net(input), scale));
  return tf.div(tf.sum(tf.mul(tf.square(tf.sub(pred, clean)), mask)), tf.add(tf.sum(mask), 1e-6)) as tf.Scalar;
}

async function main(): Promise<void> {
  const steps = arg('steps', 1200);
  const batch = arg('batch', 8);
  const patch = arg('patch', 64);
  const seed = arg('seed', 1);
  const rand = prng(seed);
  Math.random = prng(seed + 1000);
  await initTraining('wasm');
  console.log(`backend ${tf.getBackend()}, steps ${steps}, batch ${batch}, patch ${patch}, seed ${seed}`);
  const images = loadTrainingImages();
  const weights = images.map((im) => Math.sqrt(im.h * im.w));
  const val = await makeBatch(images, weights, 32, 64, prng(seed + 7));

  const model = inpaintNet();
  const params = model.countParams();
  console.log(`parameters ${params}`);
  const lr = 1e-3;
  const optimizer = tf.train.adam(lr);
  const evaluate = (): number => tf.tidy(() => holeLoss((x) => model.predict(x) as tf.Tensor4D, val, 32, 64).dataSync()[0]!);
  const telea = 10 * Math.log10(1 / tf.tidy(() => holeLoss((x) => tf.zeros([x.shape[0], x.shape[1], x.shape[2], 1]) as tf.Tensor4D, val, 32, 64).dataSync()[0]!));
  console.log(`validation hole PSNR of the Telea fill alone: ${telea.toFixed(2)} dB`);
  const outDir = path.join(modelsRoot(), 'inpaint-net');
  mkdirSync(outDir, { recursive: true });
  const log = ['step,seconds,loss,val_hole_psnr'];
  log.push(`0,0,,${telea.toFixed(3)}`);
  const t0 = Date.now();
  let avg = 0;
  for (let step = 1; step <= steps; step++) {
    if (step === Math.floor(steps * 0.8) + 1) (optimizer as unknown as { learningRate: number }).learningRate = lr / 10;
    const b = await makeBatch(images, weights, batch, patch, rand);
    const loss = tf.tidy(() => optimizer.minimize(() => holeLoss((x) => model.apply(x, { training: true }) as tf.Tensor4D, b, batch, patch), true)!.dataSync()[0]!);
    avg = step === 1 ? loss : 0.98 * avg + 0.02 * loss;
    if (step % 50 === 0 || step === steps) {
      const v = 10 * Math.log10(1 / evaluate());
      const secs = (Date.now() - t0) / 1000;
      log.push([step, secs.toFixed(1), avg.toExponential(4), v.toFixed(3)].join(','));
      writeFileSync(path.join(outDir, 'train-log.csv'), log.join('\n') + '\n');
      console.log(`step ${step} ${secs.toFixed(0)} s loss ${avg.toExponential(3)} val hole PSNR ${v.toFixed(2)} dB`);
    }
  }
  const seconds = (Date.now() - t0) / 1000;
  await model.save(fileSaveHandler(outDir, { float16: false }));
  const bytes = readdirSync(outDir)
    .filter((f) => f.endsWith('.bin') || f === 'model.json')
    .reduce((a, f) => a + statSync(path.join(outDir, f)).size, 0);
  updateManifest({
    name: 'inpaint-net',
    kind: 'inpainter',
    dataSet: 'restoration-train',
    licence: 'weights: MIT (pixel-loom, trained here); training images: CC0 / public domain (scikit-image sample data, see scripts/restoration/make_restoration_data.py)',
    architecture: `U-Net correcting a Telea fill (radius 5): input (the filled gray patch normalized to zero mean and unit std, mask), output the correction in std units; encoder ${WIDTHS.join('/')} channels at full, 1/2, 1/4, 1/8 resolution (conv3×3, stride-2 downsampling), 2×2 stride-2 transposed-conv upsampling with skip connections, linear conv3×3 output; any size (padded to a multiple of 8)`,
    parameters: params,
    weightsDtype: 'float32',
    bytes,
    files: { model: { modelJson: 'inpaint-net/model.json', inputShape: [null, null, null, 2], outputShape: [null, null, null, 1] } },
    training: { command: `npx tsx scripts/training/train-inpainter.ts --steps ${steps} --batch ${batch} --patch ${patch} --seed ${seed}`, steps, batch, seed, seconds: Math.round(seconds), backend: 'wasm', lossLog: 'inpaint-net/train-log.csv' },
    evaluation: { valHolePsnr: +(10 * Math.log10(1 / evaluate())).toFixed(3), valHolePsnrTeleaFill: +telea.toFixed(3) },
  });
  console.log(`saved ${outDir} (${bytes} bytes) in ${seconds.toFixed(0)} s`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
