/**
 * latent.interpolate — between latents a and b (DESIGN.md §3): lerp (1 − t)·a + t·b, or slerp
 * along the great circle, sin((1 − t)Ω)/sin Ω · a + sin(tΩ)/sin Ω · b with cos Ω = â·b̂ (falls
 * back to lerp when a and b are parallel, sin Ω < 1e-6). `strip` holds `steps` evenly spaced
 * points t = 0 … 1 (step-major), ready for vae.decode / gan.sample with columns = steps.
 */
import * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../engine/defineNode';
import { asLatent } from './lib/modelNode';

/** Rows must match, or one side has a single row (broadcast). */
export function checkPair(a: tf.Tensor2D, b: tf.Tensor2D, what: string): void {
  if (a.shape[1] !== b.shape[1]) throw new Error(`${what}: latents "a" [${a.shape.join(', ')}] and "b" [${b.shape.join(', ')}] have different dimensions`);
  if (a.shape[0] !== b.shape[0] && a.shape[0] !== 1 && b.shape[0] !== 1) throw new Error(`${what}: latents "a" (${a.shape[0]} rows) and "b" (${b.shape[0]} rows) must have the same number of rows, or one of them a single row`);
}

export function interpolate(a: tf.Tensor2D, b: tf.Tensor2D, t: number, mode: string): tf.Tensor2D {
  if (mode === 'lerp') return tf.add(tf.mul(a, 1 - t), tf.mul(b, t));
  const norm = (x: tf.Tensor2D): tf.Tensor2D => tf.div(x, tf.maximum(tf.sqrt(tf.sum(tf.square(x), 1, true)), 1e-12));
  const dot = tf.clipByValue(tf.sum(tf.mul(norm(a), norm(b)), 1, true), -1, 1);
  const omega = tf.acos(dot);
  const so = tf.sin(omega);
  const ok = tf.greater(so, 1e-6);
  const safe = tf.maximum(so, 1e-6);
  const wa = tf.where(ok, tf.div(tf.sin(tf.mul(omega, 1 - t)), safe), tf.fill(so.shape, 1 - t));
  const wb = tf.where(ok, tf.div(tf.sin(tf.mul(omega, t)), safe), tf.fill(so.shape, t));
  return tf.add(tf.mul(a, wa), tf.mul(b, wb));
}

export const latentInterpolate = defineNode({
  type: 'latent.interpolate',
  title: 'Interpolate latents',
  category: 'Latent',
  description:
    'Interpolates between latents a and b: lerp (straight line) or slerp (great circle, keeps the norm of Gaussian latents typical). "latent" is the point at t; "strip" is `steps` points from t = 0 to 1 for a latent walk.',
  version: 1,
  inputs: { a: { type: 'latent' }, b: { type: 'latent' } },
  outputs: { latent: { type: 'latent' }, strip: { type: 'latent', description: '`steps` × rows latents, t = 0 … 1, step-major.' } },
  params: {
    t: { kind: 'float', default: 0.5, min: 0, max: 1, step: 0.01 },
    mode: { kind: 'enum', default: 'slerp', options: ['lerp', 'slerp'] },
    steps: { kind: 'int', default: 8, min: 2, max: 64, label: 'Strip steps' },
  },
  compute({ inputs, params }) {
    const a = asLatent(inputs.a, null, 'input "a"');
    const b = asLatent(inputs.b, null, 'input "b"');
    checkPair(a, b, 'latent.interpolate');
    const ts = Array.from({ length: params.steps }, (_, k) => k / (params.steps - 1));
    return {
      latent: interpolate(a, b, params.t, params.mode),
      strip: tf.concat(ts.map((t) => interpolate(a, b, t, params.mode)), 0),
    };
  },
});
