/**
 * Exports a model trained with PyTorch to the tfjs LayersModel the nodes load. The tfjs model is
 * built from the architecture in scripts/training/train-common.ts, its weights are set by name from the
 * trained tensors (weights.json, already laid out as tfjs holds them), it is checked against the
 * fixture PyTorch wrote (the same inputs must give the same outputs within 1e-4; weights were
 * rounded to float16 there, as shipped) and written with float16 weights, with the training log
 * and info beside it; a few fixture rows go to test/fixtures/ for the export tests.
 *
 *   npx tsx scripts/training/export-torch.ts --kind cgan --data mnist      # scripts/training/train_cgan.py → public/models/<data>-gan/generator
 *   npx tsx scripts/training/export-torch.ts --kind vae --data mnist       # scripts/training/train_vae.py → public/models/<data>-vae/{encoder,decoder}
 *   npx tsx scripts/training/export-torch.ts --kind inpaint --data mnist   # scripts/training/train_inpaint_gan.py → public/models/<data>-inpaint-gan/generator
 *   [--from tmp/<cgan|vae|inpaint-gan>/<data>]
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ganGenerator, GAN_LATENT, initTraining, inpaintGenerator, parseArgs, saveModel, vaeDecoder, vaeEncoder } from './train-common';
import { modelsRoot } from '../../src/models/nodeIO';

const CLASSES = 10;
const args = parseArgs();
const kind = (args.kind ?? 'cgan') as 'cgan' | 'vae' | 'inpaint';
const data = args.data ?? 'mnist';
const from = args.from ?? path.join('tmp', kind === 'inpaint' ? 'inpaint-gan' : kind, data);

type Exported = Record<string, { shape: number[]; values: number[] }>;

function setWeights(model: tfl.LayersModel, weights: Exported): void {
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    layer.setWeights(
      layer.weights.map((w) => {
        const src = weights[w.originalName];
        if (!src) throw new Error(`export-torch: no trained tensor for ${w.originalName}`);
        if (src.shape.join() !== w.shape.join()) throw new Error(`export-torch: ${w.originalName} is [${src.shape}] in PyTorch, [${w.shape}] in tfjs`);
        return tf.tensor(src.values, src.shape);
      }),
    );
  }
}

/** Largest |difference| between the model's output(s) for `inputs` and PyTorch's. */
async function compare(model: tfl.LayersModel, inputs: number[][], shape: number[], expected: number[][][]): Promise<number> {
  const outs = tf.tidy(() => {
    const o = model.predict(tf.tensor(inputs.flat(), [inputs.length, ...shape]));
    return Array.isArray(o) ? o : [o];
  });
  let worst = 0;
  for (let k = 0; k < outs.length; k++) {
    const got = (await outs[k]!.data()) as Float32Array;
    expected[k]!.flat().forEach((v, i) => (worst = Math.max(worst, Math.abs(v - got[i]!))));
  }
  tf.dispose(outs);
  return worst;
}

function check(what: string, worst: number): void {
  console.log(`${what}: tfjs vs PyTorch on the fixture, max |difference| ${worst.toExponential(2)}`);
  if (!(worst <= 1e-4)) throw new Error(`export-torch: the tfjs ${what} differs from PyTorch by ${worst} (> 1e-4)`);
}

function copyLogs(dir: string): void {
  mkdirSync(dir, { recursive: true });
  copyFileSync(path.join(from, 'train-log.csv'), path.join(dir, 'train-log.csv'));
  copyFileSync(path.join(from, 'train-info.json'), path.join(dir, 'train-info.json'));
}

function writeFixture(name: string, body: Record<string, unknown>): void {
  mkdirSync(path.join('test', 'fixtures'), { recursive: true });
  const source = `${kind === 'cgan' ? 'scripts/training/train_cgan.py' : kind === 'vae' ? 'scripts/training/train_vae.py' : 'scripts/training/train_inpaint_gan.py'} (${data}), exported by scripts/training/export-torch.ts`;
  writeFileSync(path.join('test', 'fixtures', name), JSON.stringify({ source, ...body }));
  console.log(`wrote test/fixtures/${name}`);
}

async function main(): Promise<void> {
  await initTraining();
  const weights = JSON.parse(readFileSync(path.join(from, 'weights.json'), 'utf8')) as Exported;
  const info = JSON.parse(readFileSync(path.join(from, 'train-info.json'), 'utf8')) as { width?: number };
  const fixture = JSON.parse(readFileSync(path.join(from, 'fixture.json'), 'utf8')) as Record<string, number[][]>;
  if (kind === 'cgan') {
    const model = ganGenerator(GAN_LATENT + CLASSES, info.width ?? 16, 2);
    setWeights(model, weights);
    model.setUserDefinedMetadata({ conditional: { latent: GAN_LATENT, classes: CLASSES } });
    check('generator', await compare(model, fixture.inputs!, [GAN_LATENT + CLASSES], [fixture.outputs!]));
    await saveModel(model, `${data}-gan/generator`);
    copyLogs(path.join(modelsRoot(), `${data}-gan`));
    // one sample per class is enough for the test
    writeFixture(`cgan-${data}.json`, { inputs: fixture.inputs!.slice(0, 10), outputs: fixture.outputs!.slice(0, 10) });
  } else if (kind === 'vae') {
    const enc = vaeEncoder();
    const dec = vaeDecoder();
    setWeights(enc, weights);
    setWeights(dec, weights);
    check('decoder', await compare(dec, fixture.latents!, [16], [fixture.decoded!]));
    check('encoder', await compare(enc, fixture.images!, [28, 28, 1], [fixture.mean!, fixture.logVar!]));
    await saveModel(enc, `${data}-vae/encoder`);
    await saveModel(dec, `${data}-vae/decoder`);
    copyLogs(path.join(modelsRoot(), `${data}-vae`));
    writeFixture(`vae-${data}.json`, { latents: fixture.latents!.slice(0, 4), decoded: fixture.decoded!.slice(0, 4), images: fixture.images!.slice(0, 4), mean: fixture.mean!.slice(0, 4), logVar: fixture.logVar!.slice(0, 4) });
  } else {
    const model = inpaintGenerator(info.width ?? 16);
    setWeights(model, weights);
    check('inpainting generator', await compare(model, fixture.inputs!, [28, 28, 2], [fixture.outputs!]));
    await saveModel(model, `${data}-inpaint-gan/generator`);
    copyLogs(path.join(modelsRoot(), `${data}-inpaint-gan`));
    writeFixture(`inpaint-gan-${data}.json`, { inputs: fixture.inputs!.slice(0, 4), outputs: fixture.outputs!.slice(0, 4) });
  }
  console.log(`exported ${from} (${kind})`);
}

main().catch((e) => {
  console.error(String((e as Error)?.stack ?? e).slice(0, 2000));
  process.exit(1);
});
