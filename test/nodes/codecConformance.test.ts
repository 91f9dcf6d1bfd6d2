/**
 * Codec conformance: every file in test/fixtures/conformance (written by
 * scripts/fixtures/make_codec_conformance.py with Debian's PIL, OpenCV, cjpeg and cwebp) decodes
 * to the pixels libpng / libjpeg-turbo / libwebp give — exactly, but for the CMYK/YCCK files
 * (within 2/255) — and damaged variants of them are refused with the file's name and a reason.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeImage, type DecodedImage } from '../../src/nodes/lib/codec';

const DIR = path.join(__dirname, '..', 'fixtures', 'conformance');
interface Entry {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  tolerance: number;
  reference: string;
  orientation: number;
  refused?: string;
}
const manifest = JSON.parse(readFileSync(path.join(DIR, 'manifest.json'), 'utf8')) as Record<string, Entry>;
const files = Object.keys(manifest).sort();
const bytesOf = (f: string): Uint8Array => new Uint8Array(readFileSync(path.join(DIR, f)));

function reference(f: string): Uint16Array {
  const buf = inflateSync(readFileSync(path.join(DIR, `${f}.rgba16.z`)));
  return new Uint16Array(buf.buffer, buf.byteOffset, buf.byteLength / 2);
}

/** Our decode as the reference's form: RGBA, round(v · 65535). */
export function rgba16(img: DecodedImage): Uint16Array {
  const n = img.width * img.height;
  const out = new Uint16Array(n * 4);
  const c = img.channels;
  for (let p = 0; p < n; p++) {
    for (let k = 0; k < 4; k++) {
      const v = k === 3 ? (c === 4 ? img.data[p * 4 + 3]! : 1) : img.data[p * c + (c === 1 ? 0 : k)]!;
      out[p * 4 + k] = Math.round(v * 65535);
    }
  }
  return out;
}

describe('conformance: the suite has many files of each class', () => {
  it('PNG, JPEG and WebP files with their references', () => {
    const count = (cls: string): number => files.filter((f) => f.startsWith(`${cls}/`)).length;
    expect(count('png')).toBeGreaterThanOrEqual(120);
    expect(count('jpeg')).toBeGreaterThanOrEqual(60);
    expect(count('webp')).toBeGreaterThanOrEqual(24);
    // every PNG colour type × bit depth, plain and interlaced
    for (const [ct, depths] of [[0, [1, 2, 4, 8, 16]], [2, [8, 16]], [3, [1, 2, 4, 8]], [4, [8, 16]], [6, [8, 16]]] as const) {
      for (const d of depths) for (const il of ['p', 'i']) expect(files.some((f) => f.startsWith(`png/ct${ct}_d${d}_${il}_`))).toBe(true);
    }
  });
});

for (const cls of ['png', 'jpeg', 'webp']) {
  describe(`conformance: ${cls}`, () => {
    for (const f of files.filter((x) => x.startsWith(`${cls}/`))) {
      const e = manifest[f]!;
      if (e.refused) {
        it(`${f} is refused by name (${e.refused})`, async () => {
          await expect(decodeImage(bytesOf(f), { name: f })).rejects.toThrow(`${f}: it is an ${e.refused} JPEG, which is not supported`);
        });
        continue;
      }
      it(`${f} = ${e.reference}${e.tolerance ? ` (±${e.tolerance}/255)` : ''}`, async () => {
        const img = await decodeImage(bytesOf(f), { name: f });
        expect([img.width, img.height, img.channels, img.orientation]).toEqual([e.width, e.height, e.channels, e.orientation]);
        const ours = rgba16(img);
        const ref = reference(f);
        expect(ours.length).toBe(ref.length);
        let max = 0;
        let at = -1;
        for (let i = 0; i < ref.length; i++) {
          const d = Math.abs(ours[i]! - ref[i]!);
          if (d > max) [max, at] = [d, i];
        }
        const where = at < 0 ? '' : ` at pixel ${Math.floor(at / 4) % e.width},${Math.floor(at / 4 / e.width)} channel ${at % 4}`;
        expect(`max difference ${max / 257}/255${where}`).toBe(`max difference ${max <= e.tolerance * 257 ? max / 257 : `≤ ${e.tolerance}`}/255${where}`);
      });
    }
  });
}

describe('conformance: EXIF orientation', () => {
  it('orientation "ignore" keeps the stored pixels and size; "exif" turns them upright', async () => {
    for (const f of files.filter((x) => manifest[x]!.orientation > 1)) {
      const e = manifest[f]!;
      const upright = await decodeImage(bytesOf(f));
      const stored = await decodeImage(bytesOf(f), { orientation: 'ignore' });
      const swaps = e.orientation >= 5;
      expect([stored.width, stored.height]).toEqual(swaps ? [e.height, e.width] : [e.width, e.height]);
      expect([upright.storedWidth, upright.storedHeight, upright.oriented, stored.oriented]).toEqual([stored.width, stored.height, true, false]);
      expect(stored.orientation).toBe(e.orientation);
      expect(Array.from(stored.data)).not.toEqual(Array.from(upright.data));
    }
  });
});

/** Decoding must be refused with the name and "is truncated or corrupt" (or a clear "is not"). */
async function refused(bytes: Uint8Array, name: string): Promise<string> {
  let img: DecodedImage | null = null;
  try {
    img = await decodeImage(bytes, { name });
  } catch (e) {
    const m = (e as Error).message;
    expect(m.startsWith(`${name} `)).toBe(true);
    return m;
  }
  throw new Error(`${name} decoded to ${img.width}×${img.height} pixels instead of an error`);
}

function chunksOf(png: Uint8Array): { type: string; at: number; len: number }[] {
  const out = [];
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  for (let i = 8; i + 8 <= png.length; ) {
    const len = v.getUint32(i);
    out.push({ type: String.fromCharCode(...png.subarray(i + 4, i + 8)), at: i, len });
    i += 12 + len;
  }
  return out;
}

describe('conformance: damaged files are refused with the file and the reason', () => {
  const pngs = files.filter((f) => f.startsWith('png/'));

  it('PNG: every truncation point of every file', async () => {
    for (const f of pngs) {
      const b = bytesOf(f);
      for (const cut of [1, 7, 8, 20, 33, 40, ...[0.25, 0.5, 0.75, 0.9].map((q) => Math.floor(b.length * q)), b.length - 12, b.length - 1]) {
        if (cut >= b.length) continue;
        const m = await refused(b.subarray(0, cut), `${f}[:${cut}]`);
        expect(m).toMatch(/ is truncated or corrupt: /);
      }
    }
  });

  it('PNG: a flipped byte in any chunk (length, type, data or CRC) is caught', async () => {
    for (const f of pngs.filter((_, i) => i % 3 === 0)) {
      const b = bytesOf(f);
      for (const c of chunksOf(b)) {
        for (const off of [4, 8 + (c.len >> 1), 8 + c.len + 1]) {
          const d = Uint8Array.from(b);
          d[c.at + off] = d[c.at + off]! ^ 0x5a;
          const m = await refused(d, `${f}:${c.type}+${off}`);
          expect(m).toMatch(/ is truncated or corrupt: /);
        }
        const len = Uint8Array.from(b); // a chunk length too large for the file
        new DataView(len.buffer).setUint32(c.at, 0x7ffffff0);
        expect(await refused(len, `${f}:${c.type}.length`)).toMatch(/truncated or corrupt: (the file ends inside its|the .* chunk at byte \d+ claims|the IHDR chunk is \d+ bytes long)/);
      }
    }
  });

  it('PNG: wrong signature, missing IHDR / IDAT / IEND / PLTE', async () => {
    const b = bytesOf('png/ct3_d8_p_33x17_trns.png');
    const sig = Uint8Array.from(b);
    sig[1] = 0x51;
    expect(await refused(sig, 'sig')).toBe('sig is truncated or corrupt: its PNG signature is damaged (starts with bytes 89 51 4e 47 0d 0a 1a 0a)');
    const cs = chunksOf(b);
    const without = (type: string): Uint8Array => {
      const parts = [b.subarray(0, 8)];
      for (const c of cs) if (c.type !== type) parts.push(b.subarray(c.at, c.at + 12 + c.len));
      return Uint8Array.from(Buffer.concat(parts));
    };
    expect(await refused(without('IDAT'), 'noidat')).toBe('noidat is truncated or corrupt: the PNG has no image data (IDAT chunk)');
    expect(await refused(without('IEND'), 'noiend')).toBe('noiend is truncated or corrupt: the file ends before the PNG end marker (IEND chunk)');
    expect(await refused(without('PLTE'), 'noplte')).toMatch(/^noplte is truncated or corrupt: the (tRNS chunk comes before the PLTE chunk|palette PNG has no PLTE chunk)$/);
    expect(await refused(without('IHDR'), 'noihdr')).toBe('noihdr is truncated or corrupt: the PNG does not start with an IHDR chunk');
  });

  it('JPEG: truncated anywhere, a missing end marker, a bad segment length, a broken scan header', async () => {
    const jpegs = files.filter((f) => f.startsWith('jpeg/') && !manifest[f]!.refused);
    for (const f of jpegs) {
      const b = bytesOf(f);
      for (const q of [0.1, 0.3, 0.5, 0.7, 0.9]) {
        const cut = Math.max(3, Math.floor(b.length * q));
        expect(await refused(b.subarray(0, cut), `${f}[:${cut}]`)).toMatch(/ is truncated or corrupt: /);
      }
      expect(await refused(b.subarray(0, b.length - 2), `${f} without EOI`)).toBe(
        `${f} without EOI is truncated or corrupt: the JPEG ends before its end-of-image marker (the file is truncated)`,
      );
    }
    const b = bytesOf('jpeg/pil_420_base_q90_17x13.jpg');
    const sof = Buffer.from(b).indexOf(Buffer.from([0xff, 0xc0]));
    const badLen = Uint8Array.from(b);
    badLen[sof + 3] = 0x20; // frame header length 32: does not fit 3 components
    expect(await refused(badLen, 'len')).toMatch(/^len is truncated or corrupt: the frame header's length/);
    const sos = Buffer.from(b).indexOf(Buffer.from([0xff, 0xda]));
    const badScan = Uint8Array.from(b);
    badScan[sos + 5] = 0x09; // the scan names a component the frame does not have: a fatal libjpeg error
    expect(await refused(badScan, 'scan')).toMatch(/^scan is truncated or corrupt: libjpeg: /);
    // The guarded decoder was replaced after that fatal error: the next file decodes as before.
    expect((await decodeImage(b)).width).toBe(17);
  });

  it('JPEG: damaged entropy-coded data that libjpeg warns about is refused, not shown with gray blocks', async () => {
    const b = bytesOf('jpeg/pil_420_base_q90_33x47.jpg');
    const sos = Buffer.from(b).indexOf(Buffer.from([0xff, 0xda]));
    const d = Uint8Array.from(b);
    // an RST marker where none belongs, in the middle of the scan
    const mid = sos + 20 + ((b.length - sos) >> 1);
    d[mid] = 0xff;
    d[mid + 1] = 0xd3;
    expect(await refused(d, 'rst')).toMatch(/^rst is truncated or corrupt: libjpeg: Corrupt JPEG data/);
  });

  it('WebP: truncated, a RIFF size past the end, a chunk past the end, no image chunk', async () => {
    const webps = files.filter((f) => f.startsWith('webp/'));
    for (const f of webps) {
      const b = bytesOf(f);
      for (const q of [0.05, 0.3, 0.6, 0.95]) {
        const cut = Math.max(4, Math.floor(b.length * q));
        expect(await refused(b.subarray(0, cut), `${f}[:${cut}]`)).toMatch(/ is truncated or corrupt: /);
      }
    }
    const b = bytesOf('webp/pil_lossy_q80_17x13.webp');
    const riff = Uint8Array.from(b);
    new DataView(riff.buffer).setUint32(4, b.length + 100, true);
    expect(await refused(riff, 'riff')).toMatch(/^riff is truncated or corrupt: the file is truncated/);
    const chunk = Uint8Array.from(b);
    new DataView(chunk.buffer).setUint32(16, b.length, true);
    expect(await refused(chunk, 'chunk')).toMatch(/^chunk is truncated or corrupt: the VP8 {2}chunk at byte 12 runs past the end|^chunk is truncated or corrupt: the VP8 chunk/);
    const noImage = Uint8Array.from(b);
    noImage.set([0x58, 0x58, 0x58, 0x58], 12); // rename the VP8 chunk
    expect(await refused(noImage, 'noimg')).toBe('noimg is truncated or corrupt: the WebP has no image data (VP8 or VP8L chunk)');
    const data = Uint8Array.from(b); // damaged VP8 data: libwebp refuses it
    for (let i = 30; i < 60; i++) data[i] = 0xff;
    expect(await refused(data, 'vp8')).toMatch(/^vp8 is truncated or corrupt: /);
  });
});
