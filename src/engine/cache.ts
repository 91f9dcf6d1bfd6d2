/**
 * The signature-keyed result cache (DESIGN.md §4). It OWNS the tensors of its entries:
 * they are disposed on eviction, delete and clear, never by anyone else. Entries pinned by
 * a live evaluation result are never evicted or disposed; clearing the cache while an entry
 * is pinned removes it from lookup at once and disposes it when its last pin is released.
 *
 * Eviction is GreedyDual-Size: every entry has a priority H = L + cost / size, where cost
 * is its compute time (ms) and size its bytes; the unpinned entry with the lowest H goes
 * first (ties: least recently used first) and L rises to the evicted H, so entries not used
 * for a while age out. Big entries that were cheap to compute go first; small expensive
 * ones stay longest.
 */
import { Tensor } from '@tensorflow/tfjs-core';
import type { Value } from './types';

export const DEFAULT_CACHE_BUDGET_BYTES = 512 * 1024 * 1024;
/** Bytes charged for a number output, and the smallest size an entry is charged. */
const NUMBER_BYTES = 8;
const MIN_ENTRY_BYTES = 64;
/** Added to every compute time so that free (0 ms) entries still rank by size. */
const COST_FLOOR_MS = 0.01;

export interface CacheEntry {
  readonly signature: string;
  readonly outputs: Readonly<Record<string, Value>>;
  /** Bytes held by the entry's tensors (each distinct tensor counted once). */
  readonly bytes: number;
  /** Time it took to compute (ms), the cost of recomputing it after eviction. */
  readonly computeMs: number;
  /** Logical time of the last insert or hit (monotonic counter). */
  lastUsed: number;
  /** Live pins; a pinned entry is never evicted or disposed. */
  pins: number;
  /** GreedyDual-Size priority. */
  priority: number;
  /** True once the entry has left the cache (its tensors are disposed, or will be when unpinned). */
  removed: boolean;
}

export function tensorBytes(t: Tensor): number {
  const per = t.dtype === 'complex64' ? 8 : t.dtype === 'bool' ? 1 : t.dtype === 'string' ? 0 : 4;
  return t.size * per;
}

function distinctTensors(outputs: Readonly<Record<string, Value>>): Tensor[] {
  const seen = new Set<Tensor>();
  for (const v of Object.values(outputs)) if (v instanceof Tensor) seen.add(v);
  return [...seen];
}

export class TensorCache {
  private readonly map = new Map<string, CacheEntry>();
  /** Removed while pinned: disposed when the last pin goes. */
  private readonly doomed = new Set<CacheEntry>();
  /** How many entries (live or doomed) hold each tensor: a tensor is disposed at 0. */
  private readonly holders = new Map<Tensor, number>();
  private clock = 0;
  private inflation = 0;
  private liveBytes = 0;
  budget: number;

  constructor(budgetBytes: number = DEFAULT_CACHE_BUDGET_BYTES) {
    if (!(budgetBytes >= 0)) throw new Error(`cache budget ${budgetBytes} must be a number of bytes ≥ 0`);
    this.budget = budgetBytes;
  }

  get size(): number {
    return this.map.size;
  }

  /** Bytes of the entries that can still be looked up. */
  get bytes(): number {
    return this.liveBytes;
  }

  /** Bytes of removed entries still held because they are pinned. */
  get doomedBytes(): number {
    let b = 0;
    for (const e of this.doomed) b += e.bytes;
    return b;
  }

  has(signature: string): boolean {
    return this.map.has(signature);
  }

  /** Looks an entry up without counting it as used. */
  peek(signature: string): CacheEntry | undefined {
    return this.map.get(signature);
  }

  /** Looks an entry up and marks it as just used. */
  get(signature: string): CacheEntry | undefined {
    const e = this.map.get(signature);
    if (e) this.touch(e);
    return e;
  }

  /**
   * Inserts computed outputs; the cache takes ownership of their tensors. A tensor that is
   * already held by another entry is shared (counted), not disposed twice. Replacing an
   * existing signature removes the old entry first.
   */
  set(signature: string, outputs: Readonly<Record<string, Value>>, computeMs: number): CacheEntry {
    const old = this.map.get(signature);
    const tensors = distinctTensors(outputs);
    // Count the new holders before removing the old entry so shared tensors survive.
    for (const t of tensors) this.holders.set(t, (this.holders.get(t) ?? 0) + 1);
    if (old) this.remove(old);
    let bytes = 0;
    for (const t of tensors) bytes += tensorBytes(t);
    for (const v of Object.values(outputs)) if (typeof v === 'number') bytes += NUMBER_BYTES;
    const entry: CacheEntry = {
      signature,
      outputs: Object.freeze({ ...outputs }),
      bytes,
      computeMs: Math.max(0, computeMs),
      lastUsed: 0,
      pins: 0,
      priority: 0,
      removed: false,
    };
    this.map.set(signature, entry);
    this.liveBytes += bytes;
    this.touch(entry);
    return entry;
  }

  pin(entry: CacheEntry): void {
    if (entry.removed && !this.doomed.has(entry)) throw new Error(`cache entry ${entry.signature} was already disposed`);
    entry.pins++;
  }

  unpin(entry: CacheEntry): void {
    if (entry.pins <= 0) {
      if (entry.removed) return; // already force-disposed by disposeAll()
      throw new Error(`cache entry ${entry.signature} is not pinned`);
    }
    entry.pins--;
    if (entry.pins === 0 && this.doomed.has(entry)) {
      this.doomed.delete(entry);
      this.release(entry);
    }
  }

  /** Removes one entry (disposed now, or when unpinned). Returns whether it was present. */
  delete(signature: string): boolean {
    const e = this.map.get(signature);
    if (!e) return false;
    this.remove(e);
    return true;
  }

  /** Evicts unpinned entries until the live bytes fit the budget. Returns how many went. */
  evictToBudget(budget: number = this.budget): number {
    let evicted = 0;
    while (this.liveBytes > budget) {
      let victim: CacheEntry | undefined;
      for (const e of this.map.values()) {
        if (e.pins > 0) continue;
        if (!victim || e.priority < victim.priority || (e.priority === victim.priority && e.lastUsed < victim.lastUsed)) victim = e;
      }
      if (!victim) break;
      this.inflation = Math.max(this.inflation, victim.priority);
      this.remove(victim);
      evicted++;
    }
    return evicted;
  }

  /** Removes every entry: unpinned ones are disposed now, pinned ones when released. */
  clear(): void {
    for (const e of [...this.map.values()]) this.remove(e);
    this.inflation = 0;
  }

  /** Disposes everything, pinned entries included (the engine is going away). */
  disposeAll(): void {
    this.clear();
    for (const e of [...this.doomed]) {
      this.doomed.delete(e);
      e.pins = 0;
      this.release(e);
    }
  }

  entries(): IterableIterator<CacheEntry> {
    return this.map.values();
  }

  private touch(e: CacheEntry): void {
    e.lastUsed = ++this.clock;
    e.priority = this.inflation + (e.computeMs + COST_FLOOR_MS) / Math.max(e.bytes, MIN_ENTRY_BYTES);
  }

  private remove(e: CacheEntry): void {
    if (this.map.get(e.signature) === e) this.map.delete(e.signature);
    if (e.removed) return;
    e.removed = true;
    this.liveBytes -= e.bytes;
    if (e.pins > 0) this.doomed.add(e);
    else this.release(e);
  }

  /** Drops this entry's hold on its tensors, disposing those no other entry holds. */
  private release(e: CacheEntry): void {
    for (const t of distinctTensors(e.outputs)) {
      const n = (this.holders.get(t) ?? 1) - 1;
      if (n > 0) {
        this.holders.set(t, n);
      } else {
        this.holders.delete(t);
        if (!t.isDisposed) t.dispose();
      }
    }
  }
}
