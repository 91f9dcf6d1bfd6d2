/**
 * Sharing formats for graph documents (issue 4): a self-contained export with its images
 * embedded as data: URLs, and the import of such a file back into content-addressed assets.
 * Pure functions on documents and bytes (no DOM, no dexie): reading an image is the
 * caller's `read` callback.
 *
 * A "source" is any node param named `source` whose value is a string (image.load today).
 * Documents passed in are never modified; results are fresh copies.
 */
import { cloneData } from '../engine/checks';
import type { GraphDocument } from '../engine/format';
import { hashBytes } from '../engine/signature';

export const ASSET_PREFIX = 'asset:';

export interface EmbeddedAsset {
  /** `asset:<hashBytes(bytes)>`, the id the library and the worker use. */
  id: string;
  bytes: Uint8Array;
  type: string;
  name: string;
}

export type ReadSource = (source: string) => Promise<{ bytes: Uint8Array; type: string } | null>;

interface SourceRef {
  node: Record<string, unknown>;
  params: Record<string, unknown>;
  index: number;
  value: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every `source` string param in the document, in node order (tolerates odd shapes). */
function sourceRefs(doc: GraphDocument): SourceRef[] {
  const refs: SourceRef[] = [];
  const nodes: unknown = doc.nodes;
  if (!Array.isArray(nodes)) return refs;
  nodes.forEach((node: unknown, index) => {
    if (!isRecord(node) || !isRecord(node.params)) return;
    const value = Object.prototype.hasOwnProperty.call(node.params, 'source') ? node.params.source : undefined;
    if (typeof value === 'string') refs.push({ node, params: node.params, index, value });
  });
  return refs;
}

function where(ref: SourceRef): string {
  return `nodes[${ref.index}].params.source${typeof ref.node.id === 'string' ? ` (node "${ref.node.id}")` : ''}`;
}

/** The distinct `asset:` ids the document's sources use, in order of first use. */
export function collectAssetIds(doc: GraphDocument): string[] {
  const ids = new Set<string>();
  for (const r of sourceRefs(doc)) if (r.value.startsWith(ASSET_PREFIX)) ids.add(r.value);
  return [...ids];
}

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

/**
 * Whether a source names bytes the app itself holds: an `asset:` id, a relative path
 * (`cameraman.png`, `../x.png`, `/assets/x.png`), or an absolute http(s) URL of `origin`.
 * Protocol-relative (`//host/x`), data: and other-origin URLs are not.
 */
export function isEmbeddableSource(source: string, origin?: string): boolean {
  if (source.startsWith(ASSET_PREFIX)) return true;
  if (source === '' || source.startsWith('//')) return false;
  if (!SCHEME.test(source)) return true;
  if (origin === undefined || !/^https?:/i.test(source)) return false;
  try {
    return new URL(source).origin === new URL(origin).origin;
  } catch {
    return false;
  }
}

/**
 * A self-contained copy of `doc`: every source that is an `asset:` id or a relative /
 * same-origin path (see isEmbeddableSource; `opts.origin` is the app's origin, e.g.
 * `location.origin`) becomes a base64 data: URL of the bytes `read(source)` returns. Sources
 * `read` cannot supply (it returns null) are left unchanged and listed in `missing`; errors
 * thrown by `read` propagate. Each distinct source is read once.
 */
export async function embedAssets(
  doc: GraphDocument,
  read: ReadSource,
  opts: { origin?: string } = {},
): Promise<{ doc: GraphDocument; missing: string[] }> {
  const out = cloneData(doc);
  const urls = new Map<string, string | null>();
  const missing: string[] = [];
  for (const ref of sourceRefs(out)) {
    if (!isEmbeddableSource(ref.value, opts.origin)) continue;
    let url = urls.get(ref.value);
    if (url === undefined) {
      const got = await read(ref.value);
      url = got ? bytesToDataUrl(got.bytes, got.type || sniffImageType(got.bytes)) : null;
      urls.set(ref.value, url);
      if (url === null) missing.push(ref.value);
    }
    if (url !== null) ref.params.source = url;
  }
  return { doc: out, missing };
}

/**
 * The import side of embedAssets: every data: URL source becomes `asset:<hashBytes(bytes)>`,
 * and its bytes are returned once per distinct id (type from the data URL, else sniffed;
 * name `image-<first 8 hex of the hash>.<ext>`). Throws an Error naming the node when a
 * data: URL is malformed. Re-embedding the result gives the same data URLs back when they
 * were written by bytesToDataUrl.
 */
export function extractEmbedded(doc: GraphDocument): { doc: GraphDocument; assets: EmbeddedAsset[] } {
  const out = cloneData(doc);
  const assets = new Map<string, EmbeddedAsset>();
  for (const ref of sourceRefs(out)) {
    if (!/^data:/i.test(ref.value)) continue;
    let decoded: { bytes: Uint8Array; type: string };
    try {
      decoded = dataUrlToBytes(ref.value);
    } catch (e) {
      throw new Error(`${where(ref)}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const hash = hashBytes(decoded.bytes);
    const id = ASSET_PREFIX + hash;
    if (!assets.has(id)) {
      const type = decoded.type === 'application/octet-stream' || decoded.type === 'text/plain' ? sniffImageType(decoded.bytes) : decoded.type;
      assets.set(id, { id, bytes: decoded.bytes, type, name: `image-${hash.slice(0, 8)}.${extensionFor(type)}` });
    }
    ref.params.source = id;
  }
  return { doc: out, assets: [...assets.values()] };
}

// ---------------------------------------------------------------------------------------
// data: URLs and base64

const MIME = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/;

/** A `data:<type>;base64,<…>` URL of `bytes`; an empty type becomes application/octet-stream. */
export function bytesToDataUrl(bytes: Uint8Array, type: string): string {
  const mime = (type || 'application/octet-stream').trim().toLowerCase();
  if (!MIME.test(mime)) throw new Error(`cannot make a data URL: ${JSON.stringify(type)} is not a MIME type like image/png`);
  return `data:${mime};base64,${base64Encode(bytes)}`;
}

/**
 * The bytes and MIME type (lower case, without parameters; `text/plain` when absent, as the
 * URL standard says) of a data: URL, base64 or percent-encoded. Throws an Error saying what
 * is wrong for anything else.
 */
export function dataUrlToBytes(url: string): { bytes: Uint8Array; type: string } {
  const shown = url.length > 40 ? `${url.slice(0, 40)}…` : url;
  if (!/^data:/i.test(url)) throw new Error(`not a data URL: ${JSON.stringify(shown)} does not start with "data:"`);
  const comma = url.indexOf(',');
  if (comma < 0) throw new Error(`malformed data URL ${JSON.stringify(shown)}: no "," between the media type and the data`);
  const header = url.slice(5, comma).split(';').map((p) => p.trim());
  const isBase64 = header.length > 1 && header[header.length - 1]!.toLowerCase() === 'base64';
  const rawType = header[0]!.toLowerCase();
  if (rawType !== '' && !MIME.test(rawType)) {
    throw new Error(`malformed data URL ${JSON.stringify(shown)}: media type ${JSON.stringify(header[0])} is not like image/png`);
  }
  const type = rawType || 'text/plain';
  const data = url.slice(comma + 1);
  try {
    return { bytes: isBase64 ? base64Decode(data) : percentDecode(data), type };
  } catch (e) {
    throw new Error(`malformed data URL (${type}): ${e instanceof Error ? e.message : String(e)}`);
  }
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ALPHABET_CODES = new TextEncoder().encode(ALPHABET);
const DECODE = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) t[ALPHABET.charCodeAt(i)] = i;
  return t;
})();

function base64Encode(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = ALPHABET_CODES[n >>> 18]!;
    out[o++] = ALPHABET_CODES[(n >>> 12) & 63]!;
    out[o++] = ALPHABET_CODES[(n >>> 6) & 63]!;
    out[o++] = ALPHABET_CODES[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0);
    out[o++] = ALPHABET_CODES[n >>> 18]!;
    out[o++] = ALPHABET_CODES[(n >>> 12) & 63]!;
    out[o++] = rest === 2 ? ALPHABET_CODES[(n >>> 6) & 63]! : 0x3d;
    out[o++] = 0x3d; // '='
  }
  return new TextDecoder().decode(out);
}

/** Forgiving base64 (WHATWG): ASCII whitespace ignored, padding optional, anything else refused. */
function base64Decode(text: string): Uint8Array {
  const chars: number[] = [];
  let pad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d) continue;
    if (c === 0x3d) {
      pad++;
      continue;
    }
    const v = c < 128 ? DECODE[c]! : -1;
    if (v < 0 || pad > 0) {
      const what = v < 0 ? `invalid character ${JSON.stringify(text[i])}` : 'data after "=" padding';
      throw new Error(`base64 data has an ${what} at position ${i}`);
    }
    chars.push(v);
  }
  const rem = chars.length % 4;
  if (rem === 1) throw new Error(`base64 data has ${chars.length} digits, which is not a whole number of bytes (truncated?)`);
  if (pad > 2 || (pad > 0 && (chars.length + pad) % 4 !== 0)) throw new Error(`base64 data has ${pad} "=" padding characters where ${(4 - rem) % 4} belong`);
  const out = new Uint8Array(Math.floor((chars.length * 3) / 4));
  let o = 0;
  let i = 0;
  for (; i + 3 < chars.length; i += 4) {
    const n = (chars[i]! << 18) | (chars[i + 1]! << 12) | (chars[i + 2]! << 6) | chars[i + 3]!;
    out[o++] = n >>> 16;
    out[o++] = (n >>> 8) & 0xff;
    out[o++] = n & 0xff;
  }
  if (rem >= 2) {
    const n = (chars[i]! << 18) | (chars[i + 1]! << 12) | (rem === 3 ? chars[i + 2]! << 6 : 0);
    out[o++] = n >>> 16;
    if (rem === 3) out[o++] = (n >>> 8) & 0xff;
  }
  return out;
}

/** Percent-decoding to bytes (runs of other characters are taken as their UTF-8 bytes). */
function percentDecode(text: string): Uint8Array {
  const enc = new TextEncoder();
  const out: number[] = [];
  for (let i = 0; i < text.length; ) {
    if (text[i] === '%') {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new Error(`"%" at position ${i} is not followed by two hex digits`);
      out.push(parseInt(hex, 16));
      i += 3;
    } else {
      let j = i;
      while (j < text.length && text[j] !== '%') j++;
      for (const b of enc.encode(text.slice(i, j))) out.push(b);
      i = j;
    }
  }
  return Uint8Array.from(out);
}

// ---------------------------------------------------------------------------------------
// Image types

/** The image MIME type told by the first bytes, or application/octet-stream. */
export function sniffImageType(bytes: Uint8Array): string {
  const starts = (...sig: number[]): boolean => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return 'image/webp';
  if (starts(0x42, 0x4d)) return 'image/bmp';
  return 'application/octet-stream';
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/bmp': 'bmp',
  'image/svg+xml': 'svg',
  'image/avif': 'avif',
};

function extensionFor(type: string): string {
  return EXTENSIONS[type] ?? 'bin';
}
