/**
 * "My components" in IndexedDB: a saved component gets version 1, saving it again (same id)
 * version 2; the list survives an unreadable row (reported, not thrown); a version-2 database
 * (graphs only) opens at version 3 with its graphs intact and an empty component table.
 */
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { ComponentLibrary } from '../../src/storage/componentLibrary';
import { PixelLoomDb, SCHEMA_V2 } from '../../src/storage/db';
import { NotFoundError, StorageError } from '../../src/storage/errors';

const opened: Dexie[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

function open(factory = new IDBFactory()): PixelLoomDb {
  const db = new PixelLoomDb('pixel-loom', { indexedDB: factory, IDBKeyRange });
  opened.push(db);
  return db;
}

describe('ComponentLibrary', () => {
  it('save → version 1, save again → version 2 of the same row; get, list by name, remove', async () => {
    let t = 1000;
    const lib = new ComponentLibrary(open(), () => t++);
    const a = await lib.save({ name: '  Soften ', text: '{"a":1}' });
    expect(a.version).toBe(1);
    const b = await lib.save({ name: 'Denoise', text: '{"b":1}' });
    const a2 = await lib.save({ id: a.id, name: 'Soften', text: '{"a":2}' });
    expect(a2).toEqual({ id: a.id, version: 2 });
    expect((await lib.get(a.id)).text).toBe('{"a":2}');
    expect((await lib.list()).map((r) => [r.name, r.version])).toEqual([
      ['Denoise', 1],
      ['Soften', 2],
    ]);
    await lib.remove(b.id);
    await expect(lib.get(b.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await lib.list()).map((r) => r.name)).toEqual(['Soften']);
  });

  it('an unreadable row is listed with the reason and refused by get', async () => {
    const db = open();
    await db.components.put({ id: 'bad', name: 'Broken', version: 1 } as never);
    const lib = new ComponentLibrary(db);
    expect(await lib.list()).toEqual([{ id: 'bad', name: 'Broken', version: 1, updatedAt: 0, corrupt: 'it has no component file text' }]);
    await expect(lib.get('bad')).rejects.toThrow(StorageError);
    await expect(lib.get('bad')).rejects.toThrow('the kept component "Broken" cannot be read: it has no component file text');
  });

  it('a version-2 database opens at version 3: graphs kept, components empty', async () => {
    const factory = new IDBFactory();
    const v2 = new Dexie('pixel-loom', { indexedDB: factory, IDBKeyRange });
    v2.version(2).stores(SCHEMA_V2);
    await v2.table('graphs').put({ id: 'g1', name: 'Kept', text: '{}', rev: 1 });
    v2.close();
    const db = open(factory);
    await db.open();
    expect(db.verno).toBe(3);
    expect((await db.graphs.get('g1'))?.name).toBe('Kept');
    expect(await db.components.count()).toBe(0);
  });
});
