/**
 * Test harness for the noise, generate, metric and image-op nodes: calls a definition's
 * compute directly, inside tf.tidy, with params validated and merged over their defaults
 * (as the engine does), and reads the outputs back.
 */
import * as tf from '@tensorflow/tfjs-core';
import { effectiveParams, validateParams } from '../../src/engine/params';
import type { AnyNodeDefinition, OutputValue, Value } from '../../src/engine/types';

/** Runs compute in tf.tidy; the returned tensors are owned by the caller. */
export function compute(def: AnyNodeDefinition, inputs: Record<string, Value | undefined>, params: Record<string, unknown> = {}): Record<string, OutputValue> {
  const problems = validateParams(def, params);
  if (problems.length > 0) throw new Error(`bad params for ${def.type}: ${problems.map((p) => p.message).join('; ')}`);
  return tf.tidy(() =>
    def.compute!({ nodeId: 'n', inputs, params: effectiveParams(def, params) as never, resource: undefined, backend: tf.getBackend() }),
  ) as Record<string, OutputValue>;
}

export interface ImageData {
  shape: number[];
  data: Float32Array;
}

/** Reads and disposes one output tensor. */
export async function take(v: OutputValue | undefined): Promise<ImageData> {
  if (v === undefined) throw new Error('output missing');
  if (typeof v === 'number') return { shape: [], data: Float32Array.of(v) };
  const data = (await v.data()) as Float32Array;
  const shape = [...v.shape];
  v.dispose();
  return { shape, data };
}

/** Reads a number output (a JS number or a rank-0 tensor) and disposes it. */
export async function takeNumber(v: OutputValue | undefined): Promise<number> {
  if (typeof v === 'number') return v;
  const r = await take(v);
  if (r.shape.length !== 0) throw new Error(`expected a rank-0 tensor, got shape [${r.shape.join(', ')}]`);
  return r.data[0]!;
}

/** Runs a node and returns its output `port` as data (all other outputs are disposed). */
export async function runImage(def: AnyNodeDefinition, inputs: Record<string, Value | undefined>, params: Record<string, unknown> = {}, port = 'image'): Promise<ImageData> {
  const out = compute(def, inputs, params);
  for (const [k, v] of Object.entries(out)) if (k !== port && typeof v !== 'number') v.dispose();
  return take(out[port]);
}

export async function runNumber(def: AnyNodeDefinition, inputs: Record<string, Value | undefined>, params: Record<string, unknown> = {}, port: string): Promise<number> {
  const out = compute(def, inputs, params);
  for (const [k, v] of Object.entries(out)) if (k !== port && typeof v !== 'number') v.dispose();
  return takeNumber(out[port]);
}

/** A constant HWC image. */
export function constant(h: number, w: number, values: number[]): tf.Tensor3D {
  const c = values.length;
  const d = new Float32Array(h * w * c);
  for (let i = 0; i < h * w; i++) for (let k = 0; k < c; k++) d[i * c + k] = values[k]!;
  return tf.tensor3d(d, [h, w, c]);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export function min(v: ArrayLike<number>): number {
  let m = Infinity;
  for (let i = 0; i < v.length; i++) m = Math.min(m, v[i]!);
  return m;
}

export function max(v: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < v.length; i++) m = Math.max(m, v[i]!);
  return m;
}

export function meanStd(v: ArrayLike<number>): { mean: number; std: number } {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  const mean = s / v.length;
  let q = 0;
  for (let i = 0; i < v.length; i++) q += (v[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(q / v.length) };
}

/** Fails if the body leaves tensors behind. */
export async function noLeaks(body: () => Promise<void>): Promise<number> {
  const before = tf.memory().numTensors;
  await body();
  return tf.memory().numTensors - before;
}
