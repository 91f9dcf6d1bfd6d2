/**
 * A graph carried inside a PNG (DESIGN.md §5, issue 4): the graph file text in an iTXt
 * chunk with the keyword `pixel-loom.graph`, so an exported preview opens as its graph when
 * it is dropped back on the editor. Pure functions on bytes (no DOM, no Node APIs): they run
 * on the browser's main thread as well as in tests.
 *
 * Writing: one uncompressed UTF-8 iTXt chunk, placed before the first IDAT (where readers
 * that stop at the image data still see it); an existing text chunk with the keyword is
 * replaced, so a file never carries two graphs. Every other chunk is copied byte for byte.
 *
 * Reading: an uncompressed iTXt (UTF-8) or a tEXt (Latin-1) chunk with the keyword.
 * Compressed text (iTXt with the compression flag, zTXt) is refused with a clear message:
 * inflating needs DecompressionStream, which is asynchronous, and our writer never
 * compresses. The signature, every chunk's length and every CRC are checked; errors name the
 * chunk and its byte offset.
 */

export const PNG_GRAPH_KEYWORD = 'pixel-loom.graph';

/** A PNG that cannot be read or written: the message names the chunk and the byte offset. */
export class PngFormatError extends Error {
  override name = 'PngFormatError';
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;
/** Largest chunk length the PNG specification allows (2^31 − 1). */
const MAX_CHUNK_LENGTH = 0x7fffffff;

/** True when `bytes` starts with the 8-byte PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  if (bytes.length < SIGNATURE.length) return false;
  return SIGNATURE.every((b, i) => bytes[i] === b);
}

// ---------------------------------------------------------------------------------------
// CRC-32 (ISO 3309 / ITU-T V.42, the polynomial PNG uses), table-driven.

const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of `bytes[start, end)` as an unsigned 32-bit integer. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// ---------------------------------------------------------------------------------------
// Chunks

interface Chunk {
  /** Four-letter chunk type, e.g. `IHDR`. */
  type: string;
  /** Byte offset of the chunk (its length field) in the file. */
  offset: number;
  /** Byte offset of the chunk data. */
  dataStart: number;
  /** Data length in bytes. */
  length: number;
  /** Byte offset just past the CRC. */
  end: number;
}

const hex32 = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

function writeUint32(bytes: Uint8Array, at: number, v: number): void {
  bytes[at] = (v >>> 24) & 0xff;
  bytes[at + 1] = (v >>> 16) & 0xff;
  bytes[at + 2] = (v >>> 8) & 0xff;
  bytes[at + 3] = v & 0xff;
}

function isLetter(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

/**
 * Splits a PNG into its chunks, up to and including IEND (bytes after IEND are ignored, as
 * decoders do). Throws PngFormatError for a missing signature, a truncated file, an invalid
 * chunk type or length, a CRC mismatch, or a file that ends without IEND.
 */
function readChunks(png: Uint8Array): Chunk[] {
  if (!isPng(png)) {
    const what = png.length < SIGNATURE.length ? `it is only ${png.length} bytes long` : 'its first 8 bytes are not the PNG signature';
    throw new PngFormatError(`not a PNG file: ${what}`);
  }
  const chunks: Chunk[] = [];
  let at: number = SIGNATURE.length;
  for (;;) {
    if (at >= png.length) {
      const last = chunks[chunks.length - 1];
      throw new PngFormatError(
        `PNG is truncated: it ends at byte ${png.length}${last ? ` after the ${last.type} chunk at byte ${last.offset}` : ''} without an IEND chunk`,
      );
    }
    if (at + 8 > png.length) {
      throw new PngFormatError(`PNG is truncated: the chunk header at byte ${at} needs 8 bytes but the file ends at byte ${png.length}`);
    }
    const length = readUint32(png, at);
    const typeBytes = png.subarray(at + 4, at + 8);
    if (!typeBytes.every(isLetter)) {
      const shown = Array.from(typeBytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
      throw new PngFormatError(`PNG is damaged: the chunk at byte ${at} has an invalid type (bytes ${shown}); chunk types are four ASCII letters`);
    }
    const type = String.fromCharCode(...typeBytes);
    if (length > MAX_CHUNK_LENGTH) {
      throw new PngFormatError(`PNG is damaged: chunk ${type} at byte ${at} declares length ${length}, above the maximum 2^31-1`);
    }
    const dataStart = at + 8;
    const end = dataStart + length + 4;
    if (end > png.length) {
      throw new PngFormatError(
        `PNG is truncated: chunk ${type} at byte ${at} declares ${length} data bytes and ends at byte ${end}, but the file ends at byte ${png.length}`,
      );
    }
    const stored = readUint32(png, dataStart + length);
    const computed = crc32(png, at + 4, dataStart + length);
    if (stored !== computed) {
      throw new PngFormatError(
        `PNG is damaged: chunk ${type} at byte ${at} has CRC ${hex32(stored)} but its contents give ${hex32(computed)}`,
      );
    }
    chunks.push({ type, offset: at, dataStart, length, end });
    at = end;
    if (type === 'IEND') return chunks;
  }
}

// ---------------------------------------------------------------------------------------
// Text chunks

/** The keyword of a tEXt/zTXt/iTXt chunk (Latin-1, up to the first NUL), or null if it has none. */
function textKeyword(png: Uint8Array, c: Chunk): { keyword: string; afterNul: number } | null {
  const limit = Math.min(c.dataStart + c.length, c.dataStart + 80);
  for (let i = c.dataStart; i < limit; i++) {
    if (png[i] === 0) return { keyword: latin1(png.subarray(c.dataStart, i)), afterNul: i + 1 };
  }
  return null;
}

function isTextChunk(type: string): boolean {
  return type === 'tEXt' || type === 'iTXt' || type === 'zTXt';
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x2000) s += String.fromCharCode(...bytes.subarray(i, i + 0x2000));
  return s;
}

function indexOfNul(bytes: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) if (bytes[i] === 0) return i;
  return -1;
}

function decodeGraphChunk(png: Uint8Array, c: Chunk, afterKeyword: number): string {
  const where = `${c.type} chunk "${PNG_GRAPH_KEYWORD}" at byte ${c.offset}`;
  const dataEnd = c.dataStart + c.length;
  if (c.type === 'tEXt') return latin1(png.subarray(afterKeyword, dataEnd));
  if (c.type === 'zTXt') {
    throw new PngFormatError(`cannot read the graph in the PNG: the ${where} is compressed, and compressed text chunks are not supported (pixel-loom writes an uncompressed iTXt chunk)`);
  }
  // iTXt: compression flag, compression method, language tag NUL, translated keyword NUL, text.
  if (afterKeyword + 2 > dataEnd) throw new PngFormatError(`PNG is damaged: the ${where} ends before its compression flag`);
  const flag = png[afterKeyword]!;
  if (flag !== 0) {
    const detail = flag === 1 ? 'is compressed' : `has an invalid compression flag ${flag}`;
    throw new PngFormatError(`cannot read the graph in the PNG: the ${where} ${detail}; compressed iTXt is not supported (pixel-loom writes it uncompressed)`);
  }
  const langEnd = indexOfNul(png, afterKeyword + 2, dataEnd);
  const transEnd = langEnd < 0 ? -1 : indexOfNul(png, langEnd + 1, dataEnd);
  if (transEnd < 0) {
    throw new PngFormatError(`PNG is damaged: the ${where} lacks the NUL separators after its language tag and translated keyword`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(png.subarray(transEnd + 1, dataEnd));
  } catch {
    throw new PngFormatError(`PNG is damaged: the text of the ${where} is not valid UTF-8`);
  }
}

/**
 * The graph file text carried by a PNG, or null when it carries none. Throws PngFormatError
 * (message names the chunk and byte offset) for a file that is not a PNG, is truncated, has
 * a CRC mismatch, or whose graph chunk is compressed or malformed. When several chunks carry
 * the keyword, the first one wins.
 */
export function readGraphFromPng(png: Uint8Array): string | null {
  for (const c of readChunks(png)) {
    if (!isTextChunk(c.type)) continue;
    const kw = textKeyword(png, c);
    if (kw?.keyword === PNG_GRAPH_KEYWORD) return decodeGraphChunk(png, c, kw.afterNul);
  }
  return null;
}

/** A complete iTXt chunk (length, type, data, CRC) holding `text` uncompressed. */
function graphChunk(text: string): Uint8Array {
  const enc = new TextEncoder();
  const keyword = enc.encode(PNG_GRAPH_KEYWORD); // ASCII, so Latin-1 too
  const body = enc.encode(text);
  // keyword NUL, flag 0, method 0, empty language tag NUL, empty translated keyword NUL
  const length = keyword.length + 5 + body.length;
  if (length > MAX_CHUNK_LENGTH) throw new PngFormatError(`the graph text is too large for a PNG chunk (${length} bytes)`);
  const out = new Uint8Array(12 + length);
  writeUint32(out, 0, length);
  out.set([0x69, 0x54, 0x58, 0x74], 4); // 'iTXt'
  out.set(keyword, 8);
  // the five bytes after the keyword stay 0
  out.set(body, 8 + keyword.length + 5);
  writeUint32(out, 8 + length, crc32(out, 4, 8 + length));
  return out;
}

/**
 * A copy of `png` carrying `graphText` in an uncompressed UTF-8 iTXt chunk with the keyword
 * `pixel-loom.graph`, placed before the first IDAT. Text chunks already carrying the keyword
 * are dropped, so the result holds exactly one. Throws PngFormatError when `png` is not a
 * valid PNG or has no IDAT chunk. The input is not modified.
 */
export function embedGraphInPng(png: Uint8Array, graphText: string): Uint8Array {
  const chunks = readChunks(png);
  const firstIdat = chunks.find((c) => c.type === 'IDAT');
  if (!firstIdat) throw new PngFormatError('cannot embed the graph: the PNG has no IDAT (image data) chunk');
  const keep = chunks.filter((c) => !(isTextChunk(c.type) && textKeyword(png, c)?.keyword === PNG_GRAPH_KEYWORD));
  const added = graphChunk(graphText);
  const iend = chunks[chunks.length - 1]!;
  const size = SIGNATURE.length + added.length + keep.reduce((n, c) => n + (c.end - c.offset), 0) + (png.length - iend.end);
  const out = new Uint8Array(size);
  out.set(png.subarray(0, SIGNATURE.length), 0);
  let at: number = SIGNATURE.length;
  for (const c of keep) {
    if (c === firstIdat) {
      out.set(added, at);
      at += added.length;
    }
    out.set(png.subarray(c.offset, c.end), at);
    at += c.end - c.offset;
  }
  // bytes after IEND (rare, ignored by decoders) are kept as they were
  out.set(png.subarray(iend.end), at);
  return out;
}
