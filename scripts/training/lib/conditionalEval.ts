/**
 * Per-class recognition figures of a class-conditional generator (issue 13's target), shared
 * by scripts/training/eval-cgan.ts and scripts/training/eval-models.ts: for every class c, the share of `count`
 * samples asked for class c (gan.sample's latents and labels for seed + c) that the shipped
 * classifier — trained separately, never seen by the generator — labels c with confidence
 * ≥ 0.9, against the same share on the real held-out test images of class c; and the
 * unconditional mix (label −1, seed + 99: each sample judged against its drawn class).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { sampleLabels } from '../../../src/nodes/ganSample';
import { conditionalInput, conditionalOf, randomLatents } from '../../../src/nodes/lib/modelNode';
import { loadData, type DataSet } from '../train-common';

export const THRESHOLD = 0.9;

export interface ConditionalFigures {
  count: number;
  seed: number;
  threshold: number;
  perClass: { cls: number; real: number; generated: number; ratio: number }[];
  mix: { real: number; generated: number; ratio: number };
  worstRatio: number;
}

const r4 = (x: number): number => Math.round(x * 10000) / 10000;

/** Samples for `labels` (latents of seed `seed`), clipped to [0, 1]: [n, 28, 28, 1]. */
function generate(gen: tfl.LayersModel, labels: Int32Array, seed: number): tf.Tensor4D {
  const cond = conditionalOf(gen);
  if (!cond) throw new Error('the generator is not class-conditional (no conditional metadata)');
  return tf.tidy(() => {
    return tf.clipByValue(gen.predict(conditionalInput(randomLatents(labels.length, cond.latent, seed), labels, cond.classes)) as tf.Tensor4D, 0, 1);
  });
}

/** Share of a batch the classifier labels as `want[i]` with confidence ≥ THRESHOLD. */
function share(cls: tfl.LayersModel, x: tf.Tensor4D, want: (i: number) => number): number {
  const [labels, conf] = tf.tidy(() => {
    const p = cls.predict(x) as tf.Tensor2D;
    return [tf.argMax(p, 1).dataSync(), tf.max(p, 1).dataSync()];
  });
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === want(i) && conf[i]! >= THRESHOLD) hits++;
  return hits / labels.length;
}

export function evalConditional(gen: tfl.LayersModel, cls: tfl.LayersModel, set: DataSet, count = 500, seed = 1000): ConditionalFigures {
  const test = loadData(set, 'test');
  const perClass: ConditionalFigures['perClass'] = [];
  for (let c = 0; c < 10; c++) {
    const idx: number[] = [];
    for (let i = 0; i < test.count; i++) if (test.labels[i] === c) idx.push(i);
    const px = new Float32Array(idx.length * 784);
    idx.forEach((k, j) => px.set(Array.from(test.images.subarray(k * 784, (k + 1) * 784), (v) => v / 255), j * 784));
    const real = tf.tensor4d(px, [idx.length, 28, 28, 1]);
    const realShare = share(cls, real, () => c);
    real.dispose();
    const g = generate(gen, new Int32Array(count).fill(c), seed + c);
    const genShare = share(cls, g, () => c);
    g.dispose();
    perClass.push({ cls: c, real: r4(realShare), generated: r4(genShare), ratio: r4(genShare / realShare) });
  }
  const drawn = sampleLabels(count, -1, 10, seed + 99);
  const m = generate(gen, drawn, seed + 99);
  const mixShare = share(cls, m, (i) => drawn[i]!);
  m.dispose();
  const realMean = perClass.reduce((a, r) => a + r.real, 0) / 10;
  const mix = { real: r4(realMean), generated: r4(mixShare), ratio: r4(mixShare / realMean) };
  return { count, seed, threshold: THRESHOLD, perClass, mix, worstRatio: Math.min(...perClass.map((r) => r.ratio), mix.ratio) };
}

/** The figures as a markdown table. */
export function conditionalTable(set: string, f: ConditionalFigures): string {
  const lines = [`| ${set}: class | real test images labelled c, conf ≥ 0.9 | generated with label c (${f.count} samples) | generated / real |`, '|---|---|---|---|'];
  for (const r of f.perClass) lines.push(`| ${r.cls} | ${(100 * r.real).toFixed(1)} % | ${(100 * r.generated).toFixed(1)} % | ${r.ratio.toFixed(3)} |`);
  lines.push(`| mix (label −1) | ${(100 * f.mix.real).toFixed(1)} % (mean of the classes) | ${(100 * f.mix.generated).toFixed(1)} % | ${f.mix.ratio.toFixed(3)} |`);
  return lines.join('\n');
}
