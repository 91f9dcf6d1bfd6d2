import { describe, expect, it } from 'vitest';
import { insertIndex, parseReroute } from '../../src/editor/canvas/reroute';

describe('reroute points', () => {
  it('reads the points stored with an edge; anything else is no points', () => {
    expect(parseReroute([{ x: 1, y: 2 }, { x: -3.5, y: 0 }])).toEqual([{ x: 1, y: 2 }, { x: -3.5, y: 0 }]);
    expect(parseReroute(undefined)).toEqual([]);
    expect(parseReroute({ x: 1, y: 2 })).toEqual([]);
    expect(parseReroute([{ x: 1 }])).toEqual([]);
    expect(parseReroute([{ x: 1, y: '2' }])).toEqual([]);
  });

  it('a new point goes between the two points it adds the least length between', () => {
    const start = { x: 0, y: 0 };
    const end = { x: 300, y: 0 };
    const points = [{ x: 100, y: 100 }, { x: 200, y: 100 }];
    expect(insertIndex({ x: 50, y: 50 }, start, points, end)).toBe(0);
    expect(insertIndex({ x: 150, y: 100 }, start, points, end)).toBe(1);
    expect(insertIndex({ x: 260, y: 40 }, start, points, end)).toBe(2);
    expect(insertIndex({ x: 10, y: 5 }, start, [], end)).toBe(0);
  });
});
