import { describe, expect, it } from 'vitest';
import { LITE_ABOVE, LITE_BELOW, liteAt, nearNodes, sameSet, VIRTUALIZE_ABOVE } from '../../src/editor/logic/lod';
import type { Rect } from '../../src/editor/logic/targets';

/** `n` nodes 248×300 in rows of 8, 260 px apart horizontally, 300 vertically. */
function grid(n: number): Map<string, Rect> {
  const m = new Map<string, Rect>();
  for (let i = 0; i < n; i++) m.set(`n${i}`, { x: (i % 8) * 260, y: Math.floor(i / 8) * 300, width: 248, height: 280 });
  return m;
}

describe('level of detail (logic/lod.ts)', () => {
  it('lite below 30 %, full above 36 %, unchanged in between (hysteresis)', () => {
    expect(LITE_BELOW).toBe(0.3);
    expect(LITE_ABOVE).toBe(0.36);
    expect(liteAt(false, 0.29)).toBe(true);
    expect(liteAt(false, 0.3)).toBe(false);
    expect(liteAt(false, 0.33)).toBe(false);
    expect(liteAt(true, 0.33)).toBe(true);
    expect(liteAt(true, 0.36)).toBe(true);
    expect(liteAt(true, 0.37)).toBe(false);
  });

  it('a graph of up to 60 nodes is never virtualized', () => {
    expect(VIRTUALIZE_ABOVE).toBe(60);
    expect(nearNodes(grid(60), { x: 100000, y: 100000, width: 10, height: 10 })).toBeNull();
    expect(nearNodes(grid(61), { x: 100000, y: 100000, width: 10, height: 10 })).toEqual(new Set());
  });

  it('near: nodes within half a viewport of it on every side', () => {
    // viewport 1000×600 at (0, 0): grown to x −500…1500, y −300…900
    const near = nearNodes(grid(200), { x: 0, y: 0, width: 1000, height: 600 })!;
    // columns 0..5 start before x 1500 (col 5: x 1300; col 6: x 1560 does not); rows 0..2 (y 0, 300, 600; row 3: y 900 does not)
    const want = new Set<string>();
    for (let r = 0; r < 3; r++) for (let c = 0; c < 6; c++) want.add(`n${r * 8 + c}`);
    expect(near).toEqual(want);
    // a view far down the graph: its rows, not the first ones
    const low = nearNodes(grid(200), { x: 0, y: 6000, width: 1000, height: 600 })!;
    expect(low.has('n0')).toBe(false);
    expect(low.has(`n${20 * 8}`)).toBe(true);
    expect(low.has(`n${18 * 8}`)).toBe(false); // row 18: y 5400…5680, above 6000 − 300
  });

  it('sameSet compares members; null equals only null', () => {
    expect(sameSet(null, null)).toBe(true);
    expect(sameSet(null, new Set())).toBe(false);
    expect(sameSet(new Set(['a', 'b']), new Set(['b', 'a']))).toBe(true);
    expect(sameSet(new Set(['a', 'b']), new Set(['a', 'c']))).toBe(false);
    expect(sameSet(new Set(['a']), new Set(['a', 'b']))).toBe(false);
  });
});
