import { describe, expect, it } from 'vitest';
import { decodePaint, rasterizePaint } from '../../src/engine/paintMask';
import {
  appendStroke,
  clearStrokes,
  fitPaintView,
  imageToRgba,
  maskOverlay,
  paintCanvasSize,
  screenToCanvas,
  simplifyPolyline,
} from '../../src/editor/logic/paintEdit';

describe('screenToCanvas / fitPaintView', () => {
  it('inverts screen = canvas · zoom + pan', () => {
    expect(screenToCanvas({ zoom: 2, panX: 10, panY: -4 }, 30, 16)).toEqual({ x: 10, y: 10 });
    expect(screenToCanvas({ zoom: 0.5, panX: 0, panY: 0 }, 5, 7)).toEqual({ x: 10, y: 14 });
  });
  it('fits and centres the canvas', () => {
    const v = fitPaintView(100, 50, 216, 216);
    expect(v.zoom).toBe(2);
    expect(v.panX).toBe(8);
    expect(v.panY).toBe(58);
    // the canvas corners land inside the element
    expect(screenToCanvas(v, 8, 58)).toEqual({ x: 0, y: 0 });
    expect(screenToCanvas(v, 208, 158)).toEqual({ x: 100, y: 50 });
  });
});

describe('simplifyPolyline', () => {
  it('drops collinear and repeated points, keeps the ends', () => {
    expect(simplifyPolyline([0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 10, 10], 0.5)).toEqual([0, 0, 10, 10]);
  });
  it('keeps a corner farther than the tolerance', () => {
    expect(simplifyPolyline([0, 0, 5, 0.2, 10, 0, 10, 10], 0.5)).toEqual([0, 0, 10, 0, 10, 10]);
    expect(simplifyPolyline([0, 0, 5, 1, 10, 0], 0.5)).toEqual([0, 0, 5, 1, 10, 0]);
    expect(simplifyPolyline([0, 0, 5, 0.4, 10, 0], 0.5)).toEqual([0, 0, 10, 0]);
  });
  it('quantizes to 0.1 px and keeps a single point', () => {
    expect(simplifyPolyline([3.14159, 2.71828], 1)).toEqual([3.1, 2.7]);
    expect(simplifyPolyline([1.01, 1.02, 1.04, 0.98], 1)).toEqual([1, 1]);
  });
  it('every dropped point stays within the tolerance of the result', () => {
    const pts: number[] = [];
    for (let i = 0; i <= 200; i++) pts.push(i * 0.5, 20 + 10 * Math.sin(i / 15));
    const s = simplifyPolyline(pts, 0.4);
    expect(s.length).toBeLessThan(pts.length / 4);
    for (let i = 0; i < pts.length; i += 2) {
      let best = Infinity;
      for (let k = 0; k + 3 < s.length; k += 2) {
        const [ax, ay, bx, by] = [s[k]!, s[k + 1]!, s[k + 2]!, s[k + 3]!];
        const dx = bx - ax;
        const dy = by - ay;
        const t = Math.max(0, Math.min(1, ((pts[i]! - ax) * dx + (pts[i + 1]! - ay) * dy) / (dx * dx + dy * dy)));
        best = Math.min(best, Math.hypot(pts[i]! - ax - t * dx, pts[i + 1]! - ay - t * dy));
      }
      expect(best).toBeLessThanOrEqual(0.4 + 0.08); // + quantization (0.05 √2)
    }
  });
});

describe('appendStroke / clearStrokes', () => {
  it('starts a document of the canvas size', () => {
    const t = appendStroke('', 64, 32, { mode: 'paint', radius: 3, points: [10, 10, 20, 10, 30, 10] });
    expect(t).toBe('64x32;p3:10,10,30,10');
    const m = rasterizePaint(decodePaint(t), 64, 32);
    expect(m[10 * 64 + 20]).toBe(1);
    expect(m[10 * 64 + 33]).toBe(0); // centre 33.5 is 3.5 from (30,10)
    expect(m[20 * 64 + 20]).toBe(0);
  });
  it('appends erase strokes and leaves the existing text untouched', () => {
    const t = appendStroke('64x32;p3:10,10,30,10', 64, 32, { mode: 'erase', radius: 1.26, points: [20.04, 10.06] });
    expect(t).toBe('64x32;p3:10,10,30,10;e1.3:20,10.1');
    const m = rasterizePaint(decodePaint(t), 64, 32);
    expect(m[10 * 64 + 20]).toBe(0);
    expect(m[10 * 64 + 25]).toBe(1);
  });
  it('scales a stroke painted on another size into the document', () => {
    const t = appendStroke('100x50;p2:1,1', 200, 100, { mode: 'paint', radius: 8, points: [40, 20] });
    expect(t).toBe('100x50;p2:1,1;p4:20,10');
  });
  it('returns the text unchanged for an empty stroke', () => {
    expect(appendStroke('8x8;p1:1,1', 8, 8, { mode: 'paint', radius: 2, points: [] })).toBe('8x8;p1:1,1');
  });
  it('clear keeps the canvas size', () => {
    expect(clearStrokes('64x32;p3:10,10;e1:2,2')).toBe('64x32');
    expect(clearStrokes('')).toBe('');
  });
});

describe('paintCanvasSize / overlay', () => {
  it('prefers the image, then the document, then 256', () => {
    expect(paintCanvasSize('10x20', { width: 5, height: 6 })).toEqual({ width: 5, height: 6 });
    expect(paintCanvasSize('10x20;p1:1,1', null)).toEqual({ width: 10, height: 20 });
    expect(paintCanvasSize('', null)).toEqual({ width: 256, height: 256 });
  });
  it('colours holes only', () => {
    const o = maskOverlay(new Uint8Array([0, 1]), [1, 2, 3], 100);
    expect(Array.from(o)).toEqual([0, 0, 0, 0, 1, 2, 3, 100]);
  });
  it('converts gray and RGB images', () => {
    expect(Array.from(imageToRgba({ width: 1, height: 1, channels: 1, data: new Float32Array([0.5]) }))).toEqual([128, 128, 128, 255]);
    expect(Array.from(imageToRgba({ width: 1, height: 1, channels: 4, data: new Float32Array([1, 0, 0.2, 0.3]) }))).toEqual([255, 0, 51, 255]);
  });
});
