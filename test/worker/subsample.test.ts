import { describe, expect, it } from 'vitest';
import { strideFor, subsample } from '../../src/worker/subsample';

describe('preview subsampling', () => {
  it('keeps images within the budget whole and picks the smallest stride above it', () => {
    expect(strideFor(2048, 2048, 2048 * 2048)).toBe(1);
    expect(strideFor(2049, 2048, 2048 * 2048)).toBe(2);
    expect(strideFor(8192, 8192, 2048 * 2048)).toBe(4);
    expect(strideFor(1, 100000, 1000)).toBe(100);
  });

  it('takes every stride-th pixel of every stride-th row, all channels, exact values', () => {
    // 5×3 image, 2 channels: value = 100·y + 10·x + k
    const w = 5;
    const h = 3;
    const c = 2;
    const src = new Float32Array(w * h * c);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) src[(y * w + x) * c + k] = 100 * y + 10 * x + k;
    const out = subsample(src, w, h, c, 2);
    expect(out.width).toBe(3);
    expect(out.height).toBe(2);
    expect(Array.from(out.data)).toEqual([0, 1, 20, 21, 40, 41, 200, 201, 220, 221, 240, 241]);
  });
});
