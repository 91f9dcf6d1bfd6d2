/**
 * Shared pieces of the model nodes (gan.sample, vae.encode, vae.decode): the model choice
 * params, loading a shipped or custom LayersModel as a Resource, shape checks with clear
 * messages, latent checks, and tiling a batch of images into a grid.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { hashBytes, hashString } from '../../engine/signature';
import type { LoadContext, Resource, Value } from '../../engine/types';
import { loadLayersModelFrom, type ReadModelFile } from './modelLoad';
import { normalArray } from './random';

/** Shipped model families per node kind (public/models); `custom` loads the user's model.json from `modelUrl`. */
export const GAN_MODELS = ['mnist', 'fashion', 'custom'] as const;
export const VAE_MODELS = ['mnist', 'fashion', 'custom'] as const;

/** The `model` and `modelUrl` params of a model node. */
export function modelParams<const O extends readonly string[]>(options: O) {
  return {
    model: {
      kind: 'enum',
      default: 'mnist',
      options,
      label: 'Model',
      description: `${options.filter((o) => o !== 'custom').join(' / ')}: the models shipped in public/models, trained here (see public/models/manifest.json); custom: a tfjs LayersModel model.json given by "modelUrl".`,
    },
    modelUrl: {
      kind: 'string',
      default: '',
      maxLength: 2048,
      label: 'Custom model.json',
      description: 'For model = custom: URL (browser) or path (CLI: relative to the graph file) of a tfjs LayersModel model.json; its weight files are read from the same folder.',
    },
  } as const;
}

export interface ModelResource extends Resource {
  readonly signature: string;
  readonly model: tfl.LayersModel;
  /** Where the model came from, for messages. */
  readonly label: string;
}

type Shape = readonly (number | null)[];

function fmt(s: Shape | readonly Shape[]): string {
  return JSON.stringify(s).replace(/,/g, ', ');
}

export interface ShapeRule {
  /** What the model must be, for messages ("a generator: latent [null, d] → image [null, h, w, 1|3]"). */
  readonly expected: string;
  /** Returns true when the model's input/output shapes fit. */
  readonly fits: (inputs: Shape[], outputs: Shape[]) => boolean;
}

export const latentToImage: ShapeRule = {
  expected: 'one input [null, d] (a latent vector) and one output [null, h, w, c] with c = 1 or 3 (an image batch)',
  fits: (i, o) => i.length === 1 && i[0]!.length === 2 && (i[0]![1] ?? 0) > 0 && o.length === 1 && o[0]!.length === 4 && (o[0]![1] ?? 0) > 0 && (o[0]![2] ?? 0) > 0 && (o[0]![3] === 1 || o[0]![3] === 3),
};

export const imageToMeanLogVar: ShapeRule = {
  expected: 'one input [null, h, w, c] with c = 1 or 3 (an image batch) and two outputs [null, d], [null, d] (mean and log-variance)',
  fits: (i, o) =>
    i.length === 1 && i[0]!.length === 4 && (i[0]![1] ?? 0) > 0 && (i[0]![2] ?? 0) > 0 && (i[0]![3] === 1 || i[0]![3] === 3) && o.length === 2 && o.every((s) => s.length === 2 && (s[1] ?? 0) > 0) && o[0]![1] === o[1]![1],
};

/** Checks a loaded model against a rule; throws the clear message when it does not fit. */
export function checkModelShapes(model: tfl.LayersModel, rule: ShapeRule, label: string): void {
  const inputs = model.inputs.map((t) => t.shape);
  const outputs = model.outputs.map((t) => t.shape);
  if (!rule.fits(inputs, outputs)) {
    throw new Error(`${label} does not fit this node: expected ${rule.expected}; the model has input ${fmt(inputs.length === 1 ? inputs[0]! : inputs)} and output ${fmt(outputs.length === 1 ? outputs[0]! : outputs)}`);
  }
}

function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i + 1);
}

/**
 * Loads the node's model: a shipped one through `host.readModelFile(shippedPath)`, a custom one
 * through `host.readSource(modelUrl)` (weights resolved next to the model.json). The
 * resource's signature is the hash of every byte read, so new weights recompute.
 */
export async function loadModelResource(params: { model: string; modelUrl: string }, shippedPath: (family: string) => string, rule: ShapeRule, ctx: LoadContext): Promise<ModelResource> {
  const { host } = ctx;
  let read: ReadModelFile;
  let jsonPath: string;
  let label: string;
  if (params.model === 'custom') {
    const url = params.modelUrl.trim();
    if (!url) throw new Error('param "modelUrl" is empty: give the URL or path of a tfjs LayersModel model.json for model = custom');
    label = `custom model ${JSON.stringify(url)}`;
    jsonPath = url;
    const base = dirOf(url);
    read = (p, signal) => host.readSource(p === url || /^[a-z][a-z0-9+.-]*:|^\//i.test(p) ? p : p.startsWith(base) ? p : base + p, signal);
  } else {
    if (!host.readModelFile) throw new Error('this host cannot read shipped model files (Host.readModelFile is missing)');
    jsonPath = shippedPath(params.model);
    label = `shipped model ${jsonPath}`;
    read = (p, signal) => host.readModelFile!(p, signal);
  }
  const hashes: string[] = [];
  const hashingRead: ReadModelFile = async (p, signal) => {
    const b = await read(p, signal);
    hashes.push(hashBytes(b));
    return b;
  };
  let model: tfl.LayersModel;
  try {
    model = await loadLayersModelFrom(hashingRead, jsonPath, { signal: ctx.signal, onProgress: ctx.onProgress });
  } catch (e) {
    throw new Error(`cannot load ${label}: ${(e as Error).message}`);
  }
  try {
    checkModelShapes(model, rule, label);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, label, signature: hashString(hashes.join(',')), dispose: () => model.dispose() };
}

/**
 * A class-conditional generator (its model.json's userDefinedMetadata holds
 * `{ conditional: { latent, classes } }`): its one input is [z (latent) ; one-hot class
 * (classes)]. Null for an unconditional model or metadata that does not match the input.
 */
export function conditionalOf(model: tfl.LayersModel): { latent: number; classes: number } | null {
  const meta = model.getUserDefinedMetadata() as { conditional?: { latent?: unknown; classes?: unknown } } | undefined;
  const c = meta?.conditional;
  if (!c || !Number.isInteger(c.latent) || !Number.isInteger(c.classes)) return null;
  const latent = c.latent as number;
  const classes = c.classes as number;
  return latent > 0 && classes > 1 && latent + classes === model.inputs[0]!.shape[1] ? { latent, classes } : null;
}

/** A conditional generator's input: latents [n, d] with the one-hot of each sample's class appended. */
export function conditionalInput(z: tf.Tensor2D, labels: Int32Array, classes: number): tf.Tensor2D {
  return tf.concat([z, tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), classes), 'float32') as tf.Tensor2D], 1);
}

/** PRNG stream of the classes gan.sample draws for label −1. */
export const LABEL_STREAM = 17;

/** The model's latent size (input [null, d]). */
export function latentDim(model: tfl.LayersModel): number {
  return model.inputs[0]!.shape[1] as number;
}

/** Checks a latent input: rank-2 [n, d] with d = the model's latent size. */
export function asLatent(v: Value | undefined, dim: number | null, what: string): tf.Tensor2D {
  if (v === undefined) throw new Error(`${what} is not connected`);
  if (typeof v === 'number') throw new Error(`${what} must be a latent tensor [count, dim], got the number ${v}`);
  if (v.rank !== 2) throw new Error(`${what} must be a latent [count, dim] (rank 2), got shape [${v.shape.join(', ')}]`);
  if (dim !== null && v.shape[1] !== dim) throw new Error(`${what} has dimension ${v.shape[1]}, but the model expects latents of dimension ${dim}`);
  return v as tf.Tensor2D;
}

/**
 * Tiles a batch [n, h, w, c] into one image: `columns` per row (0 = ⌈√n⌉), `gap` pixels of
 * value `gapValue` between tiles. n = 1 gives the single image.
 */
export function tileGrid(batch: tf.Tensor4D, columns: number, gap: number, gapValue = 0): tf.Tensor3D {
  const [n, h, w, c] = batch.shape;
  if (n === 1) return tf.reshape(batch, [h, w, c]);
  const cols = Math.min(n, columns > 0 ? columns : Math.ceil(Math.sqrt(n)));
  const rows = Math.ceil(n / cols);
  let b: tf.Tensor4D = batch;
  if (rows * cols > n) b = tf.concat([b, tf.fill([rows * cols - n, h, w, c], gapValue)], 0);
  if (gap > 0) b = tf.pad(b, [[0, 0], [0, gap], [0, gap], [0, 0]], gapValue);
  const th = h + gap;
  const tw = w + gap;
  const g: tf.Tensor3D = tf.reshape(tf.transpose(tf.reshape(b, [rows, cols, th, tw, c]), [0, 2, 1, 3, 4]), [rows * th, cols * tw, c]);
  return gap > 0 ? tf.slice(g, [0, 0, 0], [rows * th - gap, cols * tw - gap, c]) : g;
}

/** Runs a model on a batch synchronously (inside the caller's tidy). */
export function runModel(model: tfl.LayersModel, x: tf.Tensor): tf.Tensor[] {
  const out = model.predict(x, { batchSize: Math.max(1, x.shape[0] ?? 1) });
  return Array.isArray(out) ? out : [out];
}

/** PRNG stream of latent draws: gan.sample(seed, count) uses the latents of latent.random(seed, count, dim). */
export const LATENT_STREAM = 16;

/** count × dim standard-normal latents from `seed` (host-side, identical on every backend). */
export function randomLatents(count: number, dim: number, seed: number): tf.Tensor2D {
  return tf.tensor2d(normalArray(count * dim, seed, LATENT_STREAM), [count, dim], 'float32');
}

/** model.json paths under public/models of the shipped models (see src/models/manifest.ts). */
export const SHIPPED_GAN = (family: string): string => `${family}-gan/generator/model.json`;
export const SHIPPED_VAE_ENCODER = (family: string): string => `${family}-vae/encoder/model.json`;
export const SHIPPED_VAE_DECODER = (family: string): string => `${family}-vae/decoder/model.json`;
export const SHIPPED_CLASSIFIER = (family: string): string => `${family}-classifier/model.json`;
