/**
 * The graph library (DESIGN.md §5): graphs, their revision history, content-addressed image
 * assets and settings, over the Dexie database of db.ts.
 *
 * Every write is one read-write transaction over the rows it touches (graph row, revision,
 * assets), so a refused write — storage quota, a stale `baseRev` — leaves nothing half
 * written. Reads survive corrupt rows: `list()` reports them with `corrupt` set instead of
 * failing, `get()` throws a CorruptRowError that names the row and the problem (the row
 * checks and text helpers are in rows.ts).
 */
import Dexie, { liveQuery, type Collection, type Table } from 'dexie';
import {
  assetIdsInDoc,
  describe,
  isRecord,
  type AssetRow,
  type GraphRow,
  type PixelLoomDb,
  type RevisionReason,
  type RevisionRow,
} from './db';
import { ConflictError, CorruptRowError, NotFoundError, StorageError, StorageFullError } from './errors';
import {
  byteSize,
  checkGraphRow,
  checkRevisionRow,
  cleanName,
  collectAssetRefs,
  compareStrings,
  docName,
  finiteOr,
  isQuotaError,
  ownError,
  parseText,
  prepareAssets,
  readGraphRow,
  reportError,
  sumSizes,
  textWithName,
  toError,
  type PreparedAsset,
} from './rows';

/** Consecutive 'edit' saves of one tab within this time of the revision's first save share one revision. */
export const COALESCE_MS = 60_000;
/** Revisions kept per graph; the oldest are dropped beyond it. */
export const MAX_REVISIONS = 100;

/** What the library view shows of a graph. */
export interface GraphSummary {
  id: string;
  name: string;
  rev: number;
  updatedAt: number;
  openedAt: number;
  deletedAt: number | null;
  /** Number of nodes in the text; null when the text is not a graph document. */
  nodeCount: number | null;
  thumbnail: Blob | null;
  /** Set when the row cannot be read: why. Such a graph can only be deleted. */
  corrupt?: string;
}

/** An image to store with a write. `id`, when given, must be `asset:` + hashBytes(bytes). */
export interface NewAsset {
  id?: string;
  bytes: Blob | Uint8Array;
  type: string;
  name: string;
}

export interface CreateInput {
  name: string;
  text: string;
  base?: string;
  assets?: NewAsset[];
  thumbnail?: Blob | null;
  reason?: 'create' | 'import' | 'duplicate';
  /** See GraphRow.importKey. */
  importKey?: string;
}

export interface SaveInput {
  text: string;
  /** The `rev` this text was based on; the save is refused when the stored rev differs. */
  baseRev: number;
  /** New name; by default the text's own `name`, else the stored name. */
  name?: string;
  /** Replaces the stored thumbnail when given (null clears it). */
  thumbnail?: Blob | null;
  assets?: NewAsset[];
  reason?: RevisionReason;
}

export interface ListOptions {
  /** Case-insensitive substring of the name. */
  query?: string;
  /** true: the graphs in the trash; otherwise the graphs not in it. */
  trash?: boolean;
}

export interface GraphLibraryOptions {
  /** Clock in ms (tests inject one). */
  now?: () => number;
  /** This tab's id, written as `writer` of its saves. */
  tabId?: string;
}

export type ErrorCallback = (error: Error) => void;



/**
 * `name`, or when a live graph already has it, "name (2)", "name (3)", … — the first that is
 * free (a name that already ends in " (n)" counts on from its stem). Case-sensitive, as names
 * are shown.
 */
export function uniqueGraphName(name: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(name)) return name;
  const m = /^(.*) \((\d+)\)$/.exec(name);
  const stem = m ? m[1]! : name;
  for (let n = m ? Number(m[2]) + 1 : 2; ; n++) {
    const candidate = `${stem} (${n})`;
    if (!used.has(candidate)) return candidate;
  }
}

export class GraphLibrary {
  readonly db: PixelLoomDb;
  readonly tabId: string;
  private readonly now: () => number;
  /** Node counts by graph id, valid while rev and text length are unchanged. */
  private readonly nodeCounts = new Map<string, { rev: number; length: number; count: number | null }>();

  constructor(db: PixelLoomDb, opts: GraphLibraryOptions = {}) {
    this.db = db;
    this.now = opts.now ?? Date.now;
    this.tabId = opts.tabId ?? crypto.randomUUID();
  }

  // ---- reading ----------------------------------------------------------------------------

  /** Graphs, newest `updatedAt` first. Never throws because of one bad row: it is listed with `corrupt`. */
  /** A name no live graph has: `name`, else "name (2)", "name (3)", … (uniqueGraphName). */
  async freeName(name: string): Promise<string> {
    return uniqueGraphName(name, (await this.list()).map((g) => g.name));
  }

  async list(opts: ListOptions = {}): Promise<GraphSummary[]> {
    const raws = (await this.db.graphs.toArray()) as unknown[];
    const query = (opts.query ?? '').trim().toLocaleLowerCase();
    const out: GraphSummary[] = [];
    for (const raw of raws) {
      const s = this.summarize(raw);
      if ((s.deletedAt !== null) !== (opts.trash === true)) continue;
      if (query !== '' && !s.name.toLocaleLowerCase().includes(query)) continue;
      out.push(s);
    }
    return out.sort((a, b) => b.updatedAt - a.updatedAt || compareStrings(a.name, b.name) || compareStrings(a.id, b.id));
  }

  /** `list(opts)` now and after every change to the graphs (from this tab or another); returns unsubscribe. */
  watchList(opts: ListOptions, cb: (rows: GraphSummary[]) => void, onError?: ErrorCallback): () => void {
    const sub = liveQuery(() => this.list(opts)).subscribe({
      next: cb,
      error: (e: unknown) => reportError(onError, toError(e, 'watching the graph list')),
    });
    return () => sub.unsubscribe();
  }

  /** The `n` most recently opened graphs that are not in the trash and are readable. */
  async recent(n = 5): Promise<GraphSummary[]> {
    const all = await this.list();
    return all
      .filter((s) => s.corrupt === undefined)
      .sort((a, b) => b.openedAt - a.openedAt || compareStrings(a.id, b.id))
      .slice(0, Math.max(0, n));
  }

  /**
   * The graph (not in the trash) imported with `importKey` (see GraphRow.importKey), the most
   * recently updated one when there are several; null when there is none.
   */
  async findImported(importKey: string): Promise<GraphRow | null> {
    const rows = await this.db.graphs.filter((r: unknown) => isRecord(r) && r.importKey === importKey).toArray();
    let best: GraphRow | null = null;
    for (const raw of rows) {
      const row = checkGraphRow(raw);
      if (typeof row === 'string' || row.deletedAt !== null) continue;
      if (!best || row.updatedAt > best.updatedAt) best = row;
    }
    return best;
  }

  /** One graph. NotFoundError when there is none; CorruptRowError when its row cannot be read. */
  async get(id: string): Promise<GraphRow> {
    return readGraphRow(await this.db.graphs.get(id), id);
  }

  /**
   * The graph's row now and after every change to it (saves of other tabs arrive here); null
   * once it no longer exists. A corrupt row goes to `onError` as a CorruptRowError.
   */
  watchGraph(id: string, cb: (row: GraphRow | null) => void, onError?: ErrorCallback): () => void {
    const sub = liveQuery(() => this.db.graphs.get(id)).subscribe({
      next: (raw: unknown) => {
        if (raw === undefined) {
          cb(null);
          return;
        }
        const checked = checkGraphRow(raw);
        if (typeof checked === 'string') reportError(onError, new CorruptRowError('graphs', id, checked));
        else cb(checked);
      },
      error: (e: unknown) => reportError(onError, toError(e, `watching graph ${id}`)),
    });
    return () => sub.unsubscribe();
  }

  /** The graph's revisions, newest first. Unreadable revision rows are left out. */
  async revisions(id: string): Promise<RevisionRow[]> {
    const raws = (await this.revisionsOf(id).reverse().toArray()) as unknown[];
    return raws.filter((r): r is RevisionRow => checkRevisionRow(r) === null);
  }

  // ---- writing graphs ---------------------------------------------------------------------

  /** A new graph (new id, rev 1) with its first revision and the images it brings. */
  async create(input: CreateInput): Promise<GraphRow> {
    const name = cleanName(input.name);
    const doc = parseText(input.text, `cannot store "${name}"`);
    const assets = await prepareAssets(input.assets ?? []);
    const now = this.now();
    const row: GraphRow = {
      id: crypto.randomUUID(),
      name,
      text: input.text,
      rev: 1,
      createdAt: now,
      updatedAt: now,
      openedAt: now,
      deletedAt: null,
      assets: assetIdsInDoc(doc),
      base: input.base ?? '/',
      thumbnail: input.thumbnail ?? null,
      writer: this.tabId,
      ...(input.importKey !== undefined ? { importKey: input.importKey } : {}),
    };
    const size = byteSize(input.text) + sumSizes(assets) + (row.thumbnail?.size ?? 0);
    return this.write(`save "${name}"`, size, false, async () => {
      await this.db.graphs.add(row);
      await this.db.revisions.add({ graphId: row.id, rev: 1, text: row.text, savedAt: now, reason: input.reason ?? 'create' });
      await this.writeAssets(assets, now);
      return row;
    });
  }

  /**
   * Saves a new text of graph `id` as rev `baseRev + 1`. ConflictError (and nothing written)
   * when the stored rev is not `baseRev`. Consecutive 'edit' saves of this tab within
   * COALESCE_MS of the newest revision's first save update that revision instead of adding one.
   */
  async save(id: string, input: SaveInput): Promise<GraphRow> {
    const doc = parseText(input.text, `cannot save graph ${id}`);
    const newName = input.name === undefined ? undefined : cleanName(input.name);
    const assets = await prepareAssets(input.assets ?? []);
    const now = this.now();
    const reason = input.reason ?? 'edit';
    const size = byteSize(input.text) + sumSizes(assets) + (input.thumbnail?.size ?? 0);
    let label = `save "${newName ?? docName(doc) ?? id}"`;
    return this.write(() => label, size, true, async () => {
      const row = await this.loadRow(id);
      label = `save "${row.name}"`;
      if (row.rev !== input.baseRev) throw new ConflictError(id, row.rev, input.baseRev, row.name);
      const next: GraphRow = {
        ...row,
        name: newName ?? docName(doc) ?? row.name,
        text: input.text,
        rev: row.rev + 1,
        updatedAt: now,
        assets: assetIdsInDoc(doc),
        thumbnail: input.thumbnail === undefined ? row.thumbnail : input.thumbnail,
        writer: this.tabId,
      };
      await this.db.graphs.put(next);
      await this.addRevision(row, next, reason, now);
      await this.writeAssets(assets, now);
      return next;
    });
  }

  /**
   * Renames a graph: the row's name and the `name` in its text (key order and the canonical
   * 2-space layout kept), as a new rev with a 'rename' revision.
   */
  async rename(id: string, name: string, baseRev?: number): Promise<GraphRow> {
    const clean = cleanName(name);
    const now = this.now();
    return this.write(`rename graph ${id} to "${clean}"`, byteSize(clean), true, async () => {
      const row = await this.loadRow(id);
      if (baseRev !== undefined && row.rev !== baseRev) throw new ConflictError(id, row.rev, baseRev, row.name);
      const next: GraphRow = {
        ...row,
        name: clean,
        text: textWithName(row.text, clean, id),
        rev: row.rev + 1,
        updatedAt: now,
        writer: this.tabId,
      };
      await this.db.graphs.put(next);
      await this.addRevision(row, next, 'rename', now);
      return next;
    });
  }

  /** A copy named "<name> copy" (also in its text) with a new id; it uses the same stored images. */
  async duplicate(id: string): Promise<GraphRow> {
    const now = this.now();
    let label = `duplicate graph ${id}`;
    return this.write(() => label, 0, false, async () => {
      const src = await this.loadRow(id);
      const name = `${src.name} copy`;
      label = `save "${name}"`;
      const text = textWithName(src.text, name, id);
      const row: GraphRow = {
        id: crypto.randomUUID(),
        name,
        text,
        rev: 1,
        createdAt: now,
        updatedAt: now,
        openedAt: now,
        deletedAt: null,
        assets: [...src.assets],
        base: src.base,
        thumbnail: src.thumbnail,
        writer: this.tabId,
      };
      await this.db.graphs.add(row);
      await this.db.revisions.add({ graphId: row.id, rev: 1, text, savedAt: now, reason: 'duplicate' });
      return row;
    });
  }

  /** Saves revision `revisionId`'s text as a new rev (reason 'restore'); history is never rewritten. */
  async restoreRevision(id: string, revisionId: number, baseRev: number): Promise<GraphRow> {
    const now = this.now();
    return this.write(`restore a revision of graph ${id}`, 0, true, async () => {
      const rawRev: unknown = await this.db.revisions.get(revisionId);
      if (rawRev === undefined || !isRecord(rawRev) || rawRev.graphId !== id) {
        throw new NotFoundError(`graph ${id} has no revision ${revisionId}`);
      }
      const problem = checkRevisionRow(rawRev);
      if (problem !== null) throw new CorruptRowError('revisions', revisionId, problem);
      const revision = rawRev as unknown as RevisionRow;
      const row = await this.loadRow(id);
      if (row.rev !== baseRev) throw new ConflictError(id, row.rev, baseRev, row.name);
      const doc = parseText(revision.text, `cannot restore revision ${revisionId} of "${row.name}"`);
      const next: GraphRow = {
        ...row,
        name: docName(doc) ?? row.name,
        text: revision.text,
        rev: row.rev + 1,
        updatedAt: now,
        assets: assetIdsInDoc(doc),
        writer: this.tabId,
      };
      await this.db.graphs.put(next);
      await this.addRevision(row, next, 'restore', now);
      return next;
    });
  }

  /** Moves a graph to the trash (works on corrupt rows too). */
  async trash(id: string): Promise<void> {
    await this.update(id, { deletedAt: this.now() }, `move graph ${id} to the trash`);
  }

  /** Takes a graph out of the trash. */
  async restore(id: string): Promise<void> {
    await this.update(id, { deletedAt: null }, `restore graph ${id} from the trash`);
  }

  /** Records that the graph was opened now (for "Recent"). */
  async markOpened(id: string): Promise<void> {
    await this.update(id, { openedAt: this.now() }, `mark graph ${id} as opened`);
  }

  /** Deletes a graph in the trash and all its revisions for good (its images stay until gcAssets). */
  async purge(id: string): Promise<void> {
    await this.write(`delete graph ${id}`, 0, true, async () => {
      const raw: unknown = await this.db.graphs.get(id);
      if (raw === undefined) throw new NotFoundError(`no graph with id ${id} in the library`);
      if (!isRecord(raw) || typeof raw.deletedAt !== 'number') {
        const name = isRecord(raw) && typeof raw.name === 'string' ? `"${raw.name}" (${id})` : `graph ${id}`;
        throw new StorageError(`${name} is not in the trash; move it to the trash before deleting it for good`);
      }
      await this.db.graphs.delete(id);
      await this.db.revisions.where('graphId').equals(id).delete();
    });
  }

  /** Purges every graph in the trash; returns how many. */
  async emptyTrash(): Promise<number> {
    return this.write('empty the trash', 0, true, async () => {
      const raws = (await this.db.graphs.toArray()) as unknown[];
      const ids = raws.filter((r) => isRecord(r) && typeof r.deletedAt === 'number').map((r) => (r as { id: string }).id);
      if (ids.length === 0) return 0;
      await this.db.graphs.bulkDelete(ids);
      await this.db.revisions.where('graphId').anyOf(ids).delete();
      return ids.length;
    });
  }

  // ---- assets -----------------------------------------------------------------------------

  /** Stores an image once by the hash of its bytes; returns its id `asset:<hash>`. */
  async putAsset(a: NewAsset): Promise<string> {
    const [prepared] = await prepareAssets([a]);
    const p = prepared!;
    await this.write(`store the image "${p.name}"`, p.size, false, () => this.writeAssets([p], this.now()), [this.db.assets]);
    return p.id;
  }

  /** A stored image, or null. CorruptRowError when the row holds no Blob. */
  async getAsset(id: string): Promise<AssetRow | null> {
    const raw: unknown = await this.db.assets.get(id);
    if (raw === undefined) return null;
    if (!isRecord(raw) || !(raw.bytes instanceof Blob)) {
      throw new CorruptRowError('assets', id, isRecord(raw) ? `bytes is ${describe(raw.bytes)}, not a Blob` : 'the row is not an object');
    }
    return raw as unknown as AssetRow;
  }

  /** The ids among `ids` that are not stored (each once, in the order given). */
  async missingAssets(ids: string[]): Promise<string[]> {
    const unique = [...new Set(ids)];
    const found = await this.db.assets.bulkGet(unique);
    return unique.filter((_, i) => found[i] === undefined);
  }

  /**
   * Deletes the images no graph row and no revision uses; returns how many. `graceMs` keeps
   * images stored less than that long ago: an image is stored a moment before the save that
   * references it (possibly in another tab), and must not be collected in between.
   */
  async gcAssets(opts: { graceMs?: number } = {}): Promise<number> {
    const keepAfter = this.now() - (opts.graceMs ?? 0);
    return this.write('delete unused images', 0, true, async () => {
      const used = new Set<string>();
      await this.db.graphs.each((row) => collectAssetRefs(row, used));
      await this.db.revisions.each((row) => collectAssetRefs(row, used));
      const young = (await this.db.assets.where('createdAt').above(keepAfter).primaryKeys()) as string[];
      for (const id of young) used.add(id);
      const ids = (await this.db.assets.toCollection().primaryKeys()) as string[];
      const dead = ids.filter((id) => !used.has(id));
      await this.db.assets.bulkDelete(dead);
      return dead.length;
    });
  }

  // ---- settings ---------------------------------------------------------------------------

  async getSetting<T>(key: string, fallback: T): Promise<T> {
    const row = await this.db.settings.get(key);
    return row === undefined ? fallback : (row.value as T);
  }

  async setSetting(key: string, value: unknown): Promise<void> {
    await this.write(`save the setting "${key}"`, 0, false, () => this.db.settings.put({ key, value }), [this.db.settings]);
  }

  // ---- internals --------------------------------------------------------------------------

  private summarize(raw: unknown): GraphSummary {
    const checked = checkGraphRow(raw);
    if (typeof checked !== 'string') {
      return {
        id: checked.id,
        name: checked.name,
        rev: checked.rev,
        updatedAt: checked.updatedAt,
        openedAt: checked.openedAt,
        deletedAt: checked.deletedAt,
        nodeCount: this.nodeCount(checked),
        thumbnail: checked.thumbnail,
      };
    }
    const r = isRecord(raw) ? raw : {};
    const id = typeof r.id === 'string' ? r.id : String(r.id);
    return {
      id,
      name: typeof r.name === 'string' && r.name.trim() !== '' ? r.name : `Unreadable graph ${id}`,
      rev: finiteOr(r.rev, 0),
      updatedAt: finiteOr(r.updatedAt, 0),
      openedAt: finiteOr(r.openedAt, 0),
      deletedAt: typeof r.deletedAt === 'number' ? r.deletedAt : null,
      nodeCount: null,
      thumbnail: null,
      corrupt: checked,
    };
  }

  private nodeCount(row: GraphRow): number | null {
    const cached = this.nodeCounts.get(row.id);
    if (cached && cached.rev === row.rev && cached.length === row.text.length) return cached.count;
    let count: number | null = null;
    try {
      const doc: unknown = JSON.parse(row.text);
      if (isRecord(doc) && Array.isArray(doc.nodes)) count = doc.nodes.length;
    } catch {
      count = null;
    }
    this.nodeCounts.set(row.id, { rev: row.rev, length: row.text.length, count });
    return count;
  }

  /** The stored row inside a transaction: NotFoundError / CorruptRowError. */
  private async loadRow(id: string): Promise<GraphRow> {
    return readGraphRow(await this.db.graphs.get(id), id);
  }

  private revisionsOf(id: string): Collection<RevisionRow, number> {
    return this.db.revisions.where('[graphId+rev]').between([id, Dexie.minKey], [id, Dexie.maxKey], true, true);
  }

  /** Appends (or coalesces into the newest) revision for `next`, then drops the oldest beyond MAX_REVISIONS. */
  private async addRevision(prev: GraphRow, next: GraphRow, reason: RevisionReason, now: number): Promise<void> {
    const newest = reason === 'edit' ? await this.revisionsOf(next.id).last() : undefined;
    if (newest !== undefined && newest.id !== undefined && newest.reason === 'edit' && newest.rev === prev.rev && prev.writer === this.tabId) {
      const startedAt = newest.startedAt ?? newest.savedAt;
      if (now >= newest.savedAt && now - startedAt < COALESCE_MS) {
        await this.db.revisions.put({ ...newest, rev: next.rev, text: next.text, savedAt: now, startedAt });
        return;
      }
    }
    await this.db.revisions.add({ graphId: next.id, rev: next.rev, text: next.text, savedAt: now, reason });
    const keys = await this.revisionsOf(next.id).primaryKeys();
    if (keys.length > MAX_REVISIONS) await this.db.revisions.bulkDelete(keys.slice(0, keys.length - MAX_REVISIONS));
  }

  private async writeAssets(assets: readonly PreparedAsset[], now: number): Promise<void> {
    for (const a of assets) {
      const existing: unknown = await this.db.assets.get(a.id);
      if (existing !== undefined) {
        const size = isRecord(existing) ? existing.size : undefined;
        if (size !== a.size) {
          throw new StorageError(
            `hash collision: the image "${a.name}" (${a.size} bytes) has the id ${a.id} of a stored image of ${String(size)} bytes; it was not stored`,
          );
        }
        continue;
      }
      await this.db.assets.add({ ...a, createdAt: now });
    }
  }

  private async update(id: string, changes: Partial<GraphRow>, action: string): Promise<void> {
    await this.write(action, 0, true, async () => {
      const n = await this.db.graphs.update(id, changes);
      if (n === 0 && (await this.db.graphs.get(id)) === undefined) throw new NotFoundError(`no graph with id ${id} in the library`);
    }, [this.db.graphs]);
  }

  /**
   * Runs `scope` as one read-write transaction. A quota error becomes StorageFullError (the
   * transaction was rolled back, so nothing was written); storage errors pass through; any
   * other failure becomes a StorageError that says what was being done.
   */
  private async write<T>(
    action: string | (() => string),
    size: number,
    hadSavedVersion: boolean,
    scope: () => Promise<T>,
    tables: Table[] = [this.db.graphs, this.db.revisions, this.db.assets],
  ): Promise<T> {
    try {
      return await this.db.transaction('rw', tables, scope);
    } catch (e) {
      const what = typeof action === 'string' ? action : action();
      if (isQuotaError(e)) {
        const kb = Math.max(1, Math.ceil(size / 1024));
        throw new StorageFullError(
          `Storage is full: the browser refused to ${what} (${kb} KB). Nothing was written${hadSavedVersion ? ' — the last saved version is intact' : ''}. ` +
            'Free space by emptying the trash or deleting graphs, or export the graph to a file.',
          e,
        );
      }
      const own = ownError(e);
      if (own) throw own;
      throw new StorageError(`could not ${what}: ${e instanceof Error ? e.message : String(e)}`, e);
    }
  }
}
