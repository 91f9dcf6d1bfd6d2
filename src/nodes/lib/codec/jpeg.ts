/**
 * JPEG: the file's structure is checked here first (markers, segment lengths, a frame, scans
 * whose entropy-coded data reaches an end-of-image marker), then the pixels come from
 * libjpeg-turbo (WebAssembly, wasm.ts) with its defaults — islow IDCT and fancy (triangle)
 * chroma upsampling, i.e. the pixels browsers, PIL and OpenCV show. Any warning libjpeg
 * prints about the data (a bad Huffman code, a premature end, a broken progression) makes
 * the file an error rather than pixels with gray blocks.
 *
 * Four-component (CMYK and Adobe YCCK) files: libjpeg-turbo gives CMYK, which this build
 * cannot return, so jpeg-js decodes those, with PIL's CMYK → RGB convention
 * R = (255 − C)(255 − K) / 255; its own IDCT and truncation put them within 2/255 of PIL
 * (the conformance tests hold that bound).
 */
import { decode as decodeJpegJs } from 'jpeg-js';
import { ascii, be16, corrupt, CorruptImageError, startsWith } from './bytes';
import type { RawImage } from './types';
import { CodecFailure, wasmDecode } from './wasm';

export interface JpegInfo {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  readonly components: number;
  readonly progressive: boolean;
  /** Adobe APP14 transform: 0 none (RGB/CMYK), 1 YCbCr, 2 YCCK; null without the marker. */
  readonly adobeTransform: number | null;
  readonly exif: Uint8Array | null;
}

const cut = (what: string): never => corrupt(`the JPEG ends ${what}`);

/** Skips entropy-coded data from `i`: returns the index of the next real marker's 0xFF. */
function skipEntropy(b: Uint8Array, i: number): number {
  const n = b.length;
  for (;;) {
    while (i < n && b[i] !== 0xff) i++;
    if (i + 1 >= n) return n;
    const m = b[i + 1]!;
    if (m === 0x00 || (m >= 0xd0 && m <= 0xd7) || m === 0xff) {
      i += m === 0xff ? 1 : 2; // stuffed byte, restart marker, or fill byte
      continue;
    }
    return i;
  }
}

/**
 * Walks the whole file: every segment must fit, a frame header must come before the first
 * scan, and the data must end with an end-of-image marker. Returns what decoding needs.
 */
export function scanJpeg(b: Uint8Array, headerOnly = false): JpegInfo {
  let i = 2;
  let frame: { width: number; height: number; bitDepth: number; components: number; progressive: boolean } | null = null;
  let adobe: number | null = null;
  let exif: Uint8Array | null = null;
  let scans = 0;
  for (;;) {
    if (i >= b.length) cut(frame ? 'before its end-of-image marker (the file is truncated)' : 'before its frame header');
    if (b[i] !== 0xff) corrupt(`expected a JPEG marker at byte ${i}, found 0x${b[i]!.toString(16).padStart(2, '0')}`);
    while (i < b.length && b[i] === 0xff) i++; // fill bytes
    if (i >= b.length) cut('inside a marker');
    const marker = b[i]!;
    i++;
    if (marker === 0xd9) {
      if (!frame) corrupt('the JPEG has no frame header before its end');
      if (scans === 0) corrupt('the JPEG has no image data (no scan) before its end');
      return { ...frame, adobeTransform: adobe, exif };
    }
    if (marker === 0xd8) corrupt(`a second start-of-image marker at byte ${i - 2}`);
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // no length
    if (i + 2 > b.length) cut(`inside the length of marker 0x${marker.toString(16)}`);
    const len = be16(b, i);
    if (len < 2) corrupt(`JPEG segment length ${len} at byte ${i}`);
    if (i + len > b.length) cut(`inside a 0x${marker.toString(16)} segment (byte ${b.length} of ${i + len}; the file is truncated)`);
    const seg = b.subarray(i + 2, i + len);
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (frame) corrupt(`a second frame header at byte ${i - 2}`);
      if (seg.length < 6) corrupt(`the frame header at byte ${i - 2} is ${seg.length} bytes`);
      const bitDepth = seg[0]!;
      const height = be16(seg, 1);
      const width = be16(seg, 3);
      const components = seg[5]!;
      if (marker === 0xc3 || marker === 0xc7 || marker === 0xcb || marker === 0xcf) {
        throw new CorruptImageError('it is a lossless JPEG, which is not supported (use PNG for lossless images)');
      }
      if (marker >= 0xc5 && marker !== 0xc9 && marker !== 0xca) throw new CorruptImageError('it is a hierarchical JPEG, which is not supported');
      if (marker === 0xc9 || marker === 0xca) {
        throw new CorruptImageError('it is an arithmetic-coded JPEG, which is not supported (convert it to Huffman coding, e.g. with `jpegtran -optimize`)');
      }
      if (width === 0 || height === 0) corrupt(`the JPEG frame header says ${width}×${height} px`);
      if (seg.length !== 6 + components * 3) corrupt(`the frame header's length (${seg.length} bytes) does not fit its ${components} components`);
      if (components !== 1 && components !== 3 && components !== 4) corrupt(`the JPEG has ${components} colour components (1, 3 or 4 expected)`);
      if (bitDepth !== 8) throw new CorruptImageError(`it is a ${bitDepth}-bit JPEG; only 8-bit JPEGs are supported`);
      for (let k = 0; k < components; k++) {
        const hv = seg[7 + k * 3]!;
        if (hv >> 4 < 1 || hv >> 4 > 4 || (hv & 15) < 1 || (hv & 15) > 4) corrupt(`component ${k + 1} has sampling factors ${hv >> 4}×${hv & 15}`);
      }
      frame = { width, height, bitDepth, components, progressive: marker === 0xc2 || marker === 0xca };
      if (headerOnly) return { ...frame, adobeTransform: adobe, exif };
    } else if (marker === 0xe1 && exif === null && startsWith(seg, [...ascii('Exif'), 0, 0])) {
      exif = seg.subarray(6);
    } else if (marker === 0xee && seg.length >= 12 && startsWith(seg, ascii('Adobe'))) {
      adobe = seg[11]!;
    } else if (marker === 0xda) {
      if (!frame) corrupt('the JPEG has no frame header before its scan data');
      scans++;
      i = skipEntropy(b, i + len);
      continue;
    }
    i += len;
  }
}

function fail(e: unknown): never {
  if (e instanceof CorruptImageError) throw e;
  corrupt(e instanceof Error ? e.message : String(e));
}

/** Libjpeg warnings that mean the pixels are not what the file meant. */
const DAMAGE = /corrupt|premature end|inconsistent progression|bad huffman|bad arithmetic|huffman table|quantization table|bogus|invalid/i;
const HARMLESS = /extraneous bytes/i;

function decodeFourComponents(bytes: Uint8Array, info: JpegInfo): RawImage {
  // jpeg-js applies the Adobe transform (YCCK → CMYK), reads Adobe CMYK as inverted (PIL's
  // "CMYK;I") and turns it into RGB = (255 − C)(255 − K) / 255, truncated where PIL rounds.
  let raw: { width: number; height: number; data: Uint8Array };
  try {
    raw = decodeJpegJs(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false, maxMemoryUsageInMB: 4096 });
  } catch (e) {
    fail(e);
  }
  return {
    format: 'jpeg',
    width: raw.width,
    height: raw.height,
    channels: 3,
    samples: raw.data,
    stride: 3,
    max: 255,
    bitDepth: 8,
    sourceColor: info.adobeTransform === 2 ? 'ycck' : 'cmyk',
    exif: info.exif,
  };
}

export async function decodeJpeg(bytes: Uint8Array): Promise<RawImage> {
  const info = scanJpeg(bytes);
  if (info.components === 4) return decodeFourComponents(bytes, info);
  let r: Awaited<ReturnType<typeof wasmDecode>>;
  try {
    r = await wasmDecode('jpeg', bytes);
  } catch (e) {
    if (e instanceof CodecFailure) corrupt(`libjpeg: ${e.message}`);
    throw e;
  }
  const damage = r.messages.find((m) => DAMAGE.test(m) && !HARMLESS.test(m));
  if (damage) corrupt(`libjpeg: ${damage.replace(/[.\s]+$/, '')}`);
  if (r.width !== info.width || r.height !== info.height) corrupt(`decoded ${r.width}×${r.height} px, the header says ${info.width}×${info.height}`);
  const gray = info.components === 1;
  // libjpeg's RGBA buffer as it is (gray is replicated into R, G and B): no copy.
  return {
    format: 'jpeg',
    width: r.width,
    height: r.height,
    channels: gray ? 1 : 3,
    samples: r.rgba,
    stride: 4,
    max: 255,
    bitDepth: 8,
    sourceColor: gray ? 'gray' : 'rgb',
    exif: info.exif,
  };
}
