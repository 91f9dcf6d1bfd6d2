/**
 * Exports a class-conditional generator trained by scripts/train_cgan.py (PyTorch) to the tfjs
 * LayersModel gan.sample loads: builds ganGenerator(64 + 10, width, arch 2) of train-common.ts,
 * sets the trained weights by name, marks the model conditional (userDefinedMetadata
 * `{ conditional: { latent: 64, classes: 10 } }`), checks it against the fixture PyTorch wrote
 * (the same inputs must give the same outputs within 1e-4) and writes it with float16 weights
 * to public/models/<data>-gan/generator/, its log and info beside it, and the fixture to
 * test/fixtures/cgan-<data>.json for the export test.
 *
 *   npx tsx scripts/export-cgan.ts --data mnist [--from tmp/cgan/mnist]
 */
import * as tf from '@tensorflow/tfjs-core';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ganGenerator, GAN_LATENT, initTraining, parseArgs, saveModel } from './train-common';
import { modelsRoot } from '../src/models/nodeIO';

const CLASSES = 10;
const args = parseArgs();
const data = args.data ?? 'mnist';
const from = args.from ?? path.join('tmp', 'cgan', data);

interface Exported {
  [name: string]: { shape: number[]; values: number[] };
}

async function main(): Promise<void> {
  await initTraining();
  const weights = JSON.parse(readFileSync(path.join(from, 'weights.json'), 'utf8')) as Exported;
  const info = JSON.parse(readFileSync(path.join(from, 'train-info.json'), 'utf8')) as { width: number };
  const model = ganGenerator(GAN_LATENT + CLASSES, info.width, 2);
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    layer.setWeights(
      layer.weights.map((w) => {
        const src = weights[w.originalName];
        if (!src) throw new Error(`export-cgan: no trained tensor for ${w.originalName}`);
        if (src.shape.join() !== w.shape.join()) throw new Error(`export-cgan: ${w.originalName} is [${src.shape}] in PyTorch, [${w.shape}] in tfjs`);
        return tf.tensor(src.values, src.shape);
      }),
    );
  }
  model.setUserDefinedMetadata({ conditional: { latent: GAN_LATENT, classes: CLASSES } });
  const fixture = JSON.parse(readFileSync(path.join(from, 'fixture.json'), 'utf8')) as { inputs: number[][]; outputs: number[][] };
  const out = tf.tidy(() => model.predict(tf.tensor2d(fixture.inputs)) as tf.Tensor);
  const got = (await out.data()) as Float32Array;
  out.dispose();
  let worst = 0;
  fixture.outputs.flat().forEach((v, i) => (worst = Math.max(worst, Math.abs(v - got[i]!))));
  console.log(`tfjs vs PyTorch on the fixture: max |difference| ${worst.toExponential(2)}`);
  if (!(worst <= 1e-4)) throw new Error(`export-cgan: the tfjs model differs from PyTorch by ${worst} (> 1e-4)`);
  await saveModel(model, `${data}-gan/generator`);
  const dir = path.join(modelsRoot(), `${data}-gan`);
  copyFileSync(path.join(from, 'train-log.csv'), path.join(dir, 'train-log.csv'));
  copyFileSync(path.join(from, 'train-info.json'), path.join(dir, 'train-info.json'));
  mkdirSync(path.join('test', 'fixtures'), { recursive: true });
  // one sample per class is enough for the test
  writeFileSync(path.join('test', 'fixtures', `cgan-${data}.json`), JSON.stringify({ source: `scripts/train_cgan.py (${data}), exported by scripts/export-cgan.ts`, inputs: fixture.inputs.slice(0, 10), outputs: fixture.outputs.slice(0, 10) }));
  console.log(`wrote ${path.join(dir, 'generator')} and test/fixtures/cgan-${data}.json`);
}

main().catch((e) => {
  console.error(String((e as Error)?.stack ?? e).slice(0, 2000));
  process.exit(1);
});
