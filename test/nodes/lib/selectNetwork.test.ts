import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { testBackends, useBackend } from '../../helpers/backends';
import { oddEvenMergeSortPairs, runSelectionNetwork, selectionNetwork, type SelectNetwork } from '../../../src/nodes/lib/selectNetwork';

/** Evaluates a network on plain numbers (host side). */
function evalHost(net: SelectNetwork, xs: number[]): number {
  const v = new Map<number, number>(xs.map((x, i) => [i, x]));
  for (const o of net.ops) v.set(o.out, (o.op === 'min' ? Math.min : Math.max)(v.get(o.a)!, v.get(o.b)!));
  return v.get(net.result)!;
}

/** Deterministic pseudo-random numbers (LCG), with deliberate ties. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s / 2 ** 32) * 40) / 40;
  };
}

describe('selection networks (host, exact)', () => {
  it('Batcher odd–even merge sort sorts all 0/1 inputs of 8 wires (0-1 principle)', () => {
    const pairs = oddEvenMergeSortPairs(8);
    expect(pairs.length).toBe(19);
    for (let bits = 0; bits < 256; bits++) {
      const w = Array.from({ length: 8 }, (_, i) => (bits >> i) & 1);
      for (const [i, j] of pairs) if (w[i]! > w[j]!) [w[i], w[j]] = [w[j]!, w[i]!];
      expect(w).toEqual([...w].sort((a, b) => a - b));
    }
  });

  it('median networks of 9, 25, 49, 225 inputs pick the median of random data with ties', () => {
    const rnd = lcg(7);
    for (const n of [9, 25, 49, 225]) {
      const net = selectionNetwork(n, (n - 1) / 2);
      for (let t = 0; t < 50; t++) {
        const xs = Array.from({ length: n }, rnd);
        expect(evalHost(net, xs)).toBe([...xs].sort((a, b) => a - b)[(n - 1) / 2]);
      }
    }
    expect(selectionNetwork(9, 4).ops.length).toBe(40);
    expect(selectionNetwork(25, 12).ops.length).toBe(202);
  });

  it('any rank works (min, max, rank 2 of 5)', () => {
    const rnd = lcg(11);
    for (const rank of [0, 2, 4]) {
      const net = selectionNetwork(5, rank);
      for (let t = 0; t < 30; t++) {
        const xs = Array.from({ length: 5 }, rnd);
        expect(evalHost(net, xs)).toBe([...xs].sort((a, b) => a - b)[rank]);
      }
    }
    expect(() => selectionNetwork(5, 5)).toThrow(/rank < n/);
  });
});

for (const backend of testBackends) {
  describe(`runSelectionNetwork on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });
    it('computes an elementwise median of 9 tensors exactly and frees its intermediates', async () => {
      const rnd = lcg(3);
      const data = Array.from({ length: 9 }, () => Array.from({ length: 12 }, rnd));
      const inputs = data.map((d) => tf.tensor1d(d));
      const before = tf.memory().numTensors;
      const out = runSelectionNetwork(selectionNetwork(9, 4), inputs);
      expect(tf.memory().numTensors).toBe(before + 1);
      const got = Array.from(await out.data());
      for (let i = 0; i < 12; i++) {
        const col = data.map((d) => Math.fround(d[i]!)).sort((a, b) => a - b);
        expect(got[i]).toBe(col[4]);
      }
      expect(inputs.every((t) => !t.isDisposed)).toBe(true);
      tf.dispose([out, ...inputs]);
    });
  });
}
