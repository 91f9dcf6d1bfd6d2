/**
 * The restoration table of issue 13: every `inpaint` method on held-out MNIST test digits with
 * two kinds of damage, judged in the hole and by recognition. Shared by scripts/training/eval-inpaint.ts
 * (prints it) and scripts/training/eval-models.ts (stores it in the manifest's mnist-inpaint-gan entry).
 *
 * - digits: the first `count` images of the MNIST test split (never seen in training);
 * - masks: "square" = one 10×10 hole whose top-left corner is uniform in [4, 14]² (seeded), so
 *   it lies on the digit's box; "strokes" = mask.strokes with count 3, length 20, width 3 and
 *   seed = the digit's index;
 * - each method runs through the inpaint node itself (`inpaint.computeAsync`, shipped weights);
 * - PSNR in the hole: 10·log10(1 / MSE over the hole pixels), averaged over the digits;
 *   SSIM in the hole: the SSIM map of DESIGN.md §3 (scikit-image's Gaussian σ 1.5) between the
 *   restored and the original digit, averaged over the hole pixels, then over the digits;
 * - recognition rate: the share of restored digits the shipped MNIST classifier labels with
 *   their true class with confidence ≥ 0.9 (the classify node's `rate`), next to the same
 *   share for the undamaged digits and for the damaged ones (holes black).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Host } from '../../../src/engine/types';
import { drawPolyline } from '../../../src/engine/paintMask';
import { inpaint, INPAINT_METHODS } from '../../../src/nodes/inpaint';
import { randomStrokes } from '../../../src/nodes/maskStrokes';
import { ssimMap } from '../../../src/nodes/lib/ssim';
import { loadData } from '../train-common';
import { mulberry32 } from '../../lib/random';

export const MASK_KINDS = ['square', 'strokes'] as const;
export type MaskKind = (typeof MASK_KINDS)[number];
export const THRESHOLD = 0.9;

export interface MethodFigures {
  holePsnr: number;
  holeSsim: number;
  recognition: number;
}

export interface InpaintFigures {
  digits: number;
  threshold: number;
  /** Recognition rate of the undamaged digits. */
  original: number;
  /** Per mask kind: the damaged digits' recognition rate and every method's figures. */
  masks: Record<MaskKind, { damaged: number; holeShare: number; methods: Record<string, MethodFigures> }>;
}

const r4 = (x: number): number => Math.round(x * 10000) / 10000;

/** The hole bits (1 = hole) of digit `i` for a mask kind. */
export function evalMask(kind: MaskKind, i: number, rand: () => number): Uint8Array {
  const bits = new Uint8Array(28 * 28);
  if (kind === 'square') {
    const y0 = 4 + Math.floor(rand() * 11);
    const x0 = 4 + Math.floor(rand() * 11);
    for (let y = y0; y < y0 + 10; y++) bits.fill(1, y * 28 + x0, y * 28 + x0 + 10);
  } else {
    for (const pts of randomStrokes(28, 28, 3, 20, i)) drawPolyline(bits, 28, 28, pts, 1.5, 1);
    if (!bits.includes(1)) bits[14 * 28 + 14] = 1;
  }
  return bits;
}

/** Share of images [n, 28, 28, 1] the classifier labels as their true class with confidence ≥ 0.9. */
function recognised(cls: tfl.LayersModel, images: Float32Array[], labels: ArrayLike<number>): number {
  const [lab, conf] = tf.tidy(() => {
    const x = tf.tensor4d(concat(images), [images.length, 28, 28, 1]);
    const p = cls.predict(x) as tf.Tensor2D;
    return [tf.argMax(p, 1).dataSync(), tf.max(p, 1).dataSync()];
  });
  let hits = 0;
  for (let i = 0; i < images.length; i++) if (lab[i] === labels[i] && conf[i]! >= THRESHOLD) hits++;
  return hits / images.length;
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.length * 784);
  parts.forEach((p, i) => out.set(p, i * 784));
  return out;
}

/** PSNR and SSIM of `restored` against `original` over the hole pixels only. */
function holeScores(original: Float32Array, restored: Float32Array, hole: Uint8Array): [number, number] {
  let se = 0;
  let n = 0;
  for (let i = 0; i < 784; i++) {
    if (!hole[i]) continue;
    se += (restored[i]! - original[i]!) ** 2;
    n++;
  }
  const psnr = 10 * Math.log10(1 / Math.max(se / n, 1e-10));
  const map = tf.tidy(() => ssimMap(tf.tensor3d(original, [28, 28, 1]), tf.tensor3d(restored, [28, 28, 1])).dataSync());
  let s = 0;
  for (let i = 0; i < 784; i++) if (hole[i]) s += map[i]!;
  return [psnr, s / n];
}

export async function evalInpaint(cls: tfl.LayersModel, host: Host, count = 500, methods: readonly string[] = INPAINT_METHODS, onProgress?: (msg: string) => void): Promise<InpaintFigures> {
  const test = loadData('mnist', 'test');
  const digits = Array.from({ length: count }, (_, i) => Float32Array.from(test.images.subarray(i * 784, (i + 1) * 784), (v) => v / 255));
  const labels = Array.from(test.labels.subarray(0, count));
  const figures: InpaintFigures = { digits: count, threshold: THRESHOLD, original: r4(recognised(cls, digits, labels)), masks: {} as InpaintFigures['masks'] };
  for (const kind of MASK_KINDS) {
    const rand = mulberry32(13);
    const holes = digits.map((_, i) => evalMask(kind, i, rand));
    const damaged = digits.map((d, i) => d.map((v, k) => (holes[i]![k] ? 0 : v)));
    const holeShare = holes.reduce((a, h) => a + h.reduce((s, b) => s + b, 0), 0) / (count * 784);
    const entry: InpaintFigures['masks'][MaskKind] = { damaged: r4(recognised(cls, damaged, labels)), holeShare: r4(holeShare), methods: {} };
    for (const method of methods) {
      const params = { method, radius: 5, model: 'mnist' };
      const resource = await inpaint.load!(params as never, { host, nodeId: 'eval' });
      const restored: Float32Array[] = [];
      let psnr = 0;
      let ssim = 0;
      try {
        for (let i = 0; i < count; i++) {
          const image = tf.tensor3d(damaged[i]!, [28, 28, 1]);
          const mask = tf.tensor3d(Float32Array.from(holes[i]!), [28, 28, 1]);
          const out = await inpaint.computeAsync!({ nodeId: 'eval', inputs: { image, mask }, params: params as never, resource, backend: tf.getBackend(), signal: new AbortController().signal });
          const img = out.image as tf.Tensor;
          const data = (await img.data()) as Float32Array;
          tf.dispose([image, mask, img]);
          restored.push(data);
          const [p, s] = holeScores(digits[i]!, data, holes[i]!);
          psnr += p;
          ssim += s;
        }
      } finally {
        resource.dispose();
      }
      entry.methods[method] = { holePsnr: r4(psnr / count), holeSsim: r4(ssim / count), recognition: r4(recognised(cls, restored, labels)) };
      onProgress?.(`${kind} ${method}: ${JSON.stringify(entry.methods[method])}`);
    }
    figures.masks[kind] = entry;
  }
  return figures;
}

/** The figures as a markdown table. */
export function inpaintTable(f: InpaintFigures): string {
  const rows = ['| mask | method | PSNR in hole (dB) | SSIM in hole | recognition rate |', '|---|---|---|---|---|'];
  for (const kind of MASK_KINDS) {
    const m = f.masks[kind];
    rows.push(`| ${kind} (${(m.holeShare * 100).toFixed(1)} % of pixels) | damaged, not filled | — | — | ${(m.damaged * 100).toFixed(1)} % |`);
    for (const [method, v] of Object.entries(m.methods)) rows.push(`| ${kind} | ${method} | ${v.holePsnr.toFixed(2)} | ${v.holeSsim.toFixed(3)} | ${(v.recognition * 100).toFixed(1)} % |`);
  }
  rows.push(`| — | undamaged digits | — | — | ${(f.original * 100).toFixed(1)} % |`);
  return rows.join('\n');
}
