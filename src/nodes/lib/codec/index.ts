/**
 * Image codecs: PNG (png.ts, our own), JPEG (jpeg.ts, libjpeg-turbo) and WebP (webp.ts,
 * libwebp) to float32 HWC in [0, 1], EXIF orientation applied (exif.ts), and float HWC to PNG
 * (pngEncode.ts). The format is sniffed from the magic bytes, never from a file name, and
 * the header dimensions are checked against the size limit BEFORE any pixel memory is
 * allocated. A damaged file is an Error naming the file and the reason, never pixels.
 *
 * Environment-neutral: the same code and the same WebAssembly decoders run in the CLI and
 * in the browser worker.
 */
import { ascii, CorruptImageError, samplesToFloat, startsWith } from './bytes';
import { applyOrientation, exifOrientation, swapsSides } from './exif';
import { decodeJpeg, scanJpeg } from './jpeg';
import { decodePng, PNG_SIGNATURE, readPngHeader } from './png';
import type { ImageFormat, RawImage, SampleArray, SourceColor } from './types';
import { decodeWebp, isWebp, scanWebp } from './webp';

export type { ImageFormat, SourceColor } from './types';
export { encodePng, encodePngParts, setDefaultDeflate, type EncodePngOptions, type ZlibDeflate } from './pngEncode';
export { initCodec } from './wasm';
export { ORIENTATION_NAMES } from './exif';

/**
 * A decoded image: integer samples (`samples`, `stride` per pixel, the first `channels` used,
 * value = sample / `max`) and their float32 HWC form in [0, 1] (`data`, made on first use;
 * `writeFloats` fills a buffer of the caller's instead, e.g. a tensor's memory).
 */
export class DecodedImage {
  #data: Float32Array | null = null;
  constructor(
    readonly format: ImageFormat,
    /** Size after orientation (what the pixels are). */
    readonly width: number,
    readonly height: number,
    /** Channels of the image: 1 (gray), 3 (RGB) or 4 (RGBA). */
    readonly channels: 1 | 3 | 4,
    readonly samples: SampleArray,
    readonly stride: number,
    readonly max: number,
    /** Bits per sample in the file (1, 2, 4, 8 or 16). */
    readonly bitDepth: number,
    readonly sourceColor: SourceColor,
    /** The EXIF orientation the file carries (1–8; 1 when it has none). */
    readonly orientation: number,
    /** Whether `orientation` was applied to the pixels. */
    readonly oriented: boolean,
    /** The size as stored in the file (before orientation). */
    readonly storedWidth: number,
    readonly storedHeight: number,
  ) {}

  /** Row-major HWC floats in [0, 1] (sample / max, rounded once); length height · width · channels. */
  get data(): Float32Array {
    if (!this.#data) {
      this.#data = new Float32Array(this.width * this.height * this.channels);
      this.writeFloats(this.#data);
    }
    return this.#data;
  }

  /** Writes the floats of `data` into `out` (which must hold height · width · channels). */
  writeFloats(out: Float32Array): void {
    samplesToFloat(this.samples, this.width * this.height, this.stride, this.channels, this.max, out);
  }
}

export interface ImageHeader {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  /** Components in the file (JPEG: 1, 3 or 4; PNG: per colour type, palette = 1; WebP 3 or 4). */
  readonly components: number;
}

export interface DecodeOptions {
  /** Names the data in messages, e.g. `"photo.png"`. Default `image`. */
  readonly name?: string;
  /** Largest accepted width or height in pixels. Default 8192. */
  readonly maxSide?: number;
  /** Appended to the size-limit message, e.g. `raise it with --max-size`. */
  readonly limitHint?: string;
  /** `exif` (default) turns the pixels upright per the EXIF orientation; `ignore` keeps them as stored. */
  readonly orientation?: 'exif' | 'ignore';
}

export const DEFAULT_MAX_SIDE = 8192;

function hexHead(b: Uint8Array, n = 4): string {
  return [...b.subarray(0, n)].map((x) => x.toString(16).padStart(2, '0')).join(' ');
}

/** Sniffs the container format from magic bytes; null when not PNG, JPEG or WebP. */
export function sniffFormat(b: Uint8Array): ImageFormat | null {
  if (startsWith(b, PNG_SIGNATURE)) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (isWebp(b)) return 'webp';
  return null;
}

/** A description of other well-known formats, for the error message. */
function otherFormat(b: Uint8Array): string | null {
  if (startsWith(b, ascii('GIF8'))) return 'GIF';
  if (startsWith(b, ascii('BM'))) return 'BMP';
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a])) return 'TIFF';
  if (startsWith(b, ascii('ftypavif'), 4) || startsWith(b, ascii('ftypheic'), 4)) return 'AVIF/HEIF';
  return null;
}

const PNG_COMPONENTS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function prefixed(name: string, e: unknown): Error {
  if (e instanceof CorruptImageError) {
    const m = e.message;
    // "it is a lossless JPEG …" reads as a sentence of its own; the rest are reasons.
    return new Error(m.startsWith('it is ') ? `${name}: ${m}` : `${name} is truncated or corrupt: ${m}`);
  }
  return e instanceof Error ? e : new Error(String(e));
}

/**
 * Identifies the format and reads the dimensions from the header only (no pixel memory).
 * Throws a clear error for empty data, other formats, or a cut-off header.
 */
export function readImageHeader(bytes: Uint8Array, name = 'image'): ImageHeader {
  if (bytes.length === 0) throw new Error(`${name} is empty (0 bytes)`);
  const format = sniffFormat(bytes);
  try {
    if (format === 'png') {
      const h = readPngHeader(bytes);
      return { format, width: h.width, height: h.height, bitDepth: h.bitDepth, components: PNG_COMPONENTS[h.colorType]! };
    }
    if (format === 'jpeg') {
      const j = scanJpeg(bytes, true);
      return { format, width: j.width, height: j.height, bitDepth: j.bitDepth, components: j.components };
    }
    if (format === 'webp') {
      const w = scanWebp(bytes);
      return { format, width: w.width, height: w.height, bitDepth: 8, components: w.alpha ? 4 : 3 };
    }
  } catch (e) {
    throw prefixed(name, e);
  }
  const other = otherFormat(bytes);
  if (other) throw new Error(`${name} is a ${other} image; only PNG, JPEG and WebP are supported`);
  const prefixOf = (sig: readonly number[]): boolean => bytes.length < sig.length && bytes.every((v, i) => v === sig[i]);
  if (prefixOf(PNG_SIGNATURE) || prefixOf([0xff, 0xd8, 0xff]) || prefixOf(ascii('RIFF')) || (bytes.length < 12 && startsWith(bytes, ascii('RIFF')))) {
    throw new Error(`${name} is truncated or corrupt: it ends inside the file signature (${bytes.length} bytes)`);
  }
  if (bytes.length >= 8 && PNG_SIGNATURE.filter((v, i) => bytes[i] === v).length >= 5) {
    throw new Error(`${name} is truncated or corrupt: its PNG signature is damaged (starts with bytes ${hexHead(bytes, 8)})`);
  }
  throw new Error(`${name} is not a PNG, JPEG or WebP image (starts with bytes ${hexHead(bytes)})`);
}

/** Throws the size-limit error when either side exceeds `maxSide`. */
export function checkImageSize(width: number, height: number, maxSide: number, name = 'image', hint?: string): void {
  if (width > maxSide || height > maxSide) {
    throw new Error(`${name} is ${width}×${height} px; the limit is ${maxSide}×${maxSide}${hint ? ` (${hint})` : ''}`);
  }
}

/** Decodes PNG, JPEG or WebP bytes (sniffed from the magic bytes) to float32 HWC in [0, 1]. */
export async function decodeImage(bytes: Uint8Array, opts: DecodeOptions = {}): Promise<DecodedImage> {
  const name = opts.name ?? 'image';
  const header = readImageHeader(bytes, name);
  checkImageSize(header.width, header.height, opts.maxSide ?? DEFAULT_MAX_SIDE, name, opts.limitHint);
  try {
    const raw = header.format === 'png' ? decodePng(bytes) : header.format === 'jpeg' ? await decodeJpeg(bytes) : await decodeWebp(bytes);
    return upright(raw, opts);
  } catch (e) {
    throw prefixed(name, e);
  }
}

/**
 * The synchronous path for PNG alone (no WebAssembly involved): tools and tests that read
 * PNGs this project wrote. JPEG and WebP need `decodeImage`.
 */
export function decodeImageSync(bytes: Uint8Array, opts: DecodeOptions = {}): DecodedImage {
  const name = opts.name ?? 'image';
  const header = readImageHeader(bytes, name);
  if (header.format !== 'png') throw new Error(`${name} is a ${header.format.toUpperCase()} image; decodeImageSync reads PNG only (use decodeImage)`);
  checkImageSize(header.width, header.height, opts.maxSide ?? DEFAULT_MAX_SIDE, name, opts.limitHint);
  try {
    return upright(decodePng(bytes), opts);
  } catch (e) {
    throw prefixed(name, e);
  }
}

function upright(raw: RawImage, opts: DecodeOptions): DecodedImage {
  const orientation = exifOrientation(raw.exif);
  const oriented = opts.orientation !== 'ignore' && orientation !== 1;
  const swap = oriented && swapsSides(orientation);
  return new DecodedImage(
    raw.format,
    swap ? raw.height : raw.width,
    swap ? raw.width : raw.height,
    raw.channels,
    oriented ? applyOrientation(raw.samples, raw.width, raw.height, raw.stride, orientation) : raw.samples,
    raw.stride,
    raw.max,
    raw.bitDepth,
    raw.sourceColor,
    orientation,
    oriented,
    raw.width,
    raw.height,
  );
}
