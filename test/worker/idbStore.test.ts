/**
 * The browser's kept previews (worker/idbStore.ts) over fake-indexeddb: results round-trip;
 * the size cap evicts the least recently used (a read counts as a use); a quota error turns
 * the store off once, with the reason; Clear empties it; a second store on the same database
 * sees what the first kept (a reopened page).
 */
import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { StoredValue } from '../../src/engine/resultStore';
import { IdbResultStore } from '../../src/worker/idbStore';

const image = (fill: number, n = 1000): Record<string, StoredValue> => ({ image: { kind: 'tensor', dtype: 'float32', shape: [n], data: new Float32Array(n).fill(fill) } });

describe('IdbResultStore', () => {
  it('round-trips; a second store on the same database sees the results; Clear empties it', async () => {
    const factory = new IDBFactory();
    const a = new IdbResultStore(1e9, undefined, factory);
    await a.put('k1', { ...image(0.5, 3), score: { kind: 'number', value: 12.5 } });
    const b = new IdbResultStore(1e9, undefined, factory);
    const got = await b.get('k1');
    expect(got?.score).toEqual({ kind: 'number', value: 12.5 });
    expect(got?.image).toEqual({ kind: 'tensor', dtype: 'float32', shape: [3], data: new Float32Array([0.5, 0.5, 0.5]) });
    expect(await b.get('missing')).toBeNull();
    expect(await b.info()).toMatchObject({ entries: 1, off: null });
    await b.clear();
    expect(await b.get('k1')).toBeNull();
    expect((await b.info()).bytes).toBe(0);
  });

  it('the cap evicts the least recently used results (a read is a use)', async () => {
    const s = new IdbResultStore(10_000, undefined, new IDBFactory()); // room for two 4 kB results
    await s.put('a', image(1, 1000));
    await s.put('b', image(2, 1000));
    expect(await s.get('a')).not.toBeNull(); // a is now newer than b
    await s.put('c', image(3, 1000));
    expect(await s.get('b')).toBeNull();
    expect(await s.get('a')).not.toBeNull();
    expect(await s.get('c')).not.toBeNull();
    const info = await s.info();
    expect(info.entries).toBe(2);
    expect(info.bytes).toBeLessThanOrEqual(info.cap);
  });

  it('a quota error turns the store off once, saying why; then it stores and finds nothing', async () => {
    const factory = new IDBFactory();
    const reasons: string[] = [];
    const s = new IdbResultStore(1e9, (why) => reasons.push(why), factory);
    await s.put('ok', image(1, 4));
    const realPut = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function () {
      throw Object.assign(new Error('full'), { name: 'QuotaExceededError' });
    };
    try {
      await s.put('big', image(2, 4));
      await s.put('big2', image(2, 4));
    } finally {
      IDBObjectStore.prototype.put = realPut;
    }
    expect(reasons).toEqual(["the browser's storage for this site is full: previews are kept in memory only this session"]);
    expect(s.off).toBe(reasons[0]);
    expect(await s.get('ok')).toBeNull();
    expect(new IdbResultStore(1e9, undefined, undefined).off).toBe('this browser gives no IndexedDB here');
  });
});
