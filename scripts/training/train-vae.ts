/**
 * Trains the convolutional VAE (latent 16) on MNIST or Fashion-MNIST (train split only).
 *   npx tsx scripts/training/train-vae.ts --data mnist --steps 6000 [--batch 64] [--seed 1]
 * Writes public/models/<data>-vae/{encoder,decoder}/ (float16 weights) and
 * public/models/<data>-vae/train-log.csv (step, loss, recon, kl, seconds).
 * Loss per image: binary cross-entropy summed over pixels + KL(q(z|x) ‖ N(0, I)), Adam 1e-3.
 */
import * as tf from '@tensorflow/tfjs-core';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { batchOf, batchSampler, CsvLog, initTraining, loadData, parseArgs, saveModel, seedEverything, vaeDecoder, vaeEncoder, type DataSet } from './train-common';
import { modelsRoot } from '../../src/models/nodeIO';

const args = parseArgs();
const data = (args.data ?? 'mnist') as DataSet;
const steps = Number(args.steps ?? 6000);
const batch = Number(args.batch ?? 64);
const seed = Number(args.seed ?? 1);
const lr = Number(args.lr ?? 1e-3);
const name = args.name ?? `${data}-vae`;

async function main(): Promise<void> {
  await initTraining();
  const rand = seedEverything(seed);
  const train = loadData(data, 'train');
  const next = batchSampler(train.count, batch, rand);
  const enc = vaeEncoder();
  const dec = vaeDecoder();
  const vars = [...enc.trainableWeights, ...dec.trainableWeights].map((w) => w.read() as tf.Variable);
  const opt = tf.train.adam(lr);
  const log = args.probe ? null : new CsvLog(path.join(modelsRoot(), name, 'train-log.csv'), ['step', 'loss', 'recon', 'kl', 'seconds']);
  const t0 = Date.now();
  let acc = [0, 0, 0];
  let accN = 0;
  for (let step = 1; step <= steps; step++) {
    const idx = next();
    const parts = tf.tidy(() => {
      const { x } = batchOf(train, idx);
      const eps = tf.randomNormal([batch, 16]);
      let recon: tf.Tensor | null = null;
      let kl: tf.Tensor | null = null;
      const loss = opt.minimize(
        () => {
          const [m, lv] = enc.apply(x, { training: true }) as tf.Tensor2D[];
          const z = tf.add(m!, tf.mul(tf.exp(tf.mul(lv!, 0.5)), eps));
          const p = tf.clipByValue(dec.apply(z, { training: true }) as tf.Tensor4D, 1e-6, 1 - 1e-6);
          const bce = tf.neg(tf.add(tf.mul(x, tf.log(p)), tf.mul(tf.sub(1, x), tf.log(tf.sub(1, p)))));
          const r = tf.mean(tf.sum(tf.reshape(bce, [batch, -1]), 1));
          const k = tf.mean(tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, lv!), tf.square(m!)), tf.exp(lv!)), 1)));
          recon = tf.keep(r);
          kl = tf.keep(k);
          return tf.add(r, k) as tf.Scalar;
        },
        true,
        vars,
      )!;
      const out = tf.stack([loss, recon!, kl!]);
      tf.dispose([recon!, kl!]);
      return out;
    });
    const v = await parts.data();
    parts.dispose();
    acc = acc.map((a, i) => a + v[i]!);
    accN++;
    if (step % 50 === 0 || step === steps) {
      const sec = (Date.now() - t0) / 1000;
      const [l, r, k] = acc.map((a) => a / accN);
      log?.row([step, l!, r!, k!, sec]);
      if (step % 200 === 0 || step === steps || args.probe) console.log(`step ${step}/${steps} loss ${l!.toFixed(2)} recon ${r!.toFixed(2)} kl ${k!.toFixed(2)} ${sec.toFixed(0)} s (${(step / sec).toFixed(2)} steps/s) tensors ${tf.memory().numTensors}`);
      acc = [0, 0, 0];
      accN = 0;
    }
  }
  const seconds = (Date.now() - t0) / 1000;
  if (!args.probe) {
    await saveModel(enc, `${name}/encoder`);
    await saveModel(dec, `${name}/decoder`);
    writeFileSync(
      path.join(modelsRoot(), name, 'train-info.json'),
      JSON.stringify({ command: `npx tsx scripts/training/train-vae.ts --data ${data} --steps ${steps} --batch ${batch} --seed ${seed} --lr ${lr}`, steps, batch, seed, lr, seconds: Math.round(seconds), backend: tf.getBackend(), finished: new Date().toISOString() }, null, 2) + '\n',
    );
  }
  console.log(`done: ${steps} steps in ${seconds.toFixed(0)} s`);
}

main().catch((e) => {
  console.error(String(e?.stack ?? e).slice(0, 2000));
  process.exit(1);
});
