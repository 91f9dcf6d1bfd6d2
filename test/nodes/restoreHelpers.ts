/**
 * Helpers of the restoration tests (masks, inpaint, denoise): run a node (compute or
 * computeAsync) with params validated and merged over defaults, as the engine does, and read
 * the results; plus the reference fixtures of scripts/fixtures/make_restoration_fixtures.py.
 */
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { effectiveParams, validateParams } from '../../src/engine/params';
import { createNodeHost } from '../../src/cli/host';
import type { AnyNodeDefinition, OutputValue, Resource, Value } from '../../src/engine/types';

/** The CLI's host: reads shipped model files from public/models. */
export const modelHost = createNodeHost({ baseDir: process.cwd(), maxImageSide: 8192 });

/**
 * Runs a node; returns its outputs (owned by the caller). A definition with `load` gets its
 * resource from the CLI host (shipped models), disposed again after compute.
 */
export async function runNode(def: AnyNodeDefinition, inputs: Record<string, Value | undefined>, params: Record<string, unknown> = {}, signal?: AbortSignal): Promise<Record<string, OutputValue>> {
  const problems = validateParams(def, params);
  if (problems.length > 0) throw new Error(`bad params for ${def.type}: ${problems.map((p) => p.message).join('; ')}`);
  const p = effectiveParams(def, params);
  const resource: Resource | undefined = def.load ? await def.load(p, { host: modelHost, nodeId: 'n' }) : undefined;
  try {
    const ctx = { nodeId: 'n', inputs, params: p as never, resource, backend: tf.getBackend() };
    if (def.computeAsync) return await def.computeAsync({ ...ctx, signal: signal ?? new AbortController().signal });
    return tf.tidy(() => def.compute!(ctx)) as Record<string, OutputValue>;
  } finally {
    resource?.dispose();
  }
}

export interface Out {
  shape: number[];
  data: Float32Array;
}

/** Runs a node and reads (and disposes) its single tensor output `port`. */
export async function runOut(def: AnyNodeDefinition, inputs: Record<string, Value | undefined>, params: Record<string, unknown> = {}, port = 'image'): Promise<Out> {
  const out = await runNode(def, inputs, params);
  const t = out[port];
  if (!(t instanceof tf.Tensor)) throw new Error(`output ${port} is not a tensor`);
  const data = Float32Array.from(await t.data());
  const shape = [...t.shape];
  for (const v of Object.values(out)) if (v instanceof tf.Tensor) v.dispose();
  return { shape, data };
}

export function image(h: number, w: number, c: number, f: (y: number, x: number, ch: number) => number): tf.Tensor3D {
  const d = new Float32Array(h * w * c);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) d[(y * w + x) * c + ch] = f(y, x, ch);
  return tf.tensor3d(d, [h, w, c]);
}

export function maskOf(h: number, w: number, hole: (y: number, x: number) => boolean): tf.Tensor3D {
  return image(h, w, 1, (y, x) => (hole(y, x) ? 1 : 0));
}

/** Pixels (as "y,x" strings) where a [h, w, 1] output is 1. */
export function onPixels(out: Out): string[] {
  const w = out.shape[1]!;
  const res: string[] = [];
  out.data.forEach((v, i) => {
    if (v === 1) res.push(`${Math.floor(i / w)},${i % w}`);
    else if (v !== 0) throw new Error(`mask value ${v} at ${i} is neither 0 nor 1`);
  });
  return res;
}

export interface RestorationFixtures {
  images: Record<string, { shape: [number, number, number]; data: number[] }>;
  masks: Record<string, { shape: [number, number]; data: number[] }>;
  inpaint: { image: string; mask: string; method: string; radius: number; expected: number[]; ref: string }[];
  bilateral: { image: string; sigmaColor: number; sigmaSpace: number; diameter: number; expected: number[] }[];
  dilate: { mask: string; radius: number; shape: string; expected: number[] }[];
}

export const fixtures = JSON.parse(readFileSync(new URL('../fixtures/restoration.json', import.meta.url), 'utf8')) as RestorationFixtures;

export function fixtureImage(name: string): tf.Tensor3D {
  const f = fixtures.images[name]!;
  return tf.tensor3d(Float32Array.from(f.data), f.shape);
}

export function fixtureMask(name: string): tf.Tensor3D {
  const f = fixtures.masks[name]!;
  return tf.tensor3d(Float32Array.from(f.data), [f.shape[0], f.shape[1], 1]);
}
