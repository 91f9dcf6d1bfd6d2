import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { thumbnailPixels, thumbnailSize } from '../../src/worker/thumbnail';
import { testBackends, useBackend } from '../helpers/backends';

describe('thumbnail size', () => {
  it('fits the longest side, never enlarges, keeps at least 1 px', () => {
    expect(thumbnailSize(1024, 512, 192)).toEqual({ width: 192, height: 96 });
    expect(thumbnailSize(100, 300, 192)).toEqual({ width: 64, height: 192 });
    expect(thumbnailSize(50, 40, 192)).toEqual({ width: 50, height: 40 });
    expect(thumbnailSize(4000, 2, 192)).toEqual({ width: 192, height: 1 });
  });
});

describe.each(testBackends)('thumbnail pixels on %s', (backend) => {
  it('renders gray as gray with alpha 255 and reports min/max/mean (exact at full size)', async () => {
    await useBackend(backend);
    const before = tf.memory().numTensors;
    const t = tf.tensor3d([0, 0.5, 1, 0.25, 1.5, -0.5], [2, 3, 1]);
    const p = await thumbnailPixels(t, 192);
    expect([p.width, p.height, p.channels, p.fullWidth, p.fullHeight]).toEqual([3, 2, 1, 3, 2]);
    // values clipped to [0, 1], ×255, rounded (0.5·255 = 127.5 → 128)
    const gray = [0, 128, 255, 64, 255, 0];
    expect([...p.rgba]).toEqual(gray.flatMap((g) => [g, g, g, 255]));
    expect(p.stats.min).toBeCloseTo(-0.5, 6);
    expect(p.stats.max).toBeCloseTo(1.5, 6);
    expect(p.stats.mean).toBeCloseTo(2.75 / 6, 6);
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('box-averages when shrinking by an integer factor (tolerance 1/255)', async () => {
    await useBackend(backend);
    // 4×4 RGB: each 2×2 block is constant, so the 2×2 thumbnail is exact up to rounding
    const block = (r: number, c: number) => [r * 0.25 + c * 0.5, 0.1, 1 - r * 0.5];
    const data: number[] = [];
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) data.push(...block(y >> 1, x >> 1));
    const t = tf.tensor3d(data, [4, 4, 3]);
    const p = await thumbnailPixels(t, 2);
    expect([p.width, p.height, p.channels]).toEqual([2, 2, 3]);
    const want = [block(0, 0), block(0, 1), block(1, 0), block(1, 1)].flatMap((v) => [...v.map((x) => Math.round(x * 255)), 255]);
    const got = [...p.rgba];
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1);
    t.dispose();
  });

  it('keeps an RGBA image\'s alpha', async () => {
    await useBackend(backend);
    const t = tf.tensor3d([1, 0, 0, 0.2, 0, 0, 1, 1], [1, 2, 4]);
    const p = await thumbnailPixels(t, 10);
    expect([...p.rgba]).toEqual([255, 0, 0, 51, 0, 0, 255, 255]);
    t.dispose();
  });
});
