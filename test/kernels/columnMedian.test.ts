/**
 * The presorted-column median networks of the SIMD kernels (src/kernels/selectionNetwork.ts,
 * columnMedianNetwork): checked by the 0-1 principle (a min/max network selects rank r of
 * every input iff it does so of every 0/1 input), exhaustively for 3×3 and 5×5 and on random
 * windows of real values for 7×7.
 */
import { describe, expect, it } from 'vitest';
import { columnMedianNetwork, type SelectOp } from '../../src/kernels/selectionNetwork';

function run(ops: readonly SelectOp[], values: number[]): number[] {
  const v = values.slice();
  for (const o of ops) v[o.out] = o.op === 'min' ? Math.min(v[o.a]!, v[o.b]!) : Math.max(v[o.a]!, v[o.b]!);
  return v;
}

/** The median of a size×size window (columns given) through the three stages. */
function windowMedian(size: number, columns: number[][]): number {
  const net = columnMedianNetwork(size);
  const sorted = columns.map((col) => {
    const c = col.slice();
    for (const [i, j] of net.columnSort) {
      const lo = Math.min(c[i]!, c[j]!);
      c[j] = Math.max(c[i]!, c[j]!);
      c[i] = lo;
    }
    return c;
  });
  const pair = (x: number): number[] => {
    const v = run(net.pairMerge.ops, [...sorted[x]!, ...sorted[x + 1]!]);
    return net.pairMerge.outputs.map((id) => v[id]!);
  };
  const inputs: number[] = [];
  for (let x = 0; x + 1 < size; x += 2) inputs.push(...pair(x));
  inputs.push(...sorted[size - 1]!);
  return run(net.window.ops, inputs)[net.window.result]!;
}

describe('column median networks', () => {
  it('op counts: fewer per output than the plain pruned network (26 vs 40, 116 vs 202)', () => {
    const per = (s: number): number => {
      const n = columnMedianNetwork(s);
      return 2 * n.columnSort.length + n.pairMerge.ops.length + n.window.ops.length;
    };
    expect(per(3)).toBe(26);
    expect(per(5)).toBe(116);
  });

  for (const size of [3, 5, 7]) {
    it(`${size}×${size}: the column sort sorts every 0/1 column`, () => {
      const net = columnMedianNetwork(size);
      for (let bits = 0; bits < 2 ** size; bits++) {
        const c = Array.from({ length: size }, (_, i) => (bits >>> i) & 1);
        for (const [i, j] of net.columnSort) {
          const lo = Math.min(c[i]!, c[j]!);
          c[j] = Math.max(c[i]!, c[j]!);
          c[i] = lo;
        }
        expect(c).toEqual(c.slice().sort((a, b) => a - b));
      }
    });
  }

  for (const size of [3, 5]) {
    // After the (checked) column sort a 0/1 window is its columns' counts of ones, so every
    // 0/1 window is covered by the (size + 1)^size column-sorted ones.
    it(`${size}×${size}: the median of every 0/1 window`, () => {
      const n = size * size;
      let wrong = 0;
      let cases = 0;
      for (let code = 0; code < (size + 1) ** size; code++) {
        let rest = code;
        let ones = 0;
        const cols = Array.from({ length: size }, () => {
          const z = rest % (size + 1);
          rest = Math.floor(rest / (size + 1));
          ones += z;
          return Array.from({ length: size }, (_, k) => (k >= size - z ? 1 : 0));
        });
        cases++;
        if (windowMedian(size, cols) !== (ones > (n - 1) / 2 ? 1 : 0)) wrong++;
      }
      expect(cases).toBe((size + 1) ** size);
      expect(wrong).toBe(0);
    });
  }

  it('7×7: the exact median of 3000 random windows (ties included)', () => {
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24) % 13;
    for (let t = 0; t < 3000; t++) {
      const cols = Array.from({ length: 7 }, () => Array.from({ length: 7 }, rnd));
      const all = cols.flat().sort((a, b) => a - b);
      expect(windowMedian(7, cols)).toBe(all[24]);
    }
  });
});
