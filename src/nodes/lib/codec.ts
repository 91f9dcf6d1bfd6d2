/**
 * Image codecs: PNG (8/16-bit and 1/2/4-bit, every colour type, via fast-png) and JPEG (via
 * jpeg-js) to float32 HWC in [0, 1], and float HWC to PNG. The format is sniffed from the
 * magic bytes, never from a file name, and the header dimensions are checked against the
 * size limit BEFORE any pixel memory is allocated.
 *
 * Environment-neutral: no Node APIs (runs in the browser worker too).
 */
import { decode as decodePngRaw, encode as encodePngRaw, type DecodedPng } from 'fast-png';
import { decode as decodeJpegRaw } from 'jpeg-js';

export type ImageFormat = 'png' | 'jpeg';

/** How the pixels were stored in the file. gray+alpha is expanded to RGBA on decode. */
export type SourceColor = 'gray' | 'grayAlpha' | 'rgb' | 'rgba' | 'palette' | 'cmyk';

export interface DecodedImage {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
  /** Channels of `data`: 1 (gray), 3 (RGB) or 4 (RGBA). */
  readonly channels: 1 | 3 | 4;
  /** Bits per sample in the file (1, 2, 4, 8 or 16). */
  readonly bitDepth: number;
  readonly sourceColor: SourceColor;
  /** Row-major HWC samples in [0, 1]; length = height · width · channels. */
  readonly data: Float32Array;
}

export interface ImageHeader {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  /** Components in the file (JPEG: 1, 3 or 4; PNG: per colour type, palette = 1). */
  readonly components: number;
}

export interface DecodeOptions {
  /** Names the data in messages, e.g. `"photo.png"`. Default `image`. */
  readonly name?: string;
  /** Largest accepted width or height in pixels. Default 8192. */
  readonly maxSide?: number;
  /** Appended to the size-limit message, e.g. `raise it with --max-size`. */
  readonly limitHint?: string;
}

export const DEFAULT_MAX_SIDE = 8192;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(b: Uint8Array, sig: readonly number[], at = 0): boolean {
  if (b.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[at + i] !== sig[i]) return false;
  return true;
}

function ascii(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0));
}

function hexHead(b: Uint8Array, n = 4): string {
  return [...b.subarray(0, n)].map((x) => x.toString(16).padStart(2, '0')).join(' ');
}

/** Sniffs the container format from magic bytes; null when not PNG or JPEG. */
export function sniffFormat(b: Uint8Array): ImageFormat | null {
  if (startsWith(b, PNG_SIGNATURE)) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  return null;
}

/** A description of other well-known formats, for the error message. */
function otherFormat(b: Uint8Array): string | null {
  if (startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8)) return 'WebP';
  if (startsWith(b, ascii('GIF8'))) return 'GIF';
  if (startsWith(b, ascii('BM'))) return 'BMP';
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a])) return 'TIFF';
  if (startsWith(b, ascii('ftypavif'), 4) || startsWith(b, ascii('ftypheic'), 4)) return 'AVIF/HEIF';
  return null;
}

function be32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;
}

function be16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

const PNG_COMPONENTS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function pngHeader(b: Uint8Array, name: string): ImageHeader {
  // signature (8) + IHDR length (4) + "IHDR" (4) + 13 data bytes + CRC (4) = 33
  if (b.length < 33) throw new Error(`${name} is truncated or corrupt: the PNG header is cut off (${b.length} bytes)`);
  if (!startsWith(b, ascii('IHDR'), 12)) throw new Error(`${name} is truncated or corrupt: the PNG does not start with an IHDR chunk`);
  const width = be32(b, 16);
  const height = be32(b, 20);
  const bitDepth = b[24]!;
  const colorType = b[25]!;
  const components = PNG_COMPONENTS[colorType];
  if (width === 0 || height === 0) throw new Error(`${name} is truncated or corrupt: the PNG header says ${width}×${height} px`);
  if (components === undefined) throw new Error(`${name} is truncated or corrupt: unknown PNG colour type ${colorType}`);
  return { format: 'png', width, height, bitDepth, components };
}

/** Scans JPEG markers up to the first SOF (start of frame) without decoding anything. */
function jpegHeader(b: Uint8Array, name: string): ImageHeader {
  let i = 2;
  const cut = (): never => {
    throw new Error(`${name} is truncated or corrupt: the JPEG ends before its frame header`);
  };
  for (;;) {
    if (i >= b.length) cut();
    if (b[i] !== 0xff) throw new Error(`${name} is truncated or corrupt: expected a JPEG marker at byte ${i}`);
    while (i < b.length && b[i] === 0xff) i++; // fill bytes
    if (i >= b.length) cut();
    const marker = b[i]!;
    i++;
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // no length
    if (marker === 0xd9 || marker === 0xda) {
      throw new Error(`${name} is truncated or corrupt: the JPEG has no frame header before its ${marker === 0xd9 ? 'end' : 'scan data'}`);
    }
    if (i + 2 > b.length) cut();
    const len = be16(b, i);
    if (len < 2) throw new Error(`${name} is truncated or corrupt: JPEG segment length ${len} at byte ${i}`);
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (i + 8 > b.length) cut();
      const bitDepth = b[i + 2]!;
      const height = be16(b, i + 3);
      const width = be16(b, i + 5);
      const components = b[i + 7]!;
      if (width === 0) throw new Error(`${name} is truncated or corrupt: the JPEG frame header says width 0`);
      if (marker === 0xc3 || marker === 0xc7 || marker === 0xcb || marker === 0xcf) {
        throw new Error(`${name} is a lossless JPEG, which is not supported (use PNG for lossless images)`);
      }
      return { format: 'jpeg', width, height, bitDepth, components };
    }
    i += len;
  }
}

/**
 * Identifies the format and reads the dimensions from the header only (no pixel memory).
 * Throws a clear error for empty data, other formats, or a cut-off header.
 */
export function readImageHeader(bytes: Uint8Array, name = 'image'): ImageHeader {
  if (bytes.length === 0) throw new Error(`${name} is empty (0 bytes)`);
  const format = sniffFormat(bytes);
  if (format === 'png') return pngHeader(bytes, name);
  if (format === 'jpeg') return jpegHeader(bytes, name);
  const other = otherFormat(bytes);
  if (other === 'WebP') throw new Error(`${name} is a WebP image; WebP is not supported in Node (convert it to PNG or JPEG)`);
  if (other) throw new Error(`${name} is a ${other} image; only PNG and JPEG are supported`);
  if (startsWith(bytes, [0x89, 0x50, 0x4e]) || (bytes.length < 3 && bytes[0] === 0xff)) {
    throw new Error(`${name} is truncated or corrupt: it ends inside the file signature (${bytes.length} bytes)`);
  }
  throw new Error(`${name} is not a PNG or JPEG image (starts with bytes ${hexHead(bytes)})`);
}

/** Throws the size-limit error when either side exceeds `maxSide`. */
export function checkImageSize(width: number, height: number, maxSide: number, name = 'image', hint?: string): void {
  if (width > maxSide || height > maxSide) {
    throw new Error(`${name} is ${width}×${height} px; the limit is ${maxSide}×${maxSide}${hint ? ` (${hint})` : ''}`);
  }
}

function reason(e: unknown): string {
  const strip = (s: string): string => s.replace(/^Error:\s*/, '').replace(/[.:\s]+$/, '');
  const m = strip(e instanceof Error ? e.message : String(e));
  const cause = e instanceof Error && e.cause instanceof Error ? strip(e.cause.message) : '';
  return [m, cause].filter((x) => x !== '').join(': ') || 'unknown decoder error';
}

/** Decodes PNG or JPEG bytes (sniffed from the magic bytes) to float32 HWC in [0, 1]. */
export function decodeImage(bytes: Uint8Array, opts: DecodeOptions = {}): DecodedImage {
  const name = opts.name ?? 'image';
  const maxSide = opts.maxSide ?? DEFAULT_MAX_SIDE;
  const header = readImageHeader(bytes, name);
  checkImageSize(header.width, header.height, maxSide, name, opts.limitHint);
  if (header.format === 'png') {
    const problem = pngChunkProblem(bytes);
    if (problem) throw new Error(`${name} is truncated or corrupt: ${problem}`);
  }
  try {
    return header.format === 'png' ? decodePngBytes(bytes, header) : decodeJpegBytes(bytes, header, maxSide);
  } catch (e) {
    const why = header.format === 'jpeg' && !hasJpegEnd(bytes) ? 'the JPEG data ends early (no end-of-image marker)' : reason(e);
    throw new Error(`${name} is truncated or corrupt: ${why}`);
  }
}

/** Walks the PNG chunk list (lengths only): says where the data is cut off, or null. */
function pngChunkProblem(b: Uint8Array): string | null {
  let i = 8;
  let sawData = false;
  while (i + 8 <= b.length) {
    const len = be32(b, i);
    const type = String.fromCharCode(b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!);
    if (!/^[A-Za-z]{4}$/.test(type)) return `invalid PNG chunk type at byte ${i + 4}`;
    if (i + 12 + len > b.length) return `the file ends inside its ${type} chunk (byte ${b.length} of ${i + 12 + len})`;
    if (type === 'IDAT') sawData = true;
    if (type === 'IEND') return sawData ? null : 'the PNG has no image data (IDAT chunk)';
    i += 12 + len;
  }
  return sawData ? 'the file ends before the PNG end marker (IEND chunk)' : 'the file ends before the image data (IDAT chunk)';
}

function hasJpegEnd(b: Uint8Array): boolean {
  for (let i = b.length - 2; i >= Math.max(0, b.length - 4096); i--) if (b[i] === 0xff && b[i + 1] === 0xd9) return true;
  return false;
}

/** Unpacks 1/2/4-bit rows (byte-aligned per row) to one sample per entry. */
function unpackBits(data: ArrayLike<number>, width: number, height: number, depth: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * depth) / 8);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = data[y * rowBytes + (bit >> 3)]!;
      out[y * width + x] = (byte >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

function decodePngBytes(bytes: Uint8Array, header: ImageHeader): DecodedImage {
  const png: DecodedPng = decodePngRaw(bytes, { checkCrc: true });
  const { width, height, depth } = png;
  if (width !== header.width || height !== header.height) throw new Error('PNG header and decoded size disagree');
  const n = width * height;
  const srcCh = png.channels;
  const expected = depth < 8 ? Math.ceil((width * depth) / 8) * height : n * srcCh;
  if (png.data.length < expected) throw new Error(`image data is incomplete (${png.data.length} of ${expected} samples)`);

  if (png.palette) {
    const idx = depth < 8 ? unpackBits(png.data, width, height, depth) : png.data;
    const pal = png.palette;
    const hasAlpha = pal.some((c) => c.length === 4);
    const ch = hasAlpha ? 4 : 3;
    const out = new Float32Array(n * ch);
    for (let p = 0; p < n; p++) {
      const c = pal[idx[p]!];
      if (!c) throw new Error(`pixel ${p % width},${Math.floor(p / width)} uses palette entry ${idx[p]} of ${pal.length}`);
      for (let k = 0; k < 3; k++) out[p * ch + k] = c[k]! / 255;
      if (hasAlpha) out[p * ch + 3] = (c[3] ?? 255) / 255;
    }
    return { format: 'png', width, height, channels: ch, bitDepth: depth, sourceColor: 'palette', data: out };
  }

  const samples: ArrayLike<number> = depth < 8 ? unpackBits(png.data, width, height, depth) : png.data;
  const max = (1 << depth) - 1; // samples / max, exactly rounded to float32
  const key = png.transparency; // tRNS colour key for gray / RGB
  if (srcCh === 1 || srcCh === 3) {
    if (key && key.length >= srcCh) {
      const out = new Float32Array(n * 4);
      for (let p = 0; p < n; p++) {
        let match = true;
        for (let k = 0; k < srcCh; k++) if (samples[p * srcCh + k] !== key[k]) match = false;
        for (let k = 0; k < 3; k++) out[p * 4 + k] = samples[p * srcCh + (srcCh === 1 ? 0 : k)]! / max;
        out[p * 4 + 3] = match ? 0 : 1;
      }
      return { format: 'png', width, height, channels: 4, bitDepth: depth, sourceColor: srcCh === 1 ? 'gray' : 'rgb', data: out };
    }
    const out = new Float32Array(n * srcCh);
    for (let i = 0; i < out.length; i++) out[i] = samples[i]! / max;
    return { format: 'png', width, height, channels: srcCh, bitDepth: depth, sourceColor: srcCh === 1 ? 'gray' : 'rgb', data: out };
  }
  if (srcCh === 2) {
    const out = new Float32Array(n * 4);
    for (let p = 0; p < n; p++) {
      const g = samples[p * 2]! / max;
      out[p * 4] = g;
      out[p * 4 + 1] = g;
      out[p * 4 + 2] = g;
      out[p * 4 + 3] = samples[p * 2 + 1]! / max;
    }
    return { format: 'png', width, height, channels: 4, bitDepth: depth, sourceColor: 'grayAlpha', data: out };
  }
  if (srcCh === 4) {
    const out = new Float32Array(n * 4);
    for (let i = 0; i < out.length; i++) out[i] = samples[i]! / max;
    return { format: 'png', width, height, channels: 4, bitDepth: depth, sourceColor: 'rgba', data: out };
  }
  throw new Error(`unsupported PNG channel count ${srcCh}`);
}

function decodeJpegBytes(bytes: Uint8Array, header: ImageHeader, maxSide: number): DecodedImage {
  if (header.bitDepth !== 8) throw new Error(`${header.bitDepth}-bit JPEG is not supported (only 8-bit)`);
  const pixels = header.width * Math.max(1, header.height);
  const raw = decodeJpegRaw(bytes, {
    useTArray: true,
    formatAsRGBA: false,
    tolerantDecoding: true,
    // Backstops only: the header dimensions were checked already.
    maxResolutionInMP: Math.max(1, (maxSide * maxSide) / 1e6),
    // jpeg-js holds ~4 bytes per sample in blocks plus the output: 32 bytes/px is ample.
    maxMemoryUsageInMB: Math.max(64, Math.ceil((pixels * 32) / (1 << 20))),
  });
  const { width, height } = raw;
  const gray = header.components === 1;
  const ch = gray ? 1 : 3;
  const n = width * height;
  const out = new Float32Array(n * ch);
  const src = raw.data; // RGB, 3 bytes per pixel (gray is replicated by jpeg-js)
  if (gray) for (let p = 0; p < n; p++) out[p] = src[p * 3]! / 255;
  else for (let i = 0; i < n * 3; i++) out[i] = src[i]! / 255;
  return {
    format: 'jpeg',
    width,
    height,
    channels: ch,
    bitDepth: 8,
    sourceColor: gray ? 'gray' : header.components === 4 ? 'cmyk' : 'rgb',
    data: out,
  };
}

export interface EncodePngOptions {
  /** 8 (default) or 16 bits per sample. */
  readonly bitDepth?: 8 | 16;
}

/**
 * Encodes float HWC samples as PNG: each value is clamped to [0, 1] (NaN → 0) and rounded,
 * `Math.round(v · 255)` for 8-bit, `Math.round(v · 65535)` for 16-bit. 1 channel → gray,
 * 2 → gray+alpha, 3 → RGB, 4 → RGBA.
 */
export function encodePng(
  data: ArrayLike<number>,
  width: number,
  height: number,
  channels: number,
  opts: EncodePngOptions = {},
): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`encodePng: invalid size ${width}×${height}`);
  }
  if (channels < 1 || channels > 4 || !Number.isInteger(channels)) throw new Error(`encodePng: ${channels} channels (expected 1 to 4)`);
  if (data.length !== width * height * channels) {
    throw new Error(`encodePng: ${data.length} samples for ${width}×${height}×${channels} (expected ${width * height * channels})`);
  }
  const depth = opts.bitDepth ?? 8;
  const max = depth === 16 ? 65535 : 255;
  const out = depth === 16 ? new Uint16Array(data.length) : new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    out[i] = v > 0 ? (v < 1 ? Math.round(v * max) : max) : 0; // NaN and v ≤ 0 → 0
  }
  return encodePngRaw({ width, height, data: out, depth, channels });
}
