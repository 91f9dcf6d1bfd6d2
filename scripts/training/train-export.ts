/**
 * Exports weights saved from a running training by scripts/training/train-snapshot.mjs
 * (<snap>/step-<N>/<part>/{artifacts.json,weights.raw}) into public/models/<name>/<part>/
 * (float16, like the training scripts' own save), and writes train-info.json for `--steps N`
 * and a loss log cut at step N.
 *   npx tsx scripts/training/train-export.ts --snap tmp/snap-vae/step-2400 --name mnist-vae --command "npx tsx scripts/training/train-vae.ts --data mnist --steps 2400 ..."
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileSaveHandler, modelsRoot } from '../../src/models/nodeIO';
import { parseArgs } from './train-common';

const args = parseArgs();
const snap = args.snap!;
const name = args.name!;
const steps = Number(path.basename(snap).replace('step-', ''));

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  for (const part of readdirSync(snap).filter((p) => existsSync(path.join(snap, p, 'artifacts.json')))) {
    const a = JSON.parse(readFileSync(path.join(snap, part, 'artifacts.json'), 'utf8')) as tf.io.ModelArtifacts;
    const raw = readFileSync(path.join(snap, part, 'weights.raw'));
    a.weightData = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
    const m = await tfl.loadLayersModel(tf.io.fromMemory(a));
    await m.save(fileSaveHandler(path.join(modelsRoot(), name, part), { float16: true }));
    m.dispose();
    console.log(`${name}/${part}: step ${steps}`);
  }
  const dir = path.join(modelsRoot(), name);
  const log = path.join(dir, 'train-log.csv');
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  const kept = [lines[0]!, ...lines.slice(1).filter((l) => Number(l.split(',')[0]) <= steps)];
  writeFileSync(log, kept.join('\n') + '\n');
  const last = kept.at(-1)!.split(',');
  const seconds = Math.round(Number(last.at(-1)));
  writeFileSync(
    path.join(dir, 'train-info.json'),
    JSON.stringify(
      {
        command: args.command,
        steps,
        batch: Number(args.batch ?? 64),
        seed: Number(args.seed ?? 1),
        seconds,
        backend: 'wasm',
        note: `weights saved at step ${steps} of a longer run (scripts/training/train-snapshot.mjs) on a shared, overloaded 2-core machine; identical to a run with --steps ${steps} (seeds, batch order and learning rate do not depend on the total step count)`,
        finished: new Date().toISOString(),
      },
      null,
      2,
    ) + '\n',
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
