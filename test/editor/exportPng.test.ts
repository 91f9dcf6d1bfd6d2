import { describe, expect, it } from 'vitest';
import { graphSlug, pngFileName, toRgba8 } from '../../src/editor/logic/exportPng';

describe('PNG export pixels', () => {
  it('maps gray, gray+alpha, RGB and RGBA floats to 8-bit RGBA (clamped, NaN → 0)', () => {
    const gray = toRgba8({ width: 2, height: 1, channels: 1, data: new Float32Array([0.5, 2]) });
    expect([...gray]).toEqual([128, 128, 128, 255, 255, 255, 255, 255]);
    const ga = toRgba8({ width: 1, height: 1, channels: 2, data: new Float32Array([0, 0.25]) });
    expect([...ga]).toEqual([0, 0, 0, 64]);
    const rgb = toRgba8({ width: 1, height: 2, channels: 3, data: new Float32Array([1, 0, -1, NaN, 0.2, 0.4]) });
    expect([...rgb]).toEqual([255, 0, 0, 255, 0, 51, 102, 255]);
    const rgba = toRgba8({ width: 1, height: 1, channels: 4, data: new Float32Array([0.1, 0.2, 0.3, 0.4]) });
    expect([...rgba]).toEqual([26, 51, 77, 102]);
  });

  it('refuses outputs without pixels or with too little data, naming the shape', () => {
    expect(() => toRgba8({ width: 0, height: 3, channels: 1, data: new Float32Array(0) })).toThrow(/0×3 output/);
    expect(() => toRgba8({ width: 2, height: 2, channels: 3, data: new Float32Array(5) })).toThrow(/5 values, fewer than 2×2×3/);
  });

  it('names the file <graph-slug>-<node>.png', () => {
    expect(graphSlug('Denoise and score!')).toBe('denoise-and-score');
    expect(graphSlug('…')).toBe('graph');
    expect(pngFileName('Denoise and score', 'median1')).toBe('denoise-and-score-median1.png');
  });
});
