/**
 * Trains the small evaluation classifier (used only to judge generated images).
 *   npx tsx scripts/training/train-classifier.ts --data mnist --steps 1500 [--batch 64] [--seed 1]
 * Writes public/models/<data>-classifier/ (float16 weights) and its train-log.csv
 * (step, loss, accuracy, seconds); prints the held-out test accuracy at the end.
 */
import * as tf from '@tensorflow/tfjs-core';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { batchOf, batchSampler, classifier, CsvLog, initTraining, loadData, parseArgs, saveModel, seedEverything, type DataSet } from './train-common';
import { modelsRoot } from '../../src/models/nodeIO';

const args = parseArgs();
const data = (args.data ?? 'mnist') as DataSet;
const steps = Number(args.steps ?? 1500);
const batch = Number(args.batch ?? 64);
const seed = Number(args.seed ?? 1);
const lr = Number(args.lr ?? 1e-3);
const name = args.name ?? `${data}-classifier`;

async function main(): Promise<void> {
  await initTraining();
  const rand = seedEverything(seed);
  const train = loadData(data, 'train');
  const next = batchSampler(train.count, batch, rand);
  const model = classifier();
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const opt = tf.train.adam(lr);
  const log = args.probe ? null : new CsvLog(path.join(modelsRoot(), name, 'train-log.csv'), ['step', 'loss', 'accuracy', 'seconds']);
  const t0 = Date.now();
  let acc = [0, 0];
  let accN = 0;
  for (let step = 1; step <= steps; step++) {
    const idx = next();
    const parts = tf.tidy(() => {
      const { x, y } = batchOf(train, idx);
      let hit: tf.Tensor | null = null;
      const loss = opt.minimize(
        () => {
          const p = model.apply(x, { training: true }) as tf.Tensor2D;
          hit = tf.keep(tf.mean(tf.cast(tf.equal(tf.argMax(p, 1), tf.argMax(y, 1)), 'float32')));
          return tf.mean(tf.neg(tf.sum(tf.mul(y, tf.log(tf.clipByValue(p, 1e-7, 1))), 1))) as tf.Scalar;
        },
        true,
        vars,
      )!;
      const out = tf.stack([loss, hit!]);
      tf.dispose(hit!);
      return out;
    });
    const v = await parts.data();
    parts.dispose();
    acc = acc.map((a, i) => a + v[i]!);
    accN++;
    if (step % 50 === 0 || step === steps) {
      const sec = (Date.now() - t0) / 1000;
      const m = acc.map((a) => a / accN);
      log?.row([step, m[0]!, m[1]!, sec]);
      if (step % 250 === 0 || step === steps || args.probe) console.log(`step ${step}/${steps} loss ${m[0]!.toFixed(4)} acc ${m[1]!.toFixed(4)} ${sec.toFixed(0)} s (${(step / sec).toFixed(2)} steps/s)`);
      acc = [0, 0];
      accN = 0;
    }
  }
  const seconds = (Date.now() - t0) / 1000;
  // Held-out accuracy.
  const test = loadData(data, 'test');
  let correct = 0;
  for (let i = 0; i < test.count; i += 500) {
    const idx = Array.from({ length: Math.min(500, test.count - i) }, (_, k) => i + k);
    const pred = tf.tidy(() => tf.argMax(model.predict(batchOf(test, idx).x) as tf.Tensor2D, 1));
    const p = await pred.data();
    pred.dispose();
    idx.forEach((k, j) => (correct += p[j] === test.labels[k] ? 1 : 0));
  }
  const testAccuracy = correct / test.count;
  console.log(`test accuracy ${(100 * testAccuracy).toFixed(2)}%`);
  if (!args.probe) {
    await saveModel(model, name);
    writeFileSync(
      path.join(modelsRoot(), name, 'train-info.json'),
      JSON.stringify({ command: `npx tsx scripts/training/train-classifier.ts --data ${data} --steps ${steps} --batch ${batch} --seed ${seed} --lr ${lr}`, steps, batch, seed, lr, seconds: Math.round(seconds), backend: tf.getBackend(), testAccuracy, finished: new Date().toISOString() }, null, 2) + '\n',
    );
  }
  console.log(`done: ${steps} steps in ${seconds.toFixed(0)} s`);
}

main().catch((e) => {
  console.error(String(e?.stack ?? e).slice(0, 2000));
  process.exit(1);
});
