/**
 * Fingerprints (engine/fingerprint.ts): the same values → the same hash; a summary PSNR
 * decides "within tolerance" for values that differ in float32 noise and "diverged" for a
 * real change; the first diverging node is the earliest whose inputs all matched.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TOLERANCE_DB, compareRuns, comparePort, fingerprintOf, type Fingerprints } from '../../src/engine/fingerprint';
import { useBackend } from '../helpers/backends';

describe('fingerprints', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });
  const img = (f: (i: number) => number, shape: [number, number, number] = [16, 16, 1]): tf.Tensor => tf.tensor3d(Float32Array.from({ length: shape[0] * shape[1] * shape[2] }, (_, i) => f(i)), shape);

  it('same values → same hash; 1e-7 noise → within tolerance; a real change → diverged; numbers compare by relative 1e-5', async () => {
    const base = img((i) => (i % 17) / 17);
    const a = await fingerprintOf(base);
    const same = await fingerprintOf(img((i) => (i % 17) / 17));
    const noisy = await fingerprintOf(img((i) => (i % 17) / 17 + (i % 2 ? 1e-7 : -1e-7)));
    const other = await fingerprintOf(img((i) => (i % 13) / 13));
    expect(comparePort('n', 'image', a, same).verdict).toBe('identical');
    const close = comparePort('n', 'image', a, noisy);
    expect(close.verdict).toBe('within');
    expect(close.psnr!).toBeGreaterThan(TOLERANCE_DB);
    const far = comparePort('n', 'image', a, other);
    expect(far.verdict).toBe('diverged');
    expect(far.psnr!).toBeLessThan(TOLERANCE_DB);
    expect(comparePort('n', 'image', a, await fingerprintOf(img(() => 0.5, [8, 32, 1]))).detail).toBe('shape 16×16×1 then, 8×32×1 now');
    expect(comparePort('n', 'v', { value: 10 }, { value: 10.00005 }).verdict).toBe('within');
    expect(comparePort('n', 'v', { value: 10 }, { value: 10.1 }).verdict).toBe('diverged');
    expect(comparePort('n', 'v', { value: 'NaN' }, { value: 'NaN' }).verdict).toBe('identical');
    expect(comparePort('n', 'v', { value: 1 }, undefined).verdict).toBe('missing');
    // 8×8 grid of means per channel for an image
    expect((a as { summary: readonly number[] }).summary).toHaveLength(64);
    expect((await fingerprintOf(img(() => 0.25, [4, 4, 3])) as { summary: readonly number[] }).summary).toHaveLength(192);
    tf.dispose(base);
  });

  it('compareRuns: the first diverging node is the earliest whose inputs matched; all identical → identical', () => {
    const fp = (v: number) => ({ hash: `h${v}`, shape: [2, 2, 1], summary: Array(64).fill(v) });
    const then: Fingerprints = { load: { image: fp(0.1) }, blur: { image: fp(0.2) }, sharp: { image: fp(0.3) }, score: { psnr: { value: 20 } } };
    const now: Fingerprints = { load: { image: fp(0.1) }, blur: { image: fp(0.25) }, sharp: { image: fp(0.35) }, score: { psnr: { value: 19 } } };
    const inputs: Record<string, string[]> = { load: [], blur: ['load'], sharp: ['blur'], score: ['load', 'sharp'] };
    const r = compareRuns(then, now, ['load', 'blur', 'sharp', 'score'], (n) => inputs[n] ?? []);
    expect(r.verdict).toBe('diverged');
    expect(r.first).toMatchObject({ node: 'blur', port: 'image', verdict: 'diverged' });
    // listed out of order, the evaluation order still decides
    expect(compareRuns(then, now, ['load', 'blur', 'sharp', 'score'].reverse(), (n) => inputs[n] ?? []).first?.node).toBe('blur');
    expect(compareRuns(then, then, ['load', 'blur', 'sharp', 'score'], (n) => inputs[n] ?? []).verdict).toBe('identical');
  });
});
