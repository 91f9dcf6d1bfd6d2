import { describe, expect, it } from 'vitest';
import { fitView, MAX_ZOOM, oneToOne, pan, pixelUnder, screenToImage, stepZoom, wheelFactor, zoomAt, zoomLabel } from '../../../src/editor/preview/viewport';

describe('preview viewport', () => {
  it('fit centres the whole image with a margin', () => {
    const v = fitView(200, 100, 416, 416, 8); // usable 400×400 → zoom 2, image 400×200
    expect(v.zoom).toBe(2);
    expect(v.panX).toBe(8);
    expect(v.panY).toBe(108);
  });

  it('1:1 centres at zoom 1', () => {
    expect(oneToOne(100, 50, 300, 150)).toEqual({ zoom: 1, panX: 100, panY: 50 });
  });

  it('zoomAt keeps the image point under the cursor fixed', () => {
    const v0 = { zoom: 2, panX: 10, panY: 20 };
    const before = screenToImage(v0, 110, 70);
    const v1 = zoomAt(v0, 3, 110, 70);
    expect(v1.zoom).toBe(6);
    const after = screenToImage(v1, 110, 70);
    expect(after.x).toBeCloseTo(before.x, 10);
    expect(after.y).toBeCloseTo(before.y, 10);
    expect(zoomAt(v0, 1e6, 0, 0).zoom).toBe(MAX_ZOOM);
  });

  it('pixelUnder floors to the pixel and refuses points outside', () => {
    const v = { zoom: 4, panX: 10, panY: 10 };
    expect(pixelUnder(v, 10, 10, 8, 8)).toEqual({ x: 0, y: 0 });
    expect(pixelUnder(v, 13.9, 17.9, 8, 8)).toEqual({ x: 0, y: 1 });
    expect(pixelUnder(v, 41.9, 41.9, 8, 8)).toEqual({ x: 7, y: 7 });
    expect(pixelUnder(v, 42, 20, 8, 8)).toBeUndefined();
    expect(pixelUnder(v, 9.9, 20, 8, 8)).toBeUndefined();
    expect(pan(v, 5, -3)).toEqual({ zoom: 4, panX: 15, panY: 7 });
  });

  it('wheel and step zoom', () => {
    expect(wheelFactor(-400)).toBeCloseTo(2, 12);
    expect(wheelFactor(100)).toBeCloseTo(2 ** -0.25, 12);
    expect(wheelFactor(3, 1)).toBeCloseTo(2 ** (-48 / 400), 12); // lines
    expect(stepZoom(1, 1)).toBe(1.5);
    expect(stepZoom(1.5, 1)).toBe(2);
    expect(stepZoom(1, -1)).toBe(0.75);
    expect(stepZoom(1.2, -1)).toBe(1);
    expect(zoomLabel(1)).toBe('100%');
    expect(zoomLabel(0.0625)).toBe('6.3%');
  });
});
