/**
 * Selection networks: a fixed sequence of elementwise min/max ops that picks the element of
 * a given rank out of n inputs. Applied to n shifted views of an image, this computes a
 * rank filter (median) with elementwise min/max only: tensor ops (src/nodes/lib/selectNetwork.ts),
 * WebAssembly SIMD (scripts/tools/gen-median.ts) and WGSL (webgpu/median.ts) all run these.
 *
 * Construction: Batcher's odd–even merge sort on the next power of two (the padding wires
 * hold +∞ and are tracked symbolically on the host, so they cost nothing), then every op
 * that does not feed the requested output is pruned. Sizes: 40 ops for the median of 9,
 * 202 for 25, 590 for 49 (the best known median-of-9 / median-of-25 networks need 38 and
 * 198).
 */

export interface SelectOp {
  /** Value id this op defines (inputs are ids 0 … n−1). */
  readonly out: number;
  readonly op: 'min' | 'max';
  readonly a: number;
  readonly b: number;
}

export interface SelectNetwork {
  readonly inputs: number;
  readonly ops: readonly SelectOp[];
  /** Value id holding the selected element. */
  readonly result: number;
}

/** Comparator pairs (i < j: min to i, max to j) of Batcher's odd–even merge sort on n = 2^p wires. */
export function oddEvenMergeSortPairs(n: number): [number, number][] {
  const out: [number, number][] = [];
  for (let p = 1; p < n; p *= 2) {
    for (let k = p; k >= 1; k = Math.floor(k / 2)) {
      for (let j = k % p; j <= n - 1 - k; j += 2 * k) {
        for (let i = 0; i <= Math.min(k - 1, n - j - k - 1); i++) {
          if (Math.floor((i + j) / (2 * p)) === Math.floor((i + j + k) / (2 * p))) out.push([i + j, i + j + k]);
        }
      }
    }
  }
  return out;
}

const cache = new Map<string, SelectNetwork>();

/** A pruned network that selects the element of ascending rank `rank` (0-based) out of n. */
export function selectionNetwork(n: number, rank: number): SelectNetwork {
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(rank) || rank < 0 || rank >= n) {
    throw new Error(`selectionNetwork: need 0 ≤ rank < n, got n=${n}, rank=${rank}`);
  }
  const key = `${n}:${rank}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let size = 1;
  while (size < n) size *= 2;
  const INF = -1;
  const wires: number[] = [];
  for (let i = 0; i < size; i++) wires.push(i < n ? i : INF);
  const ops: SelectOp[] = [];
  let next = n;
  for (const [i, j] of oddEvenMergeSortPairs(size)) {
    const a = wires[i]!;
    const b = wires[j]!;
    if (b === INF) continue; // min(x, ∞) = x stays at i, ∞ stays at j
    if (a === INF) {
      wires[i] = b;
      wires[j] = INF;
      continue;
    }
    ops.push({ out: next, op: 'min', a, b });
    wires[i] = next++;
    ops.push({ out: next, op: 'max', a, b });
    wires[j] = next++;
  }
  const result = wires[rank]!;
  const needed = new Set<number>([result]);
  const kept: SelectOp[] = [];
  for (let i = ops.length - 1; i >= 0; i--) {
    const o = ops[i]!;
    if (!needed.has(o.out)) continue;
    needed.add(o.a);
    needed.add(o.b);
    kept.push(o);
  }
  kept.reverse();
  const net: SelectNetwork = { inputs: n, ops: kept, result };
  cache.set(key, net);
  return net;
}
