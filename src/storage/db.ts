/**
 * The IndexedDB database of the graph library (DESIGN.md §5), through Dexie. The schema is
 * versioned; each version after the first has an upgrade function that rewrites the rows of
 * the version before, so a library saved by an older build opens in a newer one. Only
 * src/storage imports dexie.
 */
import Dexie, { type DexieOptions, type Table, type Transaction } from 'dexie';
import { documentText } from '../engine/format';

export const DEFAULT_DB_NAME = 'pixel-loom';

/** Why a revision was written. */
export type RevisionReason = 'create' | 'edit' | 'rename' | 'restore' | 'import' | 'duplicate' | 'other-tab';

/** One graph of the library (schema version 2). */
export interface GraphRow {
  id: string;
  name: string;
  /** The graph file text (canonical layout when the editor wrote it). */
  text: string;
  /** Increases by one with every save; a save names the rev it was based on. */
  rev: number;
  createdAt: number;
  updatedAt: number;
  openedAt: number;
  /** When it was moved to the trash; null when it is not in the trash. */
  deletedAt: number | null;
  /** The `asset:<hash>` ids the graph's text uses. */
  assets: string[];
  /** URL folder that relative image sources resolve against: '/' or '/graphs/'. */
  base: string;
  thumbnail: Blob | null;
  /** Tab id of the last save. */
  writer: string;
  /** Set on a row kept although it could not be read (e.g. by the 1→2 upgrade). */
  corrupt?: string;
  /**
   * Set on a graph imported from a `?graph=` link: a key of the imported text, so opening the
   * same link again opens this graph instead of adding another copy. Not indexed.
   */
  importKey?: string;
}

/** One saved state of a graph. */
export interface RevisionRow {
  id?: number;
  graphId: string;
  rev: number;
  text: string;
  savedAt: number;
  reason: RevisionReason;
  /**
   * When the first of the 'edit' saves coalesced into this revision was made (absent when
   * none was coalesced). Coalescing stops 60 s after it, so long sessions keep history.
   */
  startedAt?: number;
}

/** An image stored once by the hash of its bytes. */
export interface AssetRow {
  /** `asset:` + hashBytes(bytes) (src/engine/signature.ts): 16 hex digits. */
  id: string;
  bytes: Blob;
  /** MIME type, e.g. image/png. */
  type: string;
  /** File name it was stored from (informative only). */
  name: string;
  size: number;
  createdAt: number;
}

export interface SettingRow {
  key: string;
  value: unknown;
}

/** A graph row of schema version 1 (kept so the upgrade path is real and tested). */
export interface GraphRowV1 {
  id: string;
  name: string;
  doc: unknown;
  updatedAt: number;
}

export const SCHEMA_V1 = { graphs: 'id, updatedAt', settings: 'key' } as const;
export const SCHEMA_V2 = {
  graphs: 'id, name, updatedAt, openedAt, deletedAt, *assets',
  revisions: '++id, graphId, [graphId+rev], savedAt',
  assets: 'id, createdAt',
  settings: 'key',
} as const;
/** Version 3 adds "My components" (component files kept to insert into any graph). */
export const SCHEMA_V3 = { ...SCHEMA_V2, components: 'id, name, updatedAt' } as const;
export const DB_VERSION = 3;

/** A component kept in "My components": its component file text (engine/componentFile.ts), versioned. */
export interface ComponentRow {
  id: string;
  name: string;
  /** Increments on every save; a graph holding an older version is offered "Update". */
  version: number;
  text: string;
  createdAt: number;
  updatedAt: number;
}

/** Options for tests: the IndexedDB implementation to use (e.g. fake-indexeddb). */
export type PixelLoomDbOptions = Pick<DexieOptions, 'indexedDB' | 'IDBKeyRange'>;

export class PixelLoomDb extends Dexie {
  graphs!: Table<GraphRow, string>;
  revisions!: Table<RevisionRow, number>;
  assets!: Table<AssetRow, string>;
  settings!: Table<SettingRow, string>;
  components!: Table<ComponentRow, string>;

  constructor(name: string = DEFAULT_DB_NAME, opts?: PixelLoomDbOptions) {
    super(name, opts);
    // Dexie's liveQuery stays silent where the environment has no global indexedDB (Node with
    // fake-indexeddb in tests); give it the implementation this database uses.
    const deps = Dexie.dependencies;
    if (!deps.indexedDB && opts?.indexedDB && opts.IDBKeyRange) {
      deps.indexedDB = opts.indexedDB as IDBFactory;
      deps.IDBKeyRange = opts.IDBKeyRange as typeof IDBKeyRange;
    }
    this.version(1).stores(SCHEMA_V1);
    this.version(2).stores(SCHEMA_V2).upgrade(upgrade1to2);
    this.version(3).stores(SCHEMA_V3);
  }
}

/** Upgrade 1→2: every v1 graph becomes a v2 row with a first revision; unreadable rows are kept, marked. */
async function upgrade1to2(tx: Transaction): Promise<void> {
  const graphs = tx.table('graphs');
  const olds = (await graphs.toArray()) as unknown[];
  const rows: Record<string, unknown>[] = [];
  const revisions: RevisionRow[] = [];
  for (const old of olds) {
    const result = upgradeGraphRowV1(old);
    rows.push(result.row);
    if (result.revision) revisions.push(result.revision);
  }
  await graphs.bulkPut(rows);
  await tx.table('revisions').bulkAdd(revisions);
}

/**
 * The v2 form of one v1 graph row: a GraphRow and its first revision, or — for a row that
 * cannot be read — the original fields kept with `corrupt` saying why (so nothing is lost
 * and the library can show it).
 */
export function upgradeGraphRowV1(old: unknown): { row: Record<string, unknown>; revision: RevisionRow | null } {
  const o = isRecord(old) ? old : {};
  const updatedAt = finiteOr(o.updatedAt, Date.now());
  let problem: string | null = null;
  let text = '';
  if (!isRecord(old)) problem = 'the row is not an object';
  else if (typeof o.id !== 'string') problem = `id is ${describe(o.id)}, not a string`;
  else if (!isRecord(o.doc)) problem = `doc is ${describe(o.doc)}, not a graph object`;
  else {
    try {
      text = documentText(o.doc);
    } catch (e) {
      problem = `doc cannot be written as JSON (${e instanceof Error ? e.message : String(e)})`;
    }
  }
  if (problem !== null) {
    const kept: Record<string, unknown> = { ...o, corrupt: `version 1 row could not be upgraded: ${problem}` };
    if (!('deletedAt' in kept)) kept.deletedAt = null;
    return { row: kept, revision: null };
  }
  const doc = o.doc as Record<string, unknown>;
  const name = nonEmptyString(o.name) ?? nonEmptyString(doc.name) ?? 'Untitled graph';
  const row: GraphRow = {
    id: o.id as string,
    name,
    text,
    rev: 1,
    createdAt: updatedAt,
    updatedAt,
    openedAt: updatedAt,
    deletedAt: null,
    assets: assetIdsInDoc(doc),
    base: '/',
    thumbnail: null,
    writer: 'upgrade',
  };
  const revision: RevisionRow = { graphId: row.id, rev: 1, text, savedAt: updatedAt, reason: 'import' };
  return { row: row as unknown as Record<string, unknown>, revision };
}

const ASSET_PREFIX = 'asset:';

/** The `asset:` ids used by a graph document: node params named `source` (sorted, unique). */
export function assetIdsInDoc(doc: unknown): string[] {
  const out = new Set<string>();
  if (isRecord(doc) && Array.isArray(doc.nodes)) {
    for (const n of doc.nodes) {
      if (!isRecord(n) || !isRecord(n.params)) continue;
      const s = n.params.source;
      if (typeof s === 'string' && s.startsWith(ASSET_PREFIX)) out.add(s);
    }
  }
  return [...out].sort();
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function finiteOr(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

function nonEmptyString(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

/** A short description of a value's kind for messages: `a string`, `null`, `an array`. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'missing';
  if (Array.isArray(v)) return 'an array';
  const t = typeof v;
  return t === 'object' ? 'an object' : `a${/^[aeiou]/.test(t) ? 'n' : ''} ${t}`;
}
