/**
 * PNG encoder for float HWC samples: 8- or 16-bit, gray / gray+alpha / RGB / RGBA. Rows are
 * filtered as OpenCV's `imwrite` does by default (the Sub filter) and deflated at zlib's
 * fastest level with the run-length strategy where the host offers it (node:zlib), so files
 * come out about the size of OpenCV's in about its time. Environment-neutral: the deflate
 * step is fflate unless the caller passes its own.
 */
import { zlibSync } from 'fflate';
import { crc32 } from './bytes';

/** Compresses `data` into a zlib stream (header, deflate data, Adler-32). */
export type ZlibDeflate = (data: Uint8Array) => Uint8Array;

export interface EncodePngOptions {
  /** 8 (default) or 16 bits per sample. */
  readonly bitDepth?: 8 | 16;
  /** The zlib compressor; default fflate at level 1. The CLI passes node:zlib (Z_RLE). */
  readonly deflate?: ZlibDeflate;
}

const COLOR_TYPE = [0, 0, 4, 2, 6] as const; // by channel count

let hostDeflate: ZlibDeflate | null = null;

/** Sets the compressor used when a call passes none (the CLI installs node:zlib's). */
export function setDefaultDeflate(fn: ZlibDeflate | null): void {
  hostDeflate = fn;
}

function chunk(out: Uint8Array, at: number, type: string, data: Uint8Array): number {
  const v = new DataView(out.buffer, out.byteOffset);
  v.setUint32(at, data.length);
  for (let k = 0; k < 4; k++) out[at + 4 + k] = type.charCodeAt(k);
  out.set(data, at + 8);
  v.setUint32(at + 8 + data.length, crc32(out, at + 4, at + 8 + data.length));
  return at + 12 + data.length;
}

/**
 * Quantizes and filters: every row is `1 (filter Sub) + width · channels · bytes` bytes.
 * Each value is clamped to [0, 1] (NaN → 0) and rounded, `Math.round(v · 255)` for 8-bit,
 * `Math.round(v · 65535)` for 16-bit (big-endian). The row is quantized in place and then
 * filtered right to left, so no second buffer is needed.
 */
function filteredRows(data: ArrayLike<number>, width: number, height: number, channels: number, depth: 8 | 16): Uint8Array {
  const bpp = channels * (depth / 8);
  const stride = width * bpp;
  const out = new Uint8Array(height * (stride + 1));
  const rowSamples = width * channels;
  for (let y = 0, s = 0; y < height; y++) {
    const o = y * (stride + 1) + 1;
    out[o - 1] = 1; // Sub: each byte minus the byte one pixel to the left
    if (depth === 8) {
      for (let i = 0; i < rowSamples; i++) {
        const v = data[s++]!;
        out[o + i] = v > 0 ? (v < 1 ? Math.round(v * 255) : 255) : 0; // NaN and v ≤ 0 → 0
      }
    } else {
      for (let i = 0; i < stride; i += 2) {
        const v = data[s++]!;
        const q = v > 0 ? (v < 1 ? Math.round(v * 65535) : 65535) : 0;
        out[o + i] = q >> 8;
        out[o + i + 1] = q & 0xff;
      }
    }
    for (let i = stride - 1; i >= bpp; i--) out[o + i] = (out[o + i]! - out[o + i - bpp]!) & 0xff;
  }
  return out;
}

function checkShape(data: ArrayLike<number>, width: number, height: number, channels: number, depth: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`encodePng: invalid size ${width}×${height}`);
  }
  if (channels < 1 || channels > 4 || !Number.isInteger(channels)) throw new Error(`encodePng: ${channels} channels (expected 1 to 4)`);
  if (data.length !== width * height * channels) {
    throw new Error(`encodePng: ${data.length} samples for ${width}×${height}×${channels} (expected ${width * height * channels})`);
  }
  if (depth !== 8 && depth !== 16) throw new Error(`encodePng: bit depth ${String(depth)} (8 or 16)`);
}

/** The PNG file as pieces: signature + IHDR + the IDAT header, the zlib stream, the IDAT CRC + IEND. */
function assemble(width: number, height: number, channels: number, depth: 8 | 16, z: Uint8Array): [Uint8Array, Uint8Array, Uint8Array] {
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr[8] = depth;
  ihdr[9] = COLOR_TYPE[channels]!;
  const head = new Uint8Array(8 + 25 + 8);
  head.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const at = chunk(head, 8, 'IHDR', ihdr);
  const hv = new DataView(head.buffer);
  hv.setUint32(at, z.length);
  head.set([0x49, 0x44, 0x41, 0x54], at + 4); // "IDAT"
  // The IDAT CRC covers its type and data: CRC-32 continued over the stream without a copy.
  const tail = new Uint8Array(4 + 12);
  new DataView(tail.buffer).setUint32(0, crc32(z, 0, z.length, crc32(head, at + 4, at + 8, 0xffffffff, true)));
  chunk(tail, 4, 'IEND', new Uint8Array(0));
  return [head, z, tail];
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Encodes float HWC samples as PNG: 1 channel → gray, 2 → gray+alpha, 3 → RGB, 4 → RGBA,
 * at `bitDepth` 8 (default) or 16.
 */
export function encodePng(
  data: ArrayLike<number>,
  width: number,
  height: number,
  channels: number,
  opts: EncodePngOptions = {},
): Uint8Array {
  const depth = opts.bitDepth ?? 8;
  checkShape(data, width, height, channels, depth);
  return concat(encodePngParts(data, width, height, channels, opts));
}

/**
 * encodePng as the file's pieces, in order (the CLI writes them without joining them: the
 * image data is not copied once more).
 */
export function encodePngParts(
  data: ArrayLike<number>,
  width: number,
  height: number,
  channels: number,
  opts: EncodePngOptions = {},
): Uint8Array[] {
  const depth = opts.bitDepth ?? 8;
  checkShape(data, width, height, channels, depth);
  const deflate = opts.deflate ?? hostDeflate ?? ((d: Uint8Array) => zlibSync(d, { level: 1 }));
  return assemble(width, height, channels, depth, deflate(filteredRows(data, width, height, channels, depth)));
}
