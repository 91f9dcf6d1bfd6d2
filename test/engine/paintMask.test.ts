/** The painted-mask encoding (src/engine/paintMask.ts): parse, encode, exact rasterization, errors. */
import { describe, expect, it } from 'vitest';
import { decodePaint, drawPolyline, encodePaint, paintProblem, quantize, rasterizePaint } from '../../src/engine/paintMask';

function pixels(bits: Uint8Array, w: number): string[] {
  const out: string[] = [];
  bits.forEach((v, i) => {
    if (v) out.push(`${Math.floor(i / w)},${i % w}`);
  });
  return out;
}

describe('paint mask encoding', () => {
  it('decodes the canvas size and strokes', () => {
    const doc = decodePaint('64x32;p6:10,20,40.5,22;e3:30,21');
    expect(doc).toEqual({
      width: 64,
      height: 32,
      strokes: [
        { mode: 'paint', radius: 6, points: [10, 20, 40.5, 22] },
        { mode: 'erase', radius: 3, points: [30, 21] },
      ],
    });
  });

  it('encodes with 0.1 px precision and round-trips', () => {
    const text = encodePaint({ width: 100, height: 50, strokes: [{ mode: 'paint', radius: 4.25, points: [1.04, 2.96, -0.02, 49.99] }, { mode: 'erase', radius: 2, points: [7, 8] }] });
    expect(text).toBe('100x50;p4.3:1,3,0,50;e2:7,8');
    expect(encodePaint(decodePaint(text))).toBe(text);
    expect(quantize(12.345)).toBe(12.3);
  });

  it('the empty string is an empty document', () => {
    expect(decodePaint('')).toEqual({ width: 0, height: 0, strokes: [] });
    expect(decodePaint('  ')).toEqual({ width: 0, height: 0, strokes: [] });
  });

  it('names the problem in bad text', () => {
    expect(paintProblem('p3:1,2')).toMatch(/must start with the canvas size "<width>x<height>"/);
    expect(paintProblem('10x0')).toMatch(/canvas 10x0 is outside 1 … 8192/);
    expect(paintProblem('10x10;q3:1,2')).toMatch(/stroke 1 starts with "q"; expected p \(paint\) or e \(erase\)/);
    expect(paintProblem('10x10;p3:1,2;p0:1,1')).toMatch(/stroke 2: radius 0 is outside \(0, 1024\]/);
    expect(paintProblem('10x10;p3:1,2,3')).toMatch(/stroke 1: expected x,y pairs of numbers, got 3 values/);
    expect(paintProblem('10x10;p3:1,abc')).toMatch(/stroke 1: coordinate 2 "abc" is not a number/);
    expect(paintProblem('10x10;p3 1,2')).toMatch(/has no ":"/);
    expect(paintProblem('10x10;p3:1,2;')).toMatch(/stroke 2 is empty/);
    expect(paintProblem('10x10;p3:1,2')).toBeNull();
  });
});

describe('paint mask rasterization', () => {
  it('a dot of radius 1.5 at a pixel corner covers the 4 pixels around it', () => {
    // Centres (4.5, 4.5) … are 0.707 px from (5, 5); the next ring is √(1.5² + 0.5²) = 1.58 px away.
    const bits = rasterizePaint(decodePaint('10x10;p1.5:5,5'), 10, 10);
    expect(pixels(bits, 10)).toEqual(['4,4', '4,5', '5,4', '5,5']);
  });

  it('a dot of radius 1.6 adds the 8 pixels at 1.58 px', () => {
    const bits = rasterizePaint(decodePaint('10x10;p1.6:5,5'), 10, 10);
    expect(pixels(bits, 10).length).toBe(12);
    expect(pixels(bits, 10)).toContain('3,4');
    expect(pixels(bits, 10)).not.toContain('3,3');
  });

  it('a horizontal segment covers a band of rows, and the eraser clears after painting', () => {
    // Segment y = 5 from x = 2 to 8, radius 1: rows 4 and 5 (centres 4.5, 5.5 at 0.5 px), columns whose
    // centre is within the capsule: 1.5 … 8.5 → columns 2 … 7 plus the rounded ends (1 and 8 at 0.5 px).
    const painted = rasterizePaint(decodePaint('12x12;p1:2,5,8,5'), 12, 12);
    const expected: string[] = [];
    for (const y of [4, 5]) for (let x = 1; x <= 8; x++) expected.push(`${y},${x}`);
    expect(pixels(painted, 12)).toEqual(expected);
    const erased = rasterizePaint(decodePaint('12x12;p1:2,5,8,5;e1:5,5'), 12, 12);
    expect(pixels(erased, 12)).toEqual(expected.filter((p) => !['4,4', '4,5', '5,4', '5,5'].includes(p)));
  });

  it('scales strokes to another size and is exact at the canvas size', () => {
    const doc = decodePaint('10x10;p1.5:5,5');
    const big = rasterizePaint(doc, 20, 20);
    // Scaled ×2: a dot of radius 3 at (10, 10) — disk of centres within 3 px: 32 pixels.
    let n = 0;
    for (let y = 0; y < 20; y++) for (let x = 0; x < 20; x++) if ((x + 0.5 - 10) ** 2 + (y + 0.5 - 10) ** 2 <= 9) n++;
    expect(pixels(big, 20).length).toBe(n);
    expect(n).toBe(32);
  });

  it('clips strokes to the canvas', () => {
    const out = new Uint8Array(16);
    drawPolyline(out, 4, 4, [-10, -10, 0.5, 0.5], 0.8, 1);
    expect(pixels(out, 4)).toEqual(['0,0']);
  });
});
