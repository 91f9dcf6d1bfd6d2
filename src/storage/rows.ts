/**
 * Stored rows of the graph library checked and normalized, and the text helpers behind them:
 * a corrupt row is named with what is wrong instead of breaking a list; graph text gets the
 * graph's name; asset references are collected from documents; quota errors are recognized
 * through their causes.
 */
import { documentText } from '../engine/format';
import { hashBytes } from '../engine/signature';
import { assetIdsInDoc, describe, isRecord, type GraphRow } from './db';
import { CorruptRowError, NotFoundError, StorageError } from './errors';
import type { ErrorCallback, NewAsset } from './library';

export interface PreparedAsset {
  id: string;
  bytes: Blob;
  type: string;
  name: string;
  size: number;
}

export const ASSET_PREFIX = 'asset:';
export const ASSET_REF = /asset:[0-9a-f]{16}/g;
export const encoder = new TextEncoder();

// ---- row checks ---------------------------------------------------------------------------

/** The row as a GraphRow, or NotFoundError / CorruptRowError. */
export function readGraphRow(raw: unknown, id: string): GraphRow {
  if (raw === undefined) throw new NotFoundError(`no graph with id ${id} in the library`);
  const checked = checkGraphRow(raw);
  if (typeof checked === 'string') throw new CorruptRowError('graphs', id, checked);
  return checked;
}

/**
 * A stored graph row checked and normalized, or what makes it unreadable. Fields the graph
 * cannot do without (id, name, text, rev, updatedAt) must be right; the rest fall back to
 * defaults (assets are re-derived from the text, base '/', no thumbnail).
 */
export function checkGraphRow(raw: unknown): GraphRow | string {
  if (!isRecord(raw)) return `the row is ${describe(raw)}, not an object`;
  if (typeof raw.corrupt === 'string') return raw.corrupt;
  if (typeof raw.id !== 'string') return `id is ${describe(raw.id)}, not a string`;
  if (typeof raw.name !== 'string' || raw.name.trim() === '') {
    return raw.name === undefined ? 'the name is missing' : `name is ${typeof raw.name === 'string' ? 'empty' : describe(raw.name)}, not a name`;
  }
  if (typeof raw.text !== 'string') return `text is ${describe(raw.text)}, not a string`;
  if (typeof raw.rev !== 'number' || !Number.isInteger(raw.rev) || raw.rev < 1) return `rev is ${formatValue(raw.rev)}, not a positive integer`;
  if (typeof raw.updatedAt !== 'number' || !Number.isFinite(raw.updatedAt)) return `updatedAt is ${formatValue(raw.updatedAt)}, not a time`;
  const deletedAt = raw.deletedAt === undefined || raw.deletedAt === null ? null : raw.deletedAt;
  if (deletedAt !== null && (typeof deletedAt !== 'number' || !Number.isFinite(deletedAt))) return `deletedAt is ${formatValue(deletedAt)}, not a time`;
  let assets: string[];
  if (Array.isArray(raw.assets) && raw.assets.every((a) => typeof a === 'string')) assets = raw.assets as string[];
  else {
    try {
      assets = assetIdsInDoc(JSON.parse(raw.text));
    } catch {
      assets = [];
    }
  }
  return {
    id: raw.id,
    name: raw.name,
    text: raw.text,
    rev: raw.rev,
    createdAt: finiteOr(raw.createdAt, raw.updatedAt),
    updatedAt: raw.updatedAt,
    openedAt: finiteOr(raw.openedAt, raw.updatedAt),
    deletedAt: deletedAt as number | null,
    assets,
    base: typeof raw.base === 'string' ? raw.base : '/',
    thumbnail: raw.thumbnail instanceof Blob ? raw.thumbnail : null,
    writer: typeof raw.writer === 'string' ? raw.writer : '',
    ...(typeof raw.importKey === 'string' ? { importKey: raw.importKey } : {}),
  };
}

export function checkRevisionRow(raw: unknown): string | null {
  if (!isRecord(raw)) return `the row is ${describe(raw)}, not an object`;
  if (typeof raw.text !== 'string') return `text is ${describe(raw.text)}, not a string`;
  if (typeof raw.rev !== 'number') return `rev is ${describe(raw.rev)}, not a number`;
  if (typeof raw.savedAt !== 'number') return `savedAt is ${describe(raw.savedAt)}, not a time`;
  return null;
}

// ---- helpers ------------------------------------------------------------------------------

export function cleanName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') throw new StorageError(`a graph needs a name; got ${formatValue(name)}`);
  return name.trim();
}

/** The text parsed as a JSON object; StorageError (prefixed with `context`) otherwise. */
export function parseText(text: unknown, context: string): Record<string, unknown> {
  if (typeof text !== 'string') throw new StorageError(`${context}: the graph text is ${describe(text)}, not a string`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new StorageError(`${context}: the graph text is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isRecord(doc)) throw new StorageError(`${context}: the graph text is ${describe(doc)}, not a JSON object`);
  return doc;
}

export function docName(doc: Record<string, unknown>): string | null {
  return typeof doc.name === 'string' && doc.name.trim() !== '' ? doc.name : null;
}

/**
 * `text` with its top-level "name" set to `name`, in the canonical layout (2-space indent,
 * trailing newline) with the key order kept; a missing "name" goes after "version".
 */
export function textWithName(text: string, name: string, graphId: string): string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new CorruptRowError('graphs', graphId, `text is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isRecord(doc)) throw new CorruptRowError('graphs', graphId, `text is ${describe(doc)}, not a JSON object`);
  let out: Record<string, unknown>;
  if (Object.hasOwn(doc, 'name')) {
    out = doc;
    out.name = name;
  } else {
    out = {};
    const keys = Object.keys(doc);
    const after = keys.includes('version') ? 'version' : keys.includes('format') ? 'format' : null;
    if (after === null) defineOwn(out, 'name', name);
    for (const k of keys) {
      defineOwn(out, k, doc[k]);
      if (k === after) defineOwn(out, 'name', name);
    }
  }
  return documentText(out);
}

/** Sets an own enumerable property (also for a key named "__proto__", which JSON.parse may give). */
export function defineOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

export async function prepareAssets(list: readonly NewAsset[]): Promise<PreparedAsset[]> {
  const out: PreparedAsset[] = [];
  const seen = new Set<string>();
  for (const a of list) {
    const label = typeof a.name === 'string' ? `the image "${a.name}"` : 'an image';
    if (typeof a.type !== 'string' || typeof a.name !== 'string') throw new StorageError(`${label} needs a string type and name`);
    let bytes: Uint8Array;
    if (a.bytes instanceof Uint8Array) bytes = a.bytes;
    else if (a.bytes instanceof Blob) bytes = new Uint8Array(await a.bytes.arrayBuffer());
    else throw new StorageError(`${label}: bytes is ${describe(a.bytes)}, not a Blob or Uint8Array`);
    const id = ASSET_PREFIX + hashBytes(bytes);
    if (a.id !== undefined && a.id !== id) throw new StorageError(`${label} was given the id ${a.id}, but its bytes hash to ${id}; it was not stored`);
    if (seen.has(id)) continue;
    seen.add(id);
    const blob = a.bytes instanceof Blob ? a.bytes : new Blob([bytes.slice()], { type: a.type });
    out.push({ id, bytes: blob, type: a.type, name: a.name, size: bytes.byteLength });
  }
  return out;
}

/** Adds every `asset:<hash>` mentioned in any string of the row (text, assets, or a corrupt row's fields). */
export function collectAssetRefs(value: unknown, into: Set<string>, seen = new Set<object>()): void {
  if (typeof value === 'string') {
    for (const m of value.matchAll(ASSET_REF)) into.add(m[0]);
    return;
  }
  if (typeof value !== 'object' || value === null || value instanceof Blob || seen.has(value)) return;
  seen.add(value);
  if (value instanceof Map) {
    for (const [k, v] of value) {
      collectAssetRefs(k, into, seen);
      collectAssetRefs(v, into, seen);
    }
    return;
  }
  const items = value instanceof Set || Array.isArray(value) ? [...(value as Iterable<unknown>)] : Object.values(value);
  for (const v of items) collectAssetRefs(v, into, seen);
}

/** Is this (or an error it wraps) the browser's quota error? */
export function isQuotaError(e: unknown, depth = 0): boolean {
  if (depth > 8 || typeof e !== 'object' || e === null) return false;
  const x = e as { name?: unknown; inner?: unknown; cause?: unknown; failures?: unknown };
  if (x.name === 'QuotaExceededError' || x.name === 'NS_ERROR_DOM_QUOTA_REACHED') return true;
  if (isQuotaError(x.inner, depth + 1) || isQuotaError(x.cause, depth + 1)) return true;
  if (Array.isArray(x.failures)) return x.failures.some((f) => isQuotaError(f, depth + 1));
  return false;
}

/** A StorageError thrown inside a transaction (Dexie may wrap one whose name it knows, e.g. NotFoundError, keeping it as `inner`). */
export function ownError(e: unknown, depth = 0): StorageError | null {
  if (e instanceof StorageError) return e;
  if (depth > 8 || typeof e !== 'object' || e === null) return null;
  const x = e as { inner?: unknown; cause?: unknown };
  return ownError(x.inner, depth + 1) ?? ownError(x.cause, depth + 1);
}

export function toError(e: unknown, what: string): Error {
  if (e instanceof Error) return e;
  return new StorageError(`${what} failed: ${String(e)}`);
}

export function reportError(onError: ErrorCallback | undefined, e: Error): void {
  if (onError) onError(e);
  else console.error(e);
}

export function byteSize(text: string): number {
  return encoder.encode(text).length;
}

export function sumSizes(assets: readonly PreparedAsset[]): number {
  return assets.reduce((s, a) => s + a.size, 0);
}

export function finiteOr(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

export function formatValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return describe(v);
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
