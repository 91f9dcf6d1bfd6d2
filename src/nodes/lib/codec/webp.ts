/**
 * WebP (lossy VP8, lossless VP8L, extended VP8X with ALPH / EXIF): the RIFF container is
 * checked here (sizes, chunk bounds, the image chunk), then libwebp (WebAssembly, wasm.ts)
 * decodes the pixels — the same library PIL and browsers use. Images with alpha come out as
 * RGBA, the rest RGB. Animated WebPs are refused by name.
 */
import { ascii, corrupt, CorruptImageError, fourCC, le24, le32, startsWith } from './bytes';
import type { RawImage } from './types';
import { CodecFailure, wasmDecode } from './wasm';

export interface WebpInfo {
  readonly width: number;
  readonly height: number;
  readonly alpha: boolean;
  readonly lossless: boolean;
  readonly exif: Uint8Array | null;
}

export function isWebp(b: Uint8Array): boolean {
  return startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8);
}

/** Walks the RIFF chunks and reads the canvas size, without decoding. */
export function scanWebp(b: Uint8Array): WebpInfo {
  if (b.length < 20) corrupt(`the WebP header is cut off (${b.length} bytes)`);
  const riffSize = le32(b, 4);
  if (riffSize < 12 || riffSize % 2 !== 0) corrupt(`the RIFF size ${riffSize} is invalid`);
  if (8 + riffSize > b.length) corrupt(`the file is truncated (${b.length} of the ${8 + riffSize} bytes its RIFF header announces)`);
  const end = 8 + riffSize;
  let i = 12;
  let x: { width: number; height: number; alpha: boolean; animated: boolean } | null = null;
  let image: { width: number; height: number; alpha: boolean; lossless: boolean } | null = null;
  let hasAlphChunk = false;
  let exif: Uint8Array | null = null;
  while (i + 8 <= end) {
    const type = fourCC(b, i);
    const size = le32(b, i + 4);
    const dataEnd = i + 8 + size;
    if (dataEnd > end) corrupt(`the ${type.trim() || '(unnamed)'} chunk at byte ${i} runs past the end of the file`);
    const d = b.subarray(i + 8, dataEnd);
    if (type === 'VP8X') {
      if (i !== 12) corrupt('the VP8X chunk is not the first chunk');
      if (size < 10) corrupt(`the VP8X chunk is ${size} bytes (10 expected)`);
      x = { width: le24(d, 4) + 1, height: le24(d, 7) + 1, alpha: (d[0]! & 0x10) !== 0, animated: (d[0]! & 0x02) !== 0 };
    } else if (type === 'ANIM' || type === 'ANMF') {
      throw new CorruptImageError('it is an animated WebP, which is not supported (export one frame as a still image)');
    } else if (type === 'ALPH') {
      hasAlphChunk = true;
    } else if (type === 'EXIF') {
      exif = d;
    } else if (type === 'VP8 ' && !image) {
      // frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height
      if (size < 10) corrupt(`the VP8 chunk is ${size} bytes`);
      if (d[3] !== 0x9d || d[4] !== 0x01 || d[5] !== 0x2a) corrupt('the VP8 chunk has no key-frame start code');
      image = { width: (d[6]! | (d[7]! << 8)) & 0x3fff, height: (d[8]! | (d[9]! << 8)) & 0x3fff, alpha: false, lossless: false };
    } else if (type === 'VP8L' && !image) {
      if (size < 5) corrupt(`the VP8L chunk is ${size} bytes`);
      if (d[0] !== 0x2f) corrupt('the VP8L chunk has no lossless signature');
      const bits = le32(d, 1);
      image = { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, alpha: ((bits >>> 28) & 1) === 1, lossless: true };
    }
    i = dataEnd + (size & 1); // chunks are padded to an even size
  }
  if (x?.animated) throw new CorruptImageError('it is an animated WebP, which is not supported (export one frame as a still image)');
  if (!image) corrupt('the WebP has no image data (VP8 or VP8L chunk)');
  if (x && (x.width !== image.width || x.height !== image.height)) {
    corrupt(`the canvas is ${x.width}×${x.height} px but the image is ${image.width}×${image.height}`);
  }
  if (image.width === 0 || image.height === 0) corrupt(`the WebP says ${image.width}×${image.height} px`);
  const alpha = x ? x.alpha || hasAlphChunk || image.alpha : image.alpha;
  return { width: image.width, height: image.height, alpha, lossless: image.lossless, exif };
}

export async function decodeWebp(bytes: Uint8Array): Promise<RawImage> {
  const info = scanWebp(bytes);
  let r: Awaited<ReturnType<typeof wasmDecode>>;
  try {
    r = await wasmDecode('webp', bytes);
  } catch (e) {
    if (e instanceof CodecFailure) corrupt(`libwebp could not decode it (${e.message})`);
    throw e;
  }
  if (r.width !== info.width || r.height !== info.height) corrupt(`decoded ${r.width}×${r.height} px, the header says ${info.width}×${info.height}`);
  const ch = info.alpha ? 4 : 3;
  return {
    format: 'webp',
    width: r.width,
    height: r.height,
    channels: ch,
    samples: r.rgba,
    stride: 4,
    max: 255,
    bitDepth: 8,
    sourceColor: ch === 4 ? 'rgba' : 'rgb',
    exif: info.exif,
  };
}
