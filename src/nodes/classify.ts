/**
 * classify — the recognition rate as a node (DESIGN.md §3): the shipped MNIST / Fashion-MNIST
 * classifiers on one image or on a grid in gan.sample's tiling.
 */
import * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../engine/defineNode';
import { asImage } from './lib/image';
import { loadModelResource, runModel, SHIPPED_CLASSIFIER, tileGrid, type ModelResource, type ShapeRule } from './lib/modelNode';
import { toModelInput } from './vaeEncode';

const imageToClasses: ShapeRule = {
  expected: 'one input [null, h, w, c] with c = 1 or 3 and one output [null, k] (class probabilities)',
  fits: (i, o) => i.length === 1 && i[0]!.length === 4 && (i[0]![1] ?? 0) > 0 && (i[0]![2] ?? 0) > 0 && (i[0]![3] === 1 || i[0]![3] === 3) && o.length === 1 && o[0]!.length === 2 && (o[0]![1] ?? 0) > 1,
};

/**
 * The tiles of `img` when it is a grid of th×tw tiles with `gap` px between them (gan.sample's
 * tiling; a single th×tw image is a grid of one), else null. Trailing all-zero tiles — the
 * filler of an incomplete last row — are left out (never the first). Owned by the caller.
 */
export async function gridTiles(img: tf.Tensor3D, th: number, tw: number, gap: number): Promise<tf.Tensor4D | null> {
  const [h, w, c] = img.shape;
  if ((h + gap) % (th + gap) !== 0 || (w + gap) % (tw + gap) !== 0) return null;
  const rows = (h + gap) / (th + gap);
  const cols = (w + gap) / (tw + gap);
  const [batch, peaks] = tf.tidy(() => {
    const tiles: tf.Tensor3D[] = [];
    for (let r = 0; r < rows; r++) {
      for (let q = 0; q < cols; q++) tiles.push(tf.slice(img, [r * (th + gap), q * (tw + gap), 0], [th, tw, c]));
    }
    const b = tf.stack(tiles) as tf.Tensor4D;
    return [b, tf.max(tf.reshape(b, [tiles.length, -1]), 1)] as const;
  });
  // read back asynchronously: webgpu's synchronous read needs a canvas
  const maxima = await peaks.data();
  peaks.dispose();
  let n = rows * cols;
  while (n > 1 && maxima[n - 1] === 0) n--;
  if (n === rows * cols) return batch;
  const trimmed = tf.slice(batch, [0, 0, 0, 0], [n, th, tw, c]);
  batch.dispose();
  return trimmed;
}

export const classify = defineNode({
  type: 'classify',
  title: 'Classify',
  category: 'Metric',
  description:
    'Recognises digits (mnist) or clothes (fashion) with the classifiers shipped with pixel-loom (trained here, held-out test accuracy in public/models/manifest.json) — the recognition rate of generated or restored images. Takes one image or a grid in gan.sample’s tiling (28×28 tiles, "gap" px apart; blank trailing tiles are skipped): label and confidence are those of the first tile, rate is the share of tiles classified as "expected" (any class when −1) with confidence ≥ threshold. Other images are converted like vae.encode does (note: colour becomes gray by BT.601 luma, alpha is dropped, other sizes are resized bilinearly as one image; MNIST-style models expect a light shape on a black background) — the "input" output shows what the classifier saw.',
  version: 1,
  inputs: { image: { type: 'image' } },
  outputs: {
    label: { type: 'number', description: 'Class of the first tile (0 … 9).' },
    confidence: { type: 'number', description: 'Probability the classifier gives that class.' },
    rate: { type: 'number', description: 'Share of tiles classified as "expected" with confidence ≥ threshold.' },
    input: { type: 'image', description: 'The tiles as the classifier saw them (model size and channels).' },
  },
  params: {
    model: { kind: 'enum', default: 'mnist', options: ['mnist', 'fashion'], label: 'Model', description: 'mnist: handwritten digits 0–9; fashion: Fashion-MNIST classes (0 T-shirt, 1 trouser, 2 pullover, 3 dress, 4 coat, 5 sandal, 6 shirt, 7 sneaker, 8 bag, 9 ankle boot).' },
    expected: { kind: 'int', default: -1, min: -1, max: 9, label: 'Expected class', description: 'The class the rate counts; −1 counts every confident tile.' },
    threshold: { kind: 'float', default: 0.9, min: 0, max: 1, step: 0.01, label: 'Threshold', description: 'Least confidence for a tile to count in the rate.' },
    gap: { kind: 'int', default: 2, min: 0, max: 64, label: 'Gap', description: 'Pixels between grid tiles (as gan.sample’s gap).' },
  },
  loadParams: ['model'],
  load: (params, ctx) => loadModelResource({ model: params.model, modelUrl: '' }, SHIPPED_CLASSIFIER, imageToClasses, ctx),
  // async: the labels are read back with data() (webgpu's synchronous read needs a canvas)
  async computeAsync({ inputs, params, resource }) {
    const r = resource as ModelResource;
    const [, th, tw, tc] = r.model.inputs[0]!.shape as number[];
    const img = asImage(inputs.image);
    const grid = await gridTiles(img, th!, tw!, params.gap);
    const [input, best, labels] = tf.tidy(() => {
      const x = grid ? (tf.concat(tf.unstack(grid).map((t) => toModelInput(t as tf.Tensor3D, th!, tw!, tc!)), 0) as tf.Tensor4D) : toModelInput(img, th!, tw!, tc!);
      const probs = runModel(r.model, x)[0]! as tf.Tensor2D;
      return [tileGrid(x, 0, params.gap), tf.max(probs, 1), tf.argMax(probs, 1)] as const;
    });
    grid?.dispose();
    let b: Float32Array;
    let l: Int32Array;
    try {
      [b, l] = (await Promise.all([best.data(), labels.data()])) as [Float32Array, Int32Array];
    } catch (e) {
      input.dispose();
      throw e;
    } finally {
      tf.dispose([best, labels]);
    }
    let hits = 0;
    for (let i = 0; i < l.length; i++) if ((params.expected < 0 || l[i] === params.expected) && b[i]! >= params.threshold) hits++;
    return { label: l[0]!, confidence: b[0]!, rate: hits / l.length, input };
  },
});
