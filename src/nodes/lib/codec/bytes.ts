/** Small byte helpers shared by the codecs (environment-neutral). */

export function be32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;
}

export function be16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

export function le32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + ((b[at + 3]! << 24) >>> 0);
}

export function le24(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
}

export function ascii(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0));
}

export function startsWith(b: Uint8Array, sig: readonly number[], at = 0): boolean {
  if (b.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[at + i] !== sig[i]) return false;
  return true;
}

export function fourCC(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
}

/** A decoding failure whose message is the reason alone; the caller prefixes the file's name. */
export class CorruptImageError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CorruptImageError';
  }
}

export function corrupt(reason: string): never {
  throw new CorruptImageError(reason);
}

let crcTable: Uint32Array | null = null;

/**
 * CRC-32 (ISO 3309, as PNG chunks use) of b[from, to). To continue a CRC over several
 * ranges, pass the previous call's raw register (`open` true returns it unfinished).
 */
export function crc32(b: Uint8Array, from: number, to: number, register = 0xffffffff, open = false): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  const t = crcTable;
  let c = register;
  for (let i = from; i < to; i++) c = t[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return open ? c >>> 0 : (c ^ 0xffffffff) >>> 0;
}

/** Adler-32 of b (zlib's trailer). */
export function adler32(b: Uint8Array): number {
  let a = 1;
  let s = 0;
  const n = b.length;
  let i = 0;
  while (i < n) {
    const end = Math.min(n, i + 5552); // the largest run before s can overflow 2^32
    for (; i < end; i++) {
      a += b[i]!;
      s += a;
    }
    a %= 65521;
    s %= 65521;
  }
  return ((s << 16) | a) >>> 0;
}

const scaleTables = new Map<number, Float32Array>();

/** v / max for every v in [0, max], each rounded once to float32. */
export function scaleTable(max: number): Float32Array {
  let t = scaleTables.get(max);
  if (!t) {
    t = new Float32Array(max + 1);
    for (let v = 0; v <= max; v++) t[v] = v / max;
    scaleTables.set(max, t);
  }
  return t;
}

/**
 * Writes the [0, 1] floats of n pixels, `channels` each, into `out` (HWC), from integer
 * samples with `stride` per pixel (the first `channels` are used): value = sample / max.
 */
export function samplesToFloat(src: ArrayLike<number>, n: number, stride: number, channels: number, max: number, out: Float32Array): void {
  const t = scaleTable(max);
  if (stride === channels) {
    for (let i = 0; i < n * channels; i++) out[i] = t[src[i]!]!;
  } else if (channels === 1) {
    for (let p = 0, s = 0; p < n; p++, s += stride) out[p] = t[src[s]!]!;
  } else if (channels === 3) {
    for (let p = 0, o = 0, s = 0; p < n; p++, o += 3, s += stride) {
      out[o] = t[src[s]!]!;
      out[o + 1] = t[src[s + 1]!]!;
      out[o + 2] = t[src[s + 2]!]!;
    }
  } else {
    for (let p = 0, o = 0, s = 0; p < n; p++, s += stride) for (let k = 0; k < channels; k++) out[o++] = t[src[s + k]!]!;
  }
}
