import { describe, expect, it } from 'vitest';
import { boundingBox, columnsOf, fitZoom, wrapAt, wrapTallColumns } from '../../src/editor/logic/wrapColumns';
import type { Rect } from '../../src/editor/logic/targets';

const r = (x: number, y: number, width = 200, height = 100): Rect => ({ x, y, width, height });
const overlaps = (m: Map<string, Rect>): string[] => {
  const list = [...m];
  const out: string[] = [];
  for (let i = 0; i < list.length; i++)
    for (let j = i + 1; j < list.length; j++) {
      const [a, A] = list[i]!;
      const [b, B] = list[j]!;
      if (A.x < B.x + B.width && B.x < A.x + A.width && A.y < B.y + B.height && B.y < A.y + A.height) out.push(`${a}/${b}`);
    }
  return out;
};

describe('wrapping tall columns after Arrange', () => {
  // one source, a column of 12 nodes, one sink: 12 × 140 = 1680 px tall, 3 columns wide
  const tall = new Map<string, Rect>([['src', r(0, 790)], ...Array.from({ length: 12 }, (_, i) => [`m${i}`, r(300, i * 140)] as [string, Rect]), ['sink', r(600, 790)]]);

  it('groups nodes into columns by overlapping x ranges', () => {
    expect(columnsOf(tall).map((c) => c.length)).toEqual([1, 12, 1]);
    expect(columnsOf(tall)[1]!.slice(0, 3)).toEqual(['m0', 'm1', 'm2']);
  });

  it('wrapAt stacks a column into sub-columns and moves the later columns right', () => {
    const w = wrapAt(tall, 600, 64, 40);
    expect(w.get('m0')).toEqual(r(300, 0));
    expect(w.get('m3')).toEqual(r(300, 420));
    expect(w.get('m4')).toEqual(r(564, 0)); // next sub-column: 300 + 200 + 64
    expect(w.get('m11')!.x).toBe(300 + 2 * 264);
    expect(w.get('sink')!.x).toBe(600 + 2 * 264);
    // the one-node columns are centred on the wrapped one (4 × 100 + 3 × 40 = 520 tall)
    expect(w.get('src')).toEqual(r(0, 210));
    expect(w.get('sink')!.y).toBe(210);
    expect(boundingBox(w.values())).toEqual({ x: 0, y: 0, width: 600 + 2 * 264 + 200, height: 520 });
    expect(overlaps(w)).toEqual([]);
  });

  it('picks the wrap that fits a wide view at the largest zoom, never a smaller one', () => {
    const view = { w: 1200, h: 700 };
    const before = fitZoom(boundingBox(tall.values()), view);
    const w = wrapTallColumns(tall, { view });
    const after = fitZoom(boundingBox(w.values()), view);
    expect(before).toBeCloseTo(0.9 * (700 / 1640), 6);
    expect(after).toBeGreaterThan(before * 1.5);
    expect(overlaps(w)).toEqual([]);
    // a layout that already fits is returned unchanged
    const flat = new Map<string, Rect>([['a', r(0, 0)], ['b', r(300, 0)], ['c', r(600, 0)]]);
    expect(wrapTallColumns(flat, { view })).toEqual(flat);
  });
});
