/**
 * PNG decoder (ISO/IEC 15948): every bit depth and colour type, Adam7 interlacing, tRNS,
 * palettes (and the suggested palette a truecolour file may carry, which is ignored, as
 * libpng does), to float32 HWC in [0, 1]. Integrity is checked as libpng does and then some:
 * every chunk's CRC, the chunk order, the zlib stream's Adler-32, the amount of image data;
 * any failure is a CorruptImageError naming the reason — never partial pixels.
 *
 * Environment-neutral: inflate is fflate's (pure JavaScript; the same bytes everywhere).
 */
import { inflateSync } from 'fflate';
import { adler32, ascii, be16, be32, corrupt, crc32, fourCC, startsWith } from './bytes';
import type { RawImage, SourceColor } from './types';

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Samples per pixel in the file, per colour type. */
const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Record<number, readonly number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
const COLOR_NAME: Record<number, string> = { 0: 'grayscale', 2: 'truecolour', 3: 'palette', 4: 'grayscale+alpha', 6: 'truecolour+alpha' };

export interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  readonly colorType: number;
  readonly interlace: number;
}

/** Reads and checks IHDR (the first chunk), without touching the rest. */
export function readPngHeader(b: Uint8Array): PngHeader {
  // signature (8) + IHDR length (4) + "IHDR" (4) + 13 data bytes + CRC (4) = 33
  if (b.length < 33) corrupt(`the PNG header is cut off (${b.length} bytes)`);
  if (!startsWith(b, ascii('IHDR'), 12)) corrupt('the PNG does not start with an IHDR chunk');
  if (be32(b, 8) !== 13) corrupt(`the IHDR chunk is ${be32(b, 8)} bytes long (13 expected)`);
  // Checked here already, so that a damaged size is reported as damage, not as a size.
  if (crc32(b, 12, 29) !== be32(b, 29)) corrupt('the IHDR chunk at byte 8 fails its CRC check');
  const width = be32(b, 16);
  const height = be32(b, 20);
  const bitDepth = b[24]!;
  const colorType = b[25]!;
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) corrupt(`the PNG header says ${width}×${height} px`);
  const depths = DEPTHS[colorType];
  if (!depths) corrupt(`unknown PNG colour type ${colorType}`);
  if (!depths.includes(bitDepth)) corrupt(`bit depth ${bitDepth} is not allowed for ${COLOR_NAME[colorType]} PNGs`);
  if (b[26] !== 0) corrupt(`unknown PNG compression method ${b[26]}`);
  if (b[27] !== 0) corrupt(`unknown PNG filter method ${b[27]}`);
  if (b[28]! > 1) corrupt(`unknown PNG interlace method ${b[28]}`);
  return { width, height, bitDepth, colorType, interlace: b[28]! };
}

interface Chunks {
  readonly idat: Uint8Array[];
  idatBytes: number;
  palette: Uint8Array | null;
  trns: Uint8Array | null;
  exif: Uint8Array | null;
}

/** Walks every chunk: lengths, CRCs, order. Collects what decoding needs. */
function readChunks(b: Uint8Array, h: PngHeader): Chunks {
  const out: Chunks = { idat: [], idatBytes: 0, palette: null, trns: null, exif: null };
  let i = 8;
  let seenIdat = false;
  let idatDone = false;
  let seenPlte = false;
  for (;;) {
    if (i + 8 > b.length) {
      corrupt(seenIdat ? 'the file ends before the PNG end marker (IEND chunk)' : 'the file ends before the image data (IDAT chunk)');
    }
    const len = be32(b, i);
    const type = fourCC(b, i + 4);
    if (!/^[A-Za-z]{4}$/.test(type)) corrupt(`invalid PNG chunk type at byte ${i + 4}`);
    if (len > 0x7fffffff) corrupt(`the ${type} chunk at byte ${i} claims ${len} bytes`);
    const end = i + 12 + len;
    if (end > b.length) corrupt(`the file ends inside its ${type} chunk (byte ${b.length} of ${end})`);
    const stored = be32(b, i + 8 + len);
    if (crc32(b, i + 4, i + 8 + len) !== stored) corrupt(`the ${type} chunk at byte ${i} fails its CRC check`);
    const data = b.subarray(i + 8, i + 8 + len);
    if (i === 8 && type !== 'IHDR') corrupt('the PNG does not start with an IHDR chunk');
    if (type === 'IHDR' && i !== 8) corrupt(`a second IHDR chunk at byte ${i}`);
    if (type === 'IDAT') {
      if (idatDone) corrupt(`the IDAT chunks are not consecutive (another at byte ${i})`);
      seenIdat = true;
      out.idat.push(data);
      out.idatBytes += len;
    } else {
      if (seenIdat) idatDone = true;
      switch (type) {
        case 'IEND':
          if (!seenIdat) corrupt('the PNG has no image data (IDAT chunk)');
          if (h.colorType === 3 && !out.palette) corrupt('the palette PNG has no PLTE chunk');
          return out;
        case 'PLTE':
          if (seenIdat) corrupt('the PLTE chunk comes after the image data');
          if (seenPlte) corrupt('the PNG has two PLTE chunks');
          seenPlte = true;
          if (len === 0 || len % 3 !== 0 || len > 768) corrupt(`the PLTE chunk is ${len} bytes (a multiple of 3, at most 768)`);
          if (h.colorType === 3 && len / 3 > 1 << h.bitDepth) corrupt(`the PLTE chunk has ${len / 3} entries, more than a ${h.bitDepth}-bit image can use`);
          // In truecolour files the palette is only a suggestion for limited displays (ignored).
          if (h.colorType === 3) out.palette = data;
          break;
        case 'tRNS':
          if (seenIdat) corrupt('the tRNS chunk comes after the image data');
          if (h.colorType === 3) {
            if (!out.palette) corrupt('the tRNS chunk comes before the PLTE chunk');
            if (len > out.palette.length / 3) corrupt(`the tRNS chunk has ${len} entries for a palette of ${out.palette.length / 3}`);
          } else if ((h.colorType === 0 && len !== 2) || (h.colorType === 2 && len !== 6)) {
            corrupt(`the tRNS chunk is ${len} bytes (${h.colorType === 0 ? 2 : 6} expected)`);
          }
          // tRNS is not allowed with an alpha channel; libpng ignores it there, so do we.
          if (h.colorType !== 4 && h.colorType !== 6) out.trns = data;
          break;
        case 'eXIf':
          out.exif = data;
          break;
        default:
          // An unknown critical chunk (upper-case first letter) cannot be skipped safely.
          if (type !== 'IHDR' && (type.charCodeAt(0) & 0x20) === 0) corrupt(`unknown critical PNG chunk ${type}`);
      }
    }
    i = end;
  }
}

/** Bytes of one filtered row (without its filter byte). */
function rowBytes(width: number, h: PngHeader): number {
  return Math.ceil((width * SAMPLES[h.colorType]! * h.bitDepth) / 8);
}

const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

interface Pass {
  readonly x0: number;
  readonly y0: number;
  readonly dx: number;
  readonly dy: number;
  readonly w: number;
  readonly h: number;
}

function passes(h: PngHeader): Pass[] {
  if (h.interlace === 0) return [{ x0: 0, y0: 0, dx: 1, dy: 1, w: h.width, h: h.height }];
  return ADAM7.map(([x0, y0, dx, dy]) => ({
    x0,
    y0,
    dx,
    dy,
    w: Math.max(0, Math.ceil((h.width - x0) / dx)),
    h: Math.max(0, Math.ceil((h.height - y0) / dy)),
  }));
}

/** Reverses the five PNG filters in place, row by row (rows are 1 + stride bytes). */
function unfilter(buf: Uint8Array, start: number, rows: number, stride: number, bpp: number): void {
  let prev = -1;
  for (let r = 0; r < rows; r++) {
    const f = buf[start + r * (stride + 1)]!;
    const o = start + r * (stride + 1) + 1;
    switch (f) {
      case 0:
        break;
      case 1:
        for (let i = bpp; i < stride; i++) buf[o + i] = (buf[o + i]! + buf[o + i - bpp]!) & 0xff;
        break;
      case 2:
        if (prev >= 0) for (let i = 0; i < stride; i++) buf[o + i] = (buf[o + i]! + buf[prev + i]!) & 0xff;
        break;
      case 3:
        if (prev < 0) {
          for (let i = bpp; i < stride; i++) buf[o + i] = (buf[o + i]! + (buf[o + i - bpp]! >> 1)) & 0xff;
        } else {
          for (let i = 0; i < bpp; i++) buf[o + i] = (buf[o + i]! + (buf[prev + i]! >> 1)) & 0xff;
          for (let i = bpp; i < stride; i++) buf[o + i] = (buf[o + i]! + ((buf[o + i - bpp]! + buf[prev + i]!) >> 1)) & 0xff;
        }
        break;
      case 4:
        if (prev < 0) {
          for (let i = bpp; i < stride; i++) buf[o + i] = (buf[o + i]! + buf[o + i - bpp]!) & 0xff; // Paeth of (a, 0, 0) = a
        } else {
          for (let i = 0; i < bpp; i++) buf[o + i] = (buf[o + i]! + buf[prev + i]!) & 0xff;
          for (let i = bpp; i < stride; i++) {
            const a = buf[o + i - bpp]!;
            const b = buf[prev + i]!;
            const c = buf[prev + i - bpp]!;
            const p = a + b - c;
            const pa = Math.abs(p - a);
            const pb = Math.abs(p - b);
            const pc = Math.abs(p - c);
            buf[o + i] = (buf[o + i]! + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 0xff;
          }
        }
        break;
      default:
        corrupt(`row ${r} uses unknown PNG filter type ${f}`);
    }
    prev = o;
  }
}

/** Samples of the whole image, one entry per sample, at the file's depth (palette: indices). */
function samplesOf(raw: Uint8Array, h: PngHeader): Uint8Array | Uint16Array {
  const spp = SAMPLES[h.colorType]!;
  const d = h.bitDepth;
  const out = d === 16 ? new Uint16Array(h.width * h.height * spp) : new Uint8Array(h.width * h.height * spp);
  let at = 0;
  for (const p of passes(h)) {
    if (p.w === 0 || p.h === 0) continue;
    const stride = rowBytes(p.w, h);
    for (let r = 0; r < p.h; r++) {
      const o = at + r * (stride + 1) + 1;
      const y = p.y0 + r * p.dy;
      for (let c = 0; c < p.w; c++) {
        const px = (y * h.width + p.x0 + c * p.dx) * spp;
        if (d === 8) for (let k = 0; k < spp; k++) out[px + k] = raw[o + c * spp + k]!;
        else if (d === 16) for (let k = 0; k < spp; k++) out[px + k] = (raw[o + (c * spp + k) * 2]! << 8) | raw[o + (c * spp + k) * 2 + 1]!;
        else {
          const bit = c * d; // spp is 1 below 8 bits
          out[px] = (raw[o + (bit >> 3)]! >> (8 - d - (bit & 7))) & ((1 << d) - 1);
        }
      }
    }
    at += p.h * (stride + 1);
  }
  return out;
}

/** Inflates and unfilters the image data: the raw rows of every pass, filter bytes kept. */
function inflateImage(chunks: Chunks, h: PngHeader): Uint8Array {
  const spp = SAMPLES[h.colorType]!;
  const bpp = Math.max(1, (spp * h.bitDepth) >> 3);
  const ps = passes(h);
  let expected = 0;
  for (const p of ps) if (p.w > 0 && p.h > 0) expected += p.h * (rowBytes(p.w, h) + 1);
  let z: Uint8Array;
  if (chunks.idat.length === 1) z = chunks.idat[0]!;
  else {
    z = new Uint8Array(chunks.idatBytes);
    let o = 0;
    for (const c of chunks.idat) {
      z.set(c, o);
      o += c.length;
    }
  }
  if (z.length < 6) corrupt(`the image data is ${z.length} bytes, too short for a zlib stream`);
  if ((z[0]! & 0x0f) !== 8 || ((z[0]! << 8) | z[1]!) % 31 !== 0) corrupt('the image data is not a zlib stream (bad header)');
  if (z[1]! & 0x20) corrupt('the image data asks for a preset zlib dictionary, which PNG forbids');
  // One byte more than needed: a stream that fills it has too much data (ignored, as libpng does).
  const buf = new Uint8Array(expected + 1);
  let raw: Uint8Array;
  try {
    raw = inflateSync(z.subarray(2, z.length - 4), { out: buf });
  } catch (e) {
    corrupt(`the compressed image data is damaged (${e instanceof Error ? e.message : String(e)})`);
  }
  if (raw.length < expected) corrupt(`the image data is incomplete (${raw.length} of ${expected} bytes)`);
  if (raw.length === expected && adler32(raw) !== be32(z, z.length - 4)) corrupt('the image data fails its Adler-32 check');
  let at = 0;
  for (const p of ps) {
    if (p.w === 0 || p.h === 0) continue;
    const stride = rowBytes(p.w, h);
    unfilter(buf, at, p.h, stride, bpp);
    at += p.h * (stride + 1);
  }
  return buf;
}

/**
 * Decodes a PNG to integer samples: gray → 1 channel, RGB → 3, anything with alpha
 * (gray+alpha, RGBA, a tRNS colour key, a palette with tRNS) → RGBA; palette → RGB. Samples
 * keep the file's depth (max = 2^depth − 1; palette entries are 8-bit).
 */
export function decodePng(bytes: Uint8Array): RawImage {
  const h = readPngHeader(bytes);
  const chunks = readChunks(bytes, h);
  const raw = inflateImage(chunks, h);
  const s = samplesOf(raw, h);
  const n = h.width * h.height;
  const max = (1 << h.bitDepth) - 1;
  const base = { format: 'png' as const, width: h.width, height: h.height, bitDepth: h.bitDepth, exif: chunks.exif };

  if (h.colorType === 3) {
    const pal = chunks.palette!;
    const entries = pal.length / 3;
    const alpha = chunks.trns;
    const ch = alpha ? 4 : 3;
    const out = new Uint8Array(n * ch);
    for (let p = 0; p < n; p++) {
      const idx = s[p]!;
      if (idx >= entries) corrupt(`pixel ${p % h.width},${Math.floor(p / h.width)} uses palette entry ${idx} of ${entries}`);
      out[p * ch] = pal[idx * 3]!;
      out[p * ch + 1] = pal[idx * 3 + 1]!;
      out[p * ch + 2] = pal[idx * 3 + 2]!;
      if (alpha) out[p * ch + 3] = idx < alpha.length ? alpha[idx]! : 255;
    }
    return { ...base, channels: ch, samples: out, stride: ch, max: 255, sourceColor: 'palette' };
  }

  const spp = SAMPLES[h.colorType]!;
  const color: SourceColor = (['gray', '', 'rgb', '', 'grayAlpha', '', 'rgba'] as const)[h.colorType] as SourceColor;
  const make = (len: number): Uint8Array | Uint16Array => (h.bitDepth === 16 ? new Uint16Array(len) : new Uint8Array(len));
  if ((h.colorType === 0 || h.colorType === 2) && chunks.trns) {
    // A tRNS colour key: pixels equal to it are transparent.
    const key = [0, 1, 2].slice(0, spp).map((k) => be16(chunks.trns!, k * 2));
    const out = make(n * 4);
    for (let p = 0; p < n; p++) {
      let match = true;
      for (let k = 0; k < spp; k++) if (s[p * spp + k] !== key[k]) match = false;
      for (let k = 0; k < 3; k++) out[p * 4 + k] = s[p * spp + (spp === 1 ? 0 : k)]!;
      out[p * 4 + 3] = match ? 0 : max;
    }
    return { ...base, channels: 4, samples: out, stride: 4, max, sourceColor: color };
  }
  if (h.colorType === 4) {
    const out = make(n * 4);
    for (let p = 0; p < n; p++) {
      const g = s[p * 2]!;
      out[p * 4] = g;
      out[p * 4 + 1] = g;
      out[p * 4 + 2] = g;
      out[p * 4 + 3] = s[p * 2 + 1]!;
    }
    return { ...base, channels: 4, samples: out, stride: 4, max, sourceColor: color };
  }
  return { ...base, channels: spp as 1 | 3 | 4, samples: s, stride: spp, max, sourceColor: color };
}
