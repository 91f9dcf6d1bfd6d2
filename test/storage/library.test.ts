import type { DBCore, DBCoreMutateRequest, DBCoreMutateResponse, Middleware } from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { hashBytes } from '../../src/engine/signature';
import { PixelLoomDb, type GraphRow } from '../../src/storage/db';
import { ConflictError, CorruptRowError, NotFoundError, StorageError, StorageFullError } from '../../src/storage/errors';
import { COALESCE_MS, GraphLibrary, MAX_REVISIONS, uniqueGraphName, type GraphSummary } from '../../src/storage/library';

/** A graph file text in the canonical layout (2-space indent, trailing newline). */
function graphText(name: string, sources: string[] = [], extraNodes = 0): string {
  const nodes = sources.map((source, i) => ({ id: `load${i}`, type: 'image.load', params: { source }, position: { x: i * 320, y: 0 } }));
  for (let i = 0; i < extraNodes; i++) nodes.push({ id: `n${i}`, type: 'noise.gaussian', params: { source: `v${i}` }, position: { x: 0, y: 440 } });
  return `${JSON.stringify({ format: 'pixel-loom.graph', version: 1, name, nodes, edges: [], ui: { zoom: 1 } }, null, 2)}\n`;
}

const bytesA = new Uint8Array([137, 80, 78, 71, 1, 2, 3]);
const bytesB = new Uint8Array([137, 80, 78, 71, 9, 9, 9, 9]);
const bytesC = new Uint8Array([255, 216, 255, 0]);
const idOf = (b: Uint8Array): string => `asset:${hashBytes(b)}`;

const opened: PixelLoomDb[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

interface Setup {
  db: PixelLoomDb;
  lib: GraphLibrary;
  clock: { t: number };
  factory: IDBFactory;
}

/** A fresh database (own fake IndexedDB) and a library with a settable clock. */
function setup(opts: { factory?: IDBFactory; tabId?: string; middleware?: Middleware<DBCore> } = {}): Setup {
  const factory = opts.factory ?? new IDBFactory();
  const db = new PixelLoomDb('pixel-loom', { indexedDB: factory, IDBKeyRange });
  if (opts.middleware) db.use(opts.middleware);
  opened.push(db);
  const clock = { t: 1_000_000 };
  const lib = new GraphLibrary(db, { now: () => clock.t, tabId: opts.tabId ?? 'tab-1' });
  return { db, lib, clock, factory };
}

/** Everything stored, for before/after comparisons (Blobs as their bytes). */
async function snapshot(db: PixelLoomDb): Promise<unknown> {
  const blob = async (b: unknown): Promise<unknown> => (b instanceof Blob ? [...new Uint8Array(await b.arrayBuffer())] : b);
  const graphs = await Promise.all((await db.graphs.toArray()).map(async (g) => ({ ...g, thumbnail: await blob(g.thumbnail) })));
  const assets = await Promise.all((await db.assets.toArray()).map(async (a) => ({ ...a, bytes: await blob(a.bytes) })));
  return { graphs, revisions: await db.revisions.toArray(), assets, settings: await db.settings.toArray() };
}

describe('GraphLibrary: create, get, list, search, recent', () => {
  it('creates graphs with a first revision and lists them newest first', async () => {
    const { lib, clock } = setup();
    const a = await lib.create({ name: 'Denoise', text: graphText('Denoise', [], 3) });
    clock.t += 10;
    const b = await lib.create({ name: 'Inpaint faces', text: graphText('Inpaint faces'), base: '/graphs/', reason: 'import' });
    clock.t += 10;
    const c = await lib.create({ name: 'GAN gallery', text: graphText('GAN gallery', [], 1) });

    expect(a).toMatchObject({ name: 'Denoise', rev: 1, createdAt: 1_000_000, updatedAt: 1_000_000, openedAt: 1_000_000, deletedAt: null, base: '/', writer: 'tab-1' });
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    expect(await lib.get(b.id)).toEqual(b);
    expect(b.base).toBe('/graphs/');
    expect((await lib.revisions(b.id)).map((r) => [r.rev, r.reason, r.text])).toEqual([[1, 'import', b.text]]);

    const list = await lib.list();
    expect(list.map((s) => s.name)).toEqual(['GAN gallery', 'Inpaint faces', 'Denoise']);
    expect(list[2]).toEqual({
      id: a.id,
      name: 'Denoise',
      rev: 1,
      updatedAt: 1_000_000,
      openedAt: 1_000_000,
      deletedAt: null,
      nodeCount: 3,
      thumbnail: null,
    } satisfies GraphSummary);
    expect((await lib.list({ query: '  iNpAiNt ' })).map((s) => s.id)).toEqual([b.id]);
    expect((await lib.list({ query: 'E' })).map((s) => s.id)).toEqual([c.id, b.id, a.id]);
    expect(await lib.list({ query: 'zzz' })).toEqual([]);

    clock.t += 100;
    await lib.markOpened(a.id);
    clock.t += 100;
    await lib.markOpened(b.id);
    expect((await lib.recent()).map((s) => s.id)).toEqual([b.id, a.id, c.id]);
    expect((await lib.recent(1)).map((s) => s.id)).toEqual([b.id]);
    await lib.trash(b.id);
    expect((await lib.recent()).map((s) => s.id)).toEqual([a.id, c.id]);
  });

  it('refuses what it cannot store and names what is missing', async () => {
    const { lib } = setup();
    await expect(lib.get('nope')).rejects.toThrow(NotFoundError);
    await expect(lib.get('nope')).rejects.toThrow('no graph with id nope in the library');
    await expect(lib.create({ name: '  ', text: graphText('x') })).rejects.toThrow('a graph needs a name; got "  "');
    await expect(lib.create({ name: 'Bad', text: '{"nodes": [' })).rejects.toThrow(/^cannot store "Bad": the graph text is not JSON/);
    await expect(lib.create({ name: 'Bad', text: '[1]' })).rejects.toThrow('cannot store "Bad": the graph text is an array, not a JSON object');
    await expect(lib.save('nope', { text: graphText('x'), baseRev: 1 })).rejects.toThrow(NotFoundError);
    expect(await lib.list()).toEqual([]);
  });
});

describe('GraphLibrary: saving', () => {
  it('saves with baseRev as rev + 1 and derives the assets from the text', async () => {
    const { lib, clock } = setup({ tabId: 'tab-A' });
    const g = await lib.create({ name: 'One', text: graphText('One') });
    clock.t += 500;
    const text = graphText('One', [idOf(bytesA), 'cameraman.png', idOf(bytesA)]);
    const saved = await lib.save(g.id, { text, baseRev: 1, assets: [{ bytes: bytesA, type: 'image/png', name: 'a.png' }] });
    expect(saved).toMatchObject({ rev: 2, text, updatedAt: clock.t, createdAt: g.createdAt, writer: 'tab-A', assets: [idOf(bytesA)] });
    expect(await lib.get(g.id)).toEqual(saved);
    expect(await lib.missingAssets([idOf(bytesA)])).toEqual([]);
    expect((await lib.revisions(g.id)).map((r) => [r.rev, r.reason])).toEqual([
      [2, 'edit'],
      [1, 'create'],
    ]);
    // the row name follows the text's name unless a name is given
    const renamedInText = await lib.save(g.id, { text: graphText('Renamed in text'), baseRev: 2 });
    expect(renamedInText.name).toBe('Renamed in text');
    expect(renamedInText.assets).toEqual([]);
  });

  it('refuses a stale baseRev with ConflictError and leaves the stored row as it was', async () => {
    const { db, lib } = setup();
    const g = await lib.create({ name: 'Shared', text: graphText('Shared') });
    await lib.save(g.id, { text: graphText('Shared', ['a.png']), baseRev: 1 });
    const before = await snapshot(db);
    const err = await lib.save(g.id, { text: graphText('Shared', ['mine.png']), baseRev: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ graphId: g.id, storedRev: 2, baseRev: 1 });
    expect((err as Error).message).toBe(
      `"Shared" (${g.id}) was changed elsewhere: the library holds revision 2 but this save was based on revision 1; nothing was overwritten`,
    );
    expect(await snapshot(db)).toEqual(before);
    await expect(lib.rename(g.id, 'Other', 1)).rejects.toThrow(ConflictError);
    await expect(lib.restoreRevision(g.id, 1, 5)).rejects.toThrow(ConflictError);
    expect(await snapshot(db)).toEqual(before);
  });

  it('coalesces consecutive edits of one tab for 60 s after the first, then starts a new revision', async () => {
    const { lib, clock } = setup();
    const g = await lib.create({ name: 'Typing', text: graphText('Typing') });
    const t0 = clock.t;
    let rev = 1;
    const edit = async (at: number, n: number): Promise<void> => {
      clock.t = t0 + at;
      rev = (await lib.save(g.id, { text: graphText('Typing', [], n), baseRev: rev })).rev;
    };
    await edit(1_000, 1); // after a 'create' revision: a new one
    await edit(20_000, 2);
    await edit(1_000 + COALESCE_MS - 1, 3); // still within 60 s of the first coalesced edit
    let revs = await lib.revisions(g.id);
    expect(revs.map((r) => [r.rev, r.reason, r.savedAt])).toEqual([
      [4, 'edit', t0 + 1_000 + COALESCE_MS - 1],
      [1, 'create', t0],
    ]);
    expect(revs[0]!.text).toBe(graphText('Typing', [], 3));
    expect(rev).toBe(4);

    await edit(1_000 + COALESCE_MS, 4); // 60 s after the first: a new revision
    await edit(1_000 + COALESCE_MS + 5, 5); // coalesces into that one
    revs = await lib.revisions(g.id);
    expect(revs.map((r) => [r.rev, r.reason])).toEqual([
      [6, 'edit'],
      [4, 'edit'],
      [1, 'create'],
    ]);

    // another tab's edit, a rename, or a non-edit reason never coalesces
    const other = new GraphLibrary(lib.db, { now: () => clock.t, tabId: 'tab-2' });
    clock.t += 10;
    rev = (await other.save(g.id, { text: graphText('Typing', [], 6), baseRev: rev })).rev;
    await edit(clock.t - t0 + 10, 7); // tab-1 again, right after tab-2: new revision
    rev = (await lib.rename(g.id, 'Typed', rev)).rev;
    await edit(clock.t - t0 + 10, 8);
    rev = (await lib.save(g.id, { text: graphText('Typed', [], 9), baseRev: rev, reason: 'other-tab' })).rev;
    revs = await lib.revisions(g.id);
    expect(revs.map((r) => [r.rev, r.reason])).toEqual([
      [11, 'other-tab'],
      [10, 'edit'],
      [9, 'rename'],
      [8, 'edit'],
      [7, 'edit'],
      [6, 'edit'],
      [4, 'edit'],
      [1, 'create'],
    ]);
  });

  it(`keeps at most ${MAX_REVISIONS} revisions per graph, dropping the oldest`, async () => {
    const { db, lib, clock } = setup();
    const g = await lib.create({ name: 'Long', text: graphText('Long') });
    const other = await lib.create({ name: 'Other', text: graphText('Other') });
    let rev = 1;
    for (let i = 0; i < 120; i++) {
      clock.t += COALESCE_MS; // every edit is a new revision
      rev = (await lib.save(g.id, { text: graphText('Long', [], i + 1), baseRev: rev })).rev;
    }
    expect(rev).toBe(121);
    const revs = await lib.revisions(g.id);
    expect(revs).toHaveLength(MAX_REVISIONS);
    expect(revs[0]!.rev).toBe(121);
    expect(revs.at(-1)!.rev).toBe(22);
    expect(await lib.revisions(other.id)).toHaveLength(1);
    expect(await db.revisions.count()).toBe(MAX_REVISIONS + 1);
  });

  it('restoreRevision saves an old text as a new rev and keeps the history', async () => {
    const { lib, clock } = setup();
    const g = await lib.create({ name: 'Hist', text: graphText('Hist', [], 1) });
    clock.t += COALESCE_MS;
    await lib.save(g.id, { text: graphText('Hist', [], 2), baseRev: 1 });
    await lib.rename(g.id, 'History', 2);
    const first = (await lib.revisions(g.id)).at(-1)!;
    expect(first.rev).toBe(1);
    clock.t += 5;
    const restored = await lib.restoreRevision(g.id, first.id!, 3);
    expect(restored).toMatchObject({ rev: 4, text: graphText('Hist', [], 1), name: 'Hist', updatedAt: clock.t });
    expect((await lib.revisions(g.id)).map((r) => [r.rev, r.reason])).toEqual([
      [4, 'restore'],
      [3, 'rename'],
      [2, 'edit'],
      [1, 'create'],
    ]);
    const h = await lib.create({ name: 'Elsewhere', text: graphText('Elsewhere') });
    await expect(lib.restoreRevision(h.id, first.id!, 1)).rejects.toThrow(`graph ${h.id} has no revision ${first.id}`);
  });
});

describe('GraphLibrary: rename, duplicate, trash', () => {
  it('rename rewrites the name in the text in the canonical layout, keeping key order', async () => {
    const { lib } = setup();
    const g = await lib.create({ name: 'Old', text: graphText('Old', ['x.png']) });
    const r = await lib.rename(g.id, '  New — σ ');
    expect(r).toMatchObject({ name: 'New — σ', rev: 2, text: graphText('New — σ', ['x.png']) });
    expect((await lib.revisions(g.id))[0]).toMatchObject({ rev: 2, reason: 'rename', text: r.text });
    await expect(lib.rename(g.id, '')).rejects.toThrow(StorageError);

    // a text without "name" gets it after "version"
    const noName = await lib.create({ name: 'Anon', text: '{"format":"pixel-loom.graph","version":1,"nodes":[],"edges":[],"__proto__":{"k":1}}' });
    const named = await lib.rename(noName.id, 'Named');
    expect(named.text).toBe(
      '{\n  "format": "pixel-loom.graph",\n  "version": 1,\n  "name": "Named",\n  "nodes": [],\n  "edges": [],\n  "__proto__": {\n    "k": 1\n  }\n}\n',
    );
  });

  it('duplicate makes "<name> copy" with a new id and the same images', async () => {
    const { lib, clock } = setup();
    const thumb = new Blob([new Uint8Array([1, 2])], { type: 'image/png' });
    const g = await lib.create({
      name: 'Src',
      text: graphText('Src', [idOf(bytesA)]),
      base: '/graphs/',
      thumbnail: thumb,
      assets: [{ bytes: bytesA, type: 'image/png', name: 'a.png' }],
    });
    clock.t += 1000;
    const d = await lib.duplicate(g.id);
    expect(d.id).not.toBe(g.id);
    expect(d).toMatchObject({ name: 'Src copy', rev: 1, text: graphText('Src copy', [idOf(bytesA)]), assets: [idOf(bytesA)], base: '/graphs/', createdAt: clock.t });
    expect(d.thumbnail?.size).toBe(2);
    expect((await lib.revisions(d.id)).map((r) => r.reason)).toEqual(['duplicate']);
    expect(await lib.get(g.id)).toMatchObject({ name: 'Src', rev: 1, text: g.text });
  });

  it('trash, restore, purge and emptyTrash', async () => {
    const { db, lib, clock } = setup();
    const a = await lib.create({ name: 'A', text: graphText('A') });
    const b = await lib.create({ name: 'B', text: graphText('B') });
    const c = await lib.create({ name: 'C', text: graphText('C') });
    clock.t += 7;
    await lib.trash(a.id);
    expect((await lib.list()).map((s) => s.id).sort()).toEqual([b.id, c.id].sort());
    expect(await lib.list({ trash: true })).toEqual([expect.objectContaining({ id: a.id, deletedAt: clock.t })]);
    expect((await lib.get(a.id)).deletedAt).toBe(clock.t);

    await expect(lib.purge(b.id)).rejects.toThrow(`"B" (${b.id}) is not in the trash; move it to the trash before deleting it for good`);
    await lib.restore(a.id);
    expect(await lib.list({ trash: true })).toEqual([]);
    expect((await lib.get(a.id)).deletedAt).toBeNull();

    await lib.trash(a.id);
    await lib.purge(a.id);
    await expect(lib.get(a.id)).rejects.toThrow(NotFoundError);
    expect(await db.revisions.where('graphId').equals(a.id).count()).toBe(0);
    await expect(lib.trash('missing')).rejects.toThrow('no graph with id missing in the library');

    await lib.trash(b.id);
    await lib.trash(c.id);
    const d = await lib.create({ name: 'D', text: graphText('D') });
    expect(await lib.emptyTrash()).toBe(2);
    expect(await lib.emptyTrash()).toBe(0);
    expect((await lib.list()).map((s) => s.id)).toEqual([d.id]);
    expect((await db.revisions.toArray()).map((r) => r.graphId)).toEqual([d.id]);
  });
});

describe('GraphLibrary: assets', () => {
  it('stores each image once under asset:<hashBytes>', async () => {
    const { db, lib } = setup();
    const id = await lib.putAsset({ bytes: bytesA, type: 'image/png', name: 'a.png' });
    expect(id).toBe(`asset:${hashBytes(bytesA)}`);
    expect(id).toMatch(/^asset:[0-9a-f]{16}$/);
    const again = await lib.putAsset({ bytes: new Blob([bytesA], { type: 'image/png' }), type: 'image/png', name: 'copy.png' });
    expect(again).toBe(id);
    expect(await db.assets.count()).toBe(1);
    const row = await lib.getAsset(id);
    expect(row).toMatchObject({ id, type: 'image/png', name: 'a.png', size: bytesA.length });
    expect(new Uint8Array(await row!.bytes.arrayBuffer())).toEqual(bytesA);
    expect(await lib.getAsset(idOf(bytesB))).toBeNull();
    expect(await lib.missingAssets([idOf(bytesB), id, idOf(bytesB), 'asset:0000000000000000'])).toEqual([idOf(bytesB), 'asset:0000000000000000']);
  });

  it('refuses a wrong id and a hash collision', async () => {
    const { db, lib } = setup();
    await expect(lib.create({ name: 'X', text: graphText('X'), assets: [{ id: idOf(bytesB), bytes: bytesA, type: 'image/png', name: 'a.png' }] })).rejects.toThrow(
      `the image "a.png" was given the id ${idOf(bytesB)}, but its bytes hash to ${idOf(bytesA)}; it was not stored`,
    );
    expect(await lib.list()).toEqual([]);
    await db.assets.put({ id: idOf(bytesC), bytes: new Blob([bytesB]), type: 'image/png', name: 'other.png', size: bytesB.length, createdAt: 0 });
    await expect(lib.putAsset({ bytes: bytesC, type: 'image/jpeg', name: 'c.jpg' })).rejects.toThrow(/^hash collision: the image "c.jpg" \(4 bytes\)/);
  });

  it('gcAssets deletes only images no graph and no revision uses', async () => {
    const { lib, clock } = setup();
    const [a, b, c] = [idOf(bytesA), idOf(bytesB), idOf(bytesC)];
    const g = await lib.create({
      name: 'Imgs',
      text: graphText('Imgs', [a, b]),
      assets: [
        { bytes: bytesA, type: 'image/png', name: 'a.png' },
        { bytes: bytesB, type: 'image/png', name: 'b.png' },
      ],
    });
    await lib.putAsset({ bytes: bytesC, type: 'image/jpeg', name: 'c.jpg' });
    clock.t += COALESCE_MS;
    await lib.save(g.id, { text: graphText('Imgs', [a]), baseRev: 1 }); // b now only in revision 1
    expect(await lib.gcAssets()).toBe(1);
    expect(await lib.missingAssets([a, b, c])).toEqual([c]);
    await lib.trash(g.id);
    expect(await lib.gcAssets()).toBe(0); // the trash still holds the graph
    await lib.purge(g.id);
    expect(await lib.gcAssets()).toBe(2);
    expect(await lib.missingAssets([a, b])).toEqual([a, b]);
  });

  it('gcAssets with a grace period keeps images stored within it (a save may be about to use them)', async () => {
    const { lib, clock } = setup();
    const c = await lib.putAsset({ bytes: bytesC, type: 'image/jpeg', name: 'c.jpg' });
    clock.t += 60_000;
    expect(await lib.gcAssets({ graceMs: 10 * 60_000 })).toBe(0);
    expect(await lib.missingAssets([c])).toEqual([]);
    clock.t += 10 * 60_000;
    expect(await lib.gcAssets({ graceMs: 10 * 60_000 })).toBe(1);
    expect(await lib.missingAssets([c])).toEqual([c]);
  });
});

/**
 * A Dexie middleware that, once armed, lets the next write to `graphs` through and then
 * fails the first write to another table with the browser's QuotaExceededError: the graph
 * row is written and must be rolled back.
 */
function quotaAfterGraphWrite(failTable: string): { middleware: Middleware<DBCore>; state: { armed: boolean; graphWritten: boolean; failed: number } } {
  const state = { armed: false, graphWritten: false, failed: 0 };
  const middleware: Middleware<DBCore> = {
    stack: 'dbcore',
    name: 'quota-simulation',
    create: (down) => ({
      ...down,
      table: (name) => {
        const table = down.table(name);
        return {
          ...table,
          mutate: (req: DBCoreMutateRequest): Promise<DBCoreMutateResponse> => {
            if (state.armed && name === 'graphs') state.graphWritten = true;
            else if (state.armed && state.graphWritten && name === failTable) {
              state.armed = false;
              state.failed++;
              return Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
            }
            return table.mutate(req);
          },
        };
      },
    }),
  };
  return { middleware, state };
}

describe('GraphLibrary: storage full', () => {
  for (const failTable of ['revisions', 'assets']) {
    it(`a quota error on ${failTable} after the graph row was written gives StorageFullError and writes nothing`, async () => {
      const { middleware, state } = quotaAfterGraphWrite(failTable);
      const { db, lib, clock } = setup({ middleware });
      const g = await lib.create({ name: 'Big', text: graphText('Big', [idOf(bytesA)]), assets: [{ bytes: bytesA, type: 'image/png', name: 'a.png' }] });
      clock.t += COALESCE_MS;
      await lib.save(g.id, { text: graphText('Big', [idOf(bytesA)], 1), baseRev: 1 });
      const before = await snapshot(db);

      state.armed = true;
      clock.t += 1000;
      const err = await lib
        .save(g.id, {
          text: graphText('Big', [idOf(bytesA), idOf(bytesB)], 2),
          baseRev: 2,
          thumbnail: new Blob([new Uint8Array(3000)]),
          assets: [{ bytes: bytesB, type: 'image/png', name: 'b.png' }],
        })
        .catch((e: unknown) => e);
      expect(state).toEqual({ armed: false, graphWritten: true, failed: 1 });
      expect(err).toBeInstanceOf(StorageFullError);
      expect((err as Error).message).toBe(
        'Storage is full: the browser refused to save "Big" (4 KB). Nothing was written — the last saved version is intact. ' +
          'Free space by emptying the trash or deleting graphs, or export the graph to a file.',
      );
      expect(await snapshot(db)).toEqual(before);

      // the library keeps working afterwards
      const ok = await lib.save(g.id, { text: graphText('Big', [], 2), baseRev: 2 });
      expect(ok.rev).toBe(3);
    });
  }

  it('a quota error while creating leaves the library without the new graph', async () => {
    const { middleware, state } = quotaAfterGraphWrite('revisions');
    const { db, lib } = setup({ middleware });
    await lib.create({ name: 'Kept', text: graphText('Kept') });
    const before = await snapshot(db);
    state.armed = true;
    await expect(lib.create({ name: 'Imported', text: graphText('Imported'), assets: [{ bytes: bytesC, type: 'image/jpeg', name: 'c.jpg' }] })).rejects.toThrow(
      /^Storage is full: the browser refused to save "Imported" \(1 KB\)\. Nothing was written\. Free space/,
    );
    expect(state.failed).toBe(1);
    expect(await snapshot(db)).toEqual(before);
  });
});

describe('GraphLibrary: corrupt rows', () => {
  it('lists good rows with the corrupt ones flagged; get() names the row and the problem', async () => {
    const { db, lib, clock } = setup();
    const good = await lib.create({ name: 'Good', text: graphText('Good', [], 2) });
    const raw = db.graphs as unknown as { put(row: unknown): Promise<unknown> };
    await raw.put({ ...good, id: 'text-num', name: 'Numbers', text: 42, updatedAt: clock.t + 3 });
    await raw.put({ ...good, id: 'no-name', name: undefined, updatedAt: clock.t + 2 });
    await raw.put({ id: 'junk', garbage: [1, 2, { deep: true }] });
    await raw.put({ ...good, id: 'trashed-junk', rev: 'two', deletedAt: clock.t });

    const list = await lib.list();
    expect(list.map((s) => ({ id: s.id, name: s.name, corrupt: s.corrupt ?? null }))).toEqual([
      { id: 'text-num', name: 'Numbers', corrupt: 'text is a number, not a string' },
      { id: 'no-name', name: 'Unreadable graph no-name', corrupt: 'the name is missing' },
      { id: good.id, name: 'Good', corrupt: null },
      { id: 'junk', name: 'Unreadable graph junk', corrupt: 'the name is missing' },
    ]);
    expect(list.find((s) => s.id === good.id)?.nodeCount).toBe(2);
    expect(await lib.list({ trash: true })).toEqual([expect.objectContaining({ id: 'trashed-junk', corrupt: 'rev is "two", not a positive integer' })]);
    expect((await lib.recent()).map((s) => s.id)).toEqual([good.id]);

    const err = await lib.get('text-num').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptRowError);
    expect(err).toMatchObject({ table: 'graphs', key: 'text-num', problem: 'text is a number, not a string' });
    expect((err as Error).message).toBe('graphs row "text-num" is unreadable: text is a number, not a string');
    await expect(lib.save('text-num', { text: graphText('x'), baseRev: 1 })).rejects.toThrow(CorruptRowError);

    // a corrupt row can still be deleted
    await lib.trash('junk');
    await lib.purge('junk');
    expect((await lib.list()).map((s) => s.id)).toEqual(['text-num', 'no-name', good.id]);
  });
});

/** Resolves when `cond()` holds after a callback ran; fails after `ms` (never a sleep). */
function waiter(): { notify: () => void; until: (cond: () => boolean, what: string, ms?: number) => Promise<void> } {
  let wake: (() => void) | null = null;
  return {
    notify: () => wake?.(),
    until: async (cond, what, ms = 5000) => {
      const deadline = Date.now() + ms;
      while (!cond()) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
        let timer: ReturnType<typeof setTimeout> | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, left);
        });
        clearTimeout(timer);
      }
    },
  };
}

describe('GraphLibrary: live queries', () => {
  it('watchGraph sees a save made through a second library on the same database', async () => {
    const tabA = setup({ tabId: 'tab-A' });
    const tabB = setup({ tabId: 'tab-B', factory: tabA.factory });
    const g = await tabA.lib.create({ name: 'Live', text: graphText('Live') });
    const seen: (GraphRow | null)[] = [];
    const errors: Error[] = [];
    const w = waiter();
    const stop = tabA.lib.watchGraph(
      g.id,
      (row) => {
        seen.push(row);
        w.notify();
      },
      (e) => {
        errors.push(e);
        w.notify();
      },
    );
    try {
      await w.until(() => seen.length >= 1, 'the first value');
      expect(seen[0]).toMatchObject({ id: g.id, rev: 1, writer: 'tab-A' });

      await tabB.lib.save(g.id, { text: graphText('Live', ['b.png']), baseRev: 1 });
      await w.until(() => seen.some((r) => r?.rev === 2), 'the other tab\'s save');
      expect(seen.at(-1)).toMatchObject({ rev: 2, writer: 'tab-B', text: graphText('Live', ['b.png']) });

      await tabB.lib.trash(g.id);
      await tabB.lib.purge(g.id);
      await w.until(() => seen.at(-1) === null, 'the deletion');
      expect(errors).toEqual([]);
    } finally {
      stop();
    }
  });

  it('watchGraph reports a corrupt row to onError; watchList follows creates and trash', async () => {
    const { db, lib } = setup();
    await (db.graphs as unknown as { put(row: unknown): Promise<unknown> }).put({ id: 'bad', name: 'Bad', text: null });
    const errors: Error[] = [];
    const w = waiter();
    const stopGraph = lib.watchGraph(
      'bad',
      () => w.notify(),
      (e) => {
        errors.push(e);
        w.notify();
      },
    );
    const lists: string[][] = [];
    const stopList = lib.watchList(
      { query: 'keep' },
      (rows) => {
        lists.push(rows.map((r) => r.name));
        w.notify();
      },
      (e) => errors.push(e),
    );
    try {
      await w.until(() => errors.length >= 1 && lists.length >= 1, 'the first values');
      expect(errors[0]).toBeInstanceOf(CorruptRowError);
      expect(errors[0]!.message).toBe('graphs row "bad" is unreadable: text is null, not a string');
      expect(lists[0]).toEqual([]);

      const k = await lib.create({ name: 'Keep me', text: graphText('Keep me') });
      await w.until(() => lists.at(-1)?.length === 1, 'the created graph');
      expect(lists.at(-1)).toEqual(['Keep me']);
      await lib.trash(k.id);
      await w.until(() => lists.at(-1)?.length === 0, 'the trashed graph to leave the list');
    } finally {
      stopGraph();
      stopList();
    }
  });
});

describe('GraphLibrary: settings', () => {
  it('returns the fallback until a value is set', async () => {
    const { lib } = setup();
    expect(await lib.getSetting('lastGraphId', null)).toBeNull();
    await lib.setSetting('lastGraphId', 'g-1');
    await lib.setSetting('grid', { snap: true, size: 20 });
    expect(await lib.getSetting<string | null>('lastGraphId', null)).toBe('g-1');
    expect(await lib.getSetting('grid', {})).toEqual({ snap: true, size: 20 });
  });
});

describe('GraphLibrary: graphs imported from a link', () => {
  it('finds the copy imported with a key, keeps the key through saves, not in duplicates or the trash', async () => {
    const { lib, clock } = setup();
    expect(await lib.findImported('text:1')).toBeNull();
    const a = await lib.create({ name: 'Linked', text: graphText('Linked'), importKey: 'text:1' });
    await lib.create({ name: 'Other', text: graphText('Other'), importKey: 'text:2' });
    expect((await lib.findImported('text:1'))?.id).toBe(a.id);
    clock.t += 1000;
    await lib.save(a.id, { text: graphText('Linked, edited'), baseRev: 1 });
    const found = await lib.findImported('text:1');
    expect(found?.id).toBe(a.id);
    expect(found?.rev).toBe(2);
    const dup = await lib.duplicate(a.id);
    expect((await lib.get(dup.id)).importKey).toBeUndefined();
    await lib.trash(a.id);
    expect(await lib.findImported('text:1')).toBeNull();
  });
});

describe('unique names of new graphs', () => {
  it('"name (2)", "name (3)", …; a name ending in (n) counts on from its stem', () => {
    expect(uniqueGraphName('Denoise', [])).toBe('Denoise');
    expect(uniqueGraphName('Denoise', ['Denoise'])).toBe('Denoise (2)');
    expect(uniqueGraphName('Denoise', ['Denoise', 'Denoise (2)', 'Denoise (4)'])).toBe('Denoise (3)');
    expect(uniqueGraphName('Denoise (2)', ['Denoise', 'Denoise (2)'])).toBe('Denoise (3)');
    expect(uniqueGraphName('denoise', ['Denoise'])).toBe('denoise');
    expect(uniqueGraphName('A (my version)', ['A (my version)'])).toBe('A (my version) (2)');
  });

  it('freeName looks at live graphs only: a name in the trash is free again', async () => {
    const { lib } = setup();
    const a = await lib.create({ name: 'Blur', text: graphText('Blur') });
    expect(await lib.freeName('Blur')).toBe('Blur (2)');
    await lib.create({ name: 'Blur (2)', text: graphText('Blur (2)') });
    expect(await lib.freeName('Blur')).toBe('Blur (3)');
    await lib.trash(a.id);
    expect(await lib.freeName('Blur')).toBe('Blur');
  });
});
