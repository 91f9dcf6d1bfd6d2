/**
 * Trains the DCGAN (latent 64) on MNIST or Fashion-MNIST (train split only).
 *   npx tsx scripts/training/train-gan.ts --data mnist --steps 3000 [--batch 64] [--width 32] [--seed 1]
 *       [--arch 1|2] [--dwidth W] [--ema 0.999] [--ckpt-every N]
 * --arch 2 is the wider generator/discriminator of train-common.ts (ganGenerator);
 * --ema keeps an exponential moving average of every generator weight (trainable and the
 * batch-norm statistics), updated after each step, and ships that average instead of the
 * raw weights; --ckpt-every saves the (averaged) generator every N steps to
 * tmp/ckpt/<name>/step-N/ (the weights after step N are those of a run with --steps N).
 * Writes public/models/<data>-gan/generator/ (float16 weights; the discriminator is not
 * shipped) and public/models/<data>-gan/train-log.csv (step, dLoss, gLoss, dReal, dFake, seconds).
 * Non-saturating GAN loss with one-sided label smoothing (real = 0.9), Adam 2e-4 / β1 0.5,
 * one discriminator step then one generator step per batch.
 */
import * as tf from '@tensorflow/tfjs-core';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { batchOf, batchSampler, CsvLog, GAN_LATENT, ganDiscriminator, ganGenerator, initTraining, loadData, parseArgs, saveModel, seedEverything, type DataSet } from './train-common';
import { fileSaveHandler, modelsRoot } from '../../src/models/nodeIO';

const args = parseArgs();
const data = (args.data ?? 'mnist') as DataSet;
const steps = Number(args.steps ?? 3000);
const batch = Number(args.batch ?? 64);
const width = Number(args.width ?? 32);
/** Discriminator width (defaults to the generator's). */
const dwidth = Number(args.dwidth ?? args.width ?? 32);
const seed = Number(args.seed ?? 1);
const lr = Number(args.lr ?? 2e-4);
const name = args.name ?? `${data}-gan`;
const arch = Number(args.arch ?? 1) as 1 | 2;
const ema = Number(args.ema ?? 0);
const ckptEvery = Number(args['ckpt-every'] ?? 0);
if (arch !== 1 && arch !== 2) throw new Error(`--arch must be 1 or 2, got ${args.arch}`);
if (!(ema >= 0 && ema < 1)) throw new Error(`--ema must be in [0, 1), got ${args.ema}`);

async function main(): Promise<void> {
  await initTraining();
  const rand = seedEverything(seed);
  const train = loadData(data, 'train');
  const next = batchSampler(train.count, batch, rand);
  const G = ganGenerator(GAN_LATENT, width, arch);
  const D = ganDiscriminator(dwidth, arch);
  // The averaged generator: same architecture, weights copied from G, then moved towards G's
  // after every step (all weights, so the batch-norm statistics are averaged too).
  const E = ema > 0 ? ganGenerator(GAN_LATENT, width, arch) : null;
  const gAll = G.weights.map((w) => w.read() as tf.Variable);
  const eAll = E ? E.weights.map((w) => w.read() as tf.Variable) : [];
  eAll.forEach((v, i) => v.assign(gAll[i]!));
  const shipped = E ?? G;
  const saveCheckpoint = async (step: number): Promise<void> => {
    const dir = path.join('tmp', 'ckpt', name, `step-${step}`, 'generator');
    await shipped.save(fileSaveHandler(dir, { float16: true }));
    console.log(`checkpoint ${dir}`);
  };
  const gVars = G.trainableWeights.map((w) => w.read() as tf.Variable);
  const dVars = D.trainableWeights.map((w) => w.read() as tf.Variable);
  const gOpt = tf.train.adam(lr, 0.5);
  const dOpt = tf.train.adam(lr, 0.5);
  const log = args.probe ? null : new CsvLog(path.join(modelsRoot(), name, 'train-log.csv'), ['step', 'dLoss', 'gLoss', 'dReal', 'dFake', 'seconds']);
  const t0 = Date.now();
  let acc = [0, 0, 0, 0];
  let accN = 0;
  for (let step = 1; step <= steps; step++) {
    const idx = next();
    const parts = tf.tidy(() => {
      const { x } = batchOf(train, idx);
      const z1 = tf.randomNormal([batch, GAN_LATENT]);
      const z2 = tf.randomNormal([batch, GAN_LATENT]);
      let dReal: tf.Tensor | null = null;
      let dFake: tf.Tensor | null = null;
      const dLoss = dOpt.minimize(
        () => {
          const fake = G.apply(z1, { training: true }) as tf.Tensor4D;
          const lr_ = D.apply(x, { training: true }) as tf.Tensor2D;
          const lf = D.apply(fake, { training: true }) as tf.Tensor2D;
          dReal = tf.keep(tf.mean(tf.sigmoid(lr_)));
          dFake = tf.keep(tf.mean(tf.sigmoid(lf)));
          return tf.add(tf.losses.sigmoidCrossEntropy(tf.fill([batch, 1], 0.9), lr_), tf.losses.sigmoidCrossEntropy(tf.zeros([batch, 1]), lf)) as tf.Scalar;
        },
        true,
        dVars,
      )!;
      const gLoss = gOpt.minimize(
        () => {
          const lf = D.apply(G.apply(z2, { training: true }) as tf.Tensor4D, { training: true }) as tf.Tensor2D;
          return tf.losses.sigmoidCrossEntropy(tf.ones([batch, 1]), lf) as tf.Scalar;
        },
        true,
        gVars,
      )!;
      const out = tf.stack([dLoss, gLoss, dReal!, dFake!]);
      tf.dispose([dReal!, dFake!]);
      return out;
    });
    if (E) tf.tidy(() => eAll.forEach((v, i) => v.assign(tf.add(tf.mul(v, ema), tf.mul(gAll[i]!, 1 - ema)))));
    const v = await parts.data();
    parts.dispose();
    if (ckptEvery > 0 && step % ckptEvery === 0 && !args.probe) await saveCheckpoint(step);
    acc = acc.map((a, i) => a + v[i]!);
    accN++;
    if (step % 50 === 0 || step === steps || (args.probe && step % 10 === 0)) {
      const sec = (Date.now() - t0) / 1000;
      const m = acc.map((a) => a / accN);
      log?.row([step, ...m, sec]);
      if (step % 200 === 0 || step === steps || args.probe) console.log(`step ${step}/${steps} d ${m[0]!.toFixed(3)} g ${m[1]!.toFixed(3)} D(real) ${m[2]!.toFixed(2)} D(fake) ${m[3]!.toFixed(2)} ${sec.toFixed(0)} s (${(step / sec).toFixed(2)} steps/s) tensors ${tf.memory().numTensors}`);
      acc = [0, 0, 0, 0];
      accN = 0;
    }
  }
  const seconds = (Date.now() - t0) / 1000;
  if (!args.probe) {
    await saveModel(shipped, `${name}/generator`);
    writeFileSync(
      path.join(modelsRoot(), name, 'train-info.json'),
      JSON.stringify({ command: `npx tsx scripts/training/train-gan.ts --data ${data} --steps ${steps} --batch ${batch} --width ${width} --seed ${seed} --lr ${lr} --arch ${arch}${dwidth !== width ? ` --dwidth ${dwidth}` : ''}${ema ? ` --ema ${ema}` : ''}`, steps, batch, width, dwidth, seed, lr, arch, ema, seconds: Math.round(seconds), backend: tf.getBackend(), finished: new Date().toISOString() }, null, 2) + '\n',
    );
  }
  console.log(`done: ${steps} steps in ${seconds.toFixed(0)} s`);
}

main().catch((e) => {
  console.error(String(e?.stack ?? e).slice(0, 2000));
  process.exit(1);
});
