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

/**
 * The median of a size×size window from presorted columns, the structure of the SIMD median
 * kernels (scripts/tools/gen-median.ts):
 *
 * 1. `columnSort`: comparator pairs that sort one column of `size` values (shared by the
 *    `size` windows that contain that column);
 * 2. `pairMerge`: ops merging two sorted columns (x, x+1) into one sorted list of 2·size
 *    (inputs 0 … size−1 and size … 2·size−1; `pairOutputs` names the merged list), shared by
 *    the windows that start at x and x−2, …;
 * 3. `window`: ops selecting the median from the pairs at x, x+2, …, x+size−3 and the column
 *    x+size−1 (inputs: the pairs' lists one after another, then the column), pruned to the
 *    result.
 *
 * Per window this is 72 + 26 + 9·2 ops at 5×5 against 202 for the plain network.
 */
export interface ColumnMedianNetwork {
  readonly size: number;
  readonly columnSort: readonly [number, number][];
  readonly pairMerge: SelectNetworkMulti;
  readonly window: SelectNetwork;
}

/** A network with several outputs (ids in order). */
export interface SelectNetworkMulti {
  readonly inputs: number;
  readonly ops: readonly SelectOp[];
  readonly outputs: readonly number[];
}

/** Odd–even merge comparators of two sorted halves of n = 2^q wires (Batcher's last stage). */
function mergeStagePairs(n: number): [number, number][] {
  const out: [number, number][] = [];
  const p = n / 2;
  for (let k = p; k >= 1; k = Math.floor(k / 2)) {
    for (let j = k % p; j <= n - 1 - k; j += 2 * k) {
      for (let i = 0; i <= Math.min(k - 1, n - j - k - 1); i++) {
        if (Math.floor((i + j) / (2 * p)) === Math.floor((i + j + k) / (2 * p))) out.push([i + j, i + j + k]);
      }
    }
  }
  return out;
}

class NetBuilder {
  readonly ops: SelectOp[] = [];
  constructor(public next: number) {}
  /** Merges two sorted lists of value ids into one (padding wires hold +∞ symbolically). */
  merge(a: readonly number[], b: readonly number[]): number[] {
    const INF = -1;
    let size = 1;
    while (size < Math.max(a.length, b.length)) size *= 2;
    const wires = [...a, ...new Array<number>(size - a.length).fill(INF), ...b, ...new Array<number>(size - b.length).fill(INF)];
    for (const [i, j] of mergeStagePairs(2 * size)) {
      const x = wires[i]!;
      const y = wires[j]!;
      if (y === INF) continue;
      if (x === INF) {
        wires[i] = y;
        wires[j] = INF;
        continue;
      }
      this.ops.push({ out: this.next, op: 'min', a: x, b: y });
      wires[i] = this.next++;
      this.ops.push({ out: this.next, op: 'max', a: x, b: y });
      wires[j] = this.next++;
    }
    return wires.filter((w) => w !== INF);
  }
  pruned(result: number): SelectOp[] {
    const needed = new Set<number>([result]);
    const kept: SelectOp[] = [];
    for (let i = this.ops.length - 1; i >= 0; i--) {
      const o = this.ops[i]!;
      if (!needed.has(o.out)) continue;
      needed.add(o.a);
      needed.add(o.b);
      kept.push(o);
    }
    return kept.reverse();
  }
}

const columnCache = new Map<number, ColumnMedianNetwork>();

/** The presorted-column median network of an odd size ≥ 3 (see ColumnMedianNetwork). */
export function columnMedianNetwork(size: number): ColumnMedianNetwork {
  if (!Number.isInteger(size) || size < 3 || size % 2 === 0) throw new Error(`columnMedianNetwork: size must be an odd integer ≥ 3, got ${size}`);
  const hit = columnCache.get(size);
  if (hit) return hit;
  // 1. sorting one column: Batcher's sort on the next power of two, padding wires +∞
  let pow = 1;
  while (pow < size) pow *= 2;
  const columnSort = oddEvenMergeSortPairs(pow).filter(([, j]) => j < size);
  // 2. merging two sorted columns
  const pm = new NetBuilder(2 * size);
  const merged = pm.merge(
    Array.from({ length: size }, (_, i) => i),
    Array.from({ length: size }, (_, i) => size + i),
  );
  const pairMerge: SelectNetworkMulti = { inputs: 2 * size, ops: pm.ops, outputs: merged };
  // 3. the window: (size − 1) / 2 pairs then one column; the column first is the cheapest order
  const pairs = (size - 1) / 2;
  const inputs = pairs * 2 * size + size;
  const wb = new NetBuilder(inputs);
  const list = (start: number, n: number): number[] => Array.from({ length: n }, (_, i) => start + i);
  let acc = list(pairs * 2 * size, size);
  for (let p = 0; p < pairs; p++) acc = wb.merge(p === 0 ? list(0, 2 * size) : acc, p === 0 ? acc : list(p * 2 * size, 2 * size));
  const result = acc[(size * size - 1) / 2]!;
  const net: ColumnMedianNetwork = { size, columnSort, pairMerge, window: { inputs, ops: wb.pruned(result), result } };
  columnCache.set(size, net);
  return net;
}
