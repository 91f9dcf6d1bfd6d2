/**
 * Persistent results in the browser (DESIGN.md §4, issue 24): node results by signature in
 * an IndexedDB database of their own (`pixel-loom-results`), apart from the graph library, so
 * they are evicted first and never cost a graph or an asset. A size cap (default 512 MB) with
 * least-recently-used eviction; a quota error (or no IndexedDB at all) turns the store off
 * for this session — results stay in memory only — and says so once.
 */
import { decodeResult, encodeResult } from '../engine/resultCodec';
import type { ResultStore, StoredValue } from '../engine/resultStore';

export const RESULTS_DB = 'pixel-loom-results';
export const DEFAULT_RESULTS_CAP = 512 * 1024 * 1024;

interface Row {
  key: string;
  bytes: Uint8Array;
  size: number;
  usedAt: number;
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
  });
}

export function isQuota(e: unknown): boolean {
  const name = (e as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

export class IdbResultStore implements ResultStore {
  private db: Promise<IDBDatabase> | null = null;
  /** Why results are kept in memory only (null while the store works). */
  off: string | null = null;
  private total: number | null = null;
  private count = 0;
  private clock = 0;

  constructor(
    private cap = DEFAULT_RESULTS_CAP,
    private readonly onOff: (why: string) => void = () => undefined,
    private readonly factory: IDBFactory | undefined = typeof indexedDB === 'undefined' ? undefined : indexedDB,
  ) {
    if (!factory) this.turnOff('this browser gives no IndexedDB here');
  }

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const r = this.factory!.open(RESULTS_DB, 1);
      r.onupgradeneeded = () => {
        const os = r.result.createObjectStore('results', { keyPath: 'key' });
        os.createIndex('usedAt', 'usedAt');
      };
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error ?? new Error('cannot open the results database'));
    });
    return this.db;
  }

  private turnOff(why: string): void {
    if (this.off) return;
    this.off = why;
    this.onOff(why);
  }

  /** Bytes and entries kept (read once, then followed). */
  async info(): Promise<{ bytes: number; entries: number; cap: number; off: string | null }> {
    if (!this.off) await this.sizes().catch(() => undefined);
    return { bytes: this.total ?? 0, entries: this.count, cap: this.cap, off: this.off };
  }

  private async sizes(): Promise<number> {
    if (this.total !== null) return this.total;
    const db = await this.open();
    const rows = (await request(db.transaction('results').objectStore('results').getAll())) as Row[];
    this.total = rows.reduce((a, r) => a + r.size, 0);
    this.count = rows.length;
    this.clock = rows.reduce((a, r) => Math.max(a, r.usedAt), Date.now());
    return this.total;
  }

  private stamp(): number {
    this.clock = Math.max(this.clock + 1, Date.now());
    return this.clock;
  }

  async get(key: string): Promise<Record<string, StoredValue> | null> {
    if (this.off) return null;
    try {
      const db = await this.open();
      const tx = db.transaction('results', 'readwrite');
      const os = tx.objectStore('results');
      const row = (await request(os.get(key))) as Row | undefined;
      if (!row) return null;
      os.put({ ...row, usedAt: this.stamp() });
      await done(tx);
      return decodeResult(row.bytes);
    } catch {
      return null;
    }
  }

  async put(key: string, outputs: Readonly<Record<string, StoredValue>>): Promise<void> {
    if (this.off) return;
    const bytes = encodeResult(outputs);
    if (bytes.length > this.cap / 2) return; // one result never takes more than half the cache
    try {
      await this.sizes();
      const db = await this.open();
      const tx = db.transaction('results', 'readwrite');
      const os = tx.objectStore('results');
      const old = (await request(os.get(key))) as Row | undefined;
      os.put({ key, bytes, size: bytes.length, usedAt: this.stamp() } satisfies Row);
      await done(tx);
      this.total = (this.total ?? 0) + bytes.length - (old?.size ?? 0);
      if (!old) this.count++;
      if (this.total > this.cap) await this.evict(this.cap * 0.9);
    } catch (e) {
      if (isQuota(e)) this.turnOff("the browser's storage for this site is full: previews are kept in memory only this session");
    }
  }

  /** Deletes least recently used results until at most `target` bytes stay. */
  private async evict(target: number): Promise<void> {
    const db = await this.open();
    const tx = db.transaction('results', 'readwrite');
    const cursor = tx.objectStore('results').index('usedAt').openCursor();
    await new Promise<void>((resolve, reject) => {
      cursor.onsuccess = () => {
        const c = cursor.result;
        if (!c || (this.total ?? 0) <= target) return resolve();
        const row = c.value as Row;
        c.delete();
        this.total = (this.total ?? 0) - row.size;
        this.count--;
        c.continue();
      };
      cursor.onerror = () => reject(cursor.error ?? new Error('eviction failed'));
    });
    await done(tx);
  }

  async setCap(cap: number): Promise<void> {
    this.cap = cap;
    if (!this.off && (await this.sizes()) > cap) await this.evict(cap);
  }

  /** Clear: every kept result is deleted. */
  async clear(): Promise<void> {
    if (!this.factory) return;
    const db = await this.open();
    const tx = db.transaction('results', 'readwrite');
    tx.objectStore('results').clear();
    await done(tx);
    this.total = 0;
    this.count = 0;
  }
}
