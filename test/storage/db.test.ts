import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_VERSION, PixelLoomDb, SCHEMA_V1, upgradeGraphRowV1, type GraphRow } from '../../src/storage/db';
import { CorruptRowError } from '../../src/storage/errors';
import { GraphLibrary } from '../../src/storage/library';

const ASSET_A = 'asset:0123456789abcdef';
const ASSET_B = 'asset:fedcba9876543210';

function doc(name: string, sources: string[]): Record<string, unknown> {
  return {
    format: 'pixel-loom.graph',
    version: 1,
    name,
    nodes: sources.map((source, i) => ({ id: `load${i}`, type: 'image.load', params: { source }, position: { x: i * 320, y: 0 } })),
    edges: [],
  };
}

const opened: Dexie[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

/** A database at schema version 1, as an older build wrote it, filled with `rows`. */
async function writeV1(factory: IDBFactory, rows: unknown[]): Promise<void> {
  const v1 = new Dexie('pixel-loom', { indexedDB: factory, IDBKeyRange });
  v1.version(1).stores(SCHEMA_V1);
  await v1.table('graphs').bulkPut(rows);
  await v1.table('settings').put({ key: 'lastGraphId', value: 'g1' });
  expect(v1.verno).toBe(1);
  v1.close();
}

describe('PixelLoomDb schema', () => {
  it('creates a fresh database at the current version with every table', async () => {
    const db = new PixelLoomDb('fresh', { indexedDB: new IDBFactory(), IDBKeyRange });
    opened.push(db);
    await db.open();
    expect(db.verno).toBe(DB_VERSION);
    expect(db.tables.map((t) => t.name).sort()).toEqual(['assets', 'components', 'graphs', 'revisions', 'settings']);
    expect(db.graphs.schema.indexes.map((i) => i.name).sort()).toEqual(['assets', 'deletedAt', 'name', 'openedAt', 'updatedAt']);
    expect(db.graphs.schema.indexes.find((i) => i.name === 'assets')?.multi).toBe(true);
    expect(db.revisions.schema.primKey.auto).toBe(true);
  });

  it('upgrades a real version 1 database: v2 rows, first revisions, unreadable rows kept and marked', async () => {
    const factory = new IDBFactory();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const d1 = doc('First', [ASSET_B, 'cameraman.png', ASSET_A, ASSET_B]);
    const d2 = doc('Second', []);
    await writeV1(factory, [
      { id: 'g1', name: 'First', doc: d1, updatedAt: 1000 },
      { id: 'g2', name: 'Second', doc: d2, updatedAt: 2000 },
      { id: 'bad', name: 'Broken', doc: 'not a graph', updatedAt: 1500 },
      { id: 'loop', name: 'Loop', doc: cyclic, updatedAt: 1200 },
    ]);

    const db = new PixelLoomDb('pixel-loom', { indexedDB: factory, IDBKeyRange });
    opened.push(db);
    await db.open();
    expect(db.verno).toBe(DB_VERSION);

    const g1 = await db.graphs.get('g1');
    expect(g1).toEqual({
      id: 'g1',
      name: 'First',
      text: `${JSON.stringify(d1, null, 2)}\n`,
      rev: 1,
      createdAt: 1000,
      updatedAt: 1000,
      openedAt: 1000,
      deletedAt: null,
      assets: [ASSET_A, ASSET_B],
      base: '/',
      thumbnail: null,
      writer: 'upgrade',
    } satisfies GraphRow);
    expect((await db.graphs.get('g2'))?.assets).toEqual([]);
    // the new indexes work on upgraded rows
    expect(await db.graphs.where('assets').equals(ASSET_A).primaryKeys()).toEqual(['g1']);
    expect(await db.graphs.where('name').equals('Second').primaryKeys()).toEqual(['g2']);

    const revs = await db.revisions.orderBy('graphId').toArray();
    expect(revs.map(({ graphId, rev, savedAt }) => ({ graphId, rev, savedAt }))).toEqual([
      { graphId: 'g1', rev: 1, savedAt: 1000 },
      { graphId: 'g2', rev: 1, savedAt: 2000 },
    ]);
    expect(revs[0]!.text).toBe(g1!.text);

    const bad = (await db.graphs.get('bad')) as unknown as Record<string, unknown>;
    expect(bad.corrupt).toBe('version 1 row could not be upgraded: doc is a string, not a graph object');
    expect(bad.doc).toBe('not a graph'); // the original data is kept
    const loop = (await db.graphs.get('loop')) as unknown as Record<string, unknown>;
    expect(loop.corrupt).toMatch(/^version 1 row could not be upgraded: doc cannot be written as JSON \(.*circular/i);
    expect(await db.settings.get('lastGraphId')).toEqual({ key: 'lastGraphId', value: 'g1' });

    // the library opens with the good rows and reports the unreadable ones
    const lib = new GraphLibrary(db);
    const list = await lib.list();
    expect(list.map((s) => [s.id, s.corrupt ?? null])).toEqual([
      ['g2', null],
      ['bad', 'version 1 row could not be upgraded: doc is a string, not a graph object'],
      ['loop', loop.corrupt],
      ['g1', null],
    ]);
    expect(list.find((s) => s.id === 'g1')?.nodeCount).toBe(4);
    await expect(lib.get('bad')).rejects.toThrow(CorruptRowError);
    await expect(lib.get('bad')).rejects.toThrow('graphs row "bad" is unreadable: version 1 row could not be upgraded: doc is a string');
    expect((await lib.get('g1')).text).toBe(g1!.text);
    db.close();

    // opening again does not run the upgrade again
    const again = new PixelLoomDb('pixel-loom', { indexedDB: factory, IDBKeyRange });
    opened.push(again);
    expect(await again.revisions.count()).toBe(2);
    expect((await again.graphs.get('g1'))?.rev).toBe(1);
  });

  it('upgradeGraphRowV1 falls back for a missing name and marks rows it cannot key', () => {
    const { row, revision } = upgradeGraphRowV1({ id: 'x', doc: doc('From doc', []), updatedAt: 'yesterday' });
    expect(row.name).toBe('From doc');
    expect(typeof row.updatedAt).toBe('number');
    expect(revision).toMatchObject({ graphId: 'x', rev: 1, text: row.text });
    expect(upgradeGraphRowV1({ id: 'y', doc: [] }).row.corrupt).toBe('version 1 row could not be upgraded: doc is an array, not a graph object');
    expect(upgradeGraphRowV1({ id: 7, doc: doc('n', []) }).row.corrupt).toBe('version 1 row could not be upgraded: id is a number, not a string');
    expect(upgradeGraphRowV1({ id: 'z', name: 'No doc' }).revision).toBeNull();
  });
});
