import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage, encodePng, readImageHeader, sniffFormat } from '../../src/nodes/lib/codec';
import { crc32 } from '../../src/nodes/lib/codec/bytes';

const FIX = path.join(__dirname, '..', 'fixtures', 'codec');
interface Expected {
  width: number;
  height: number;
  channels: number;
  max: number;
  values: number[];
}
// Written by scripts/fixtures/make_codec_fixtures.py (PIL / OpenCV / a minimal PNG writer;
// every PNG was cross-checked against OpenCV's decoder when the fixtures were made).
const expected = JSON.parse(readFileSync(path.join(FIX, 'codec.json'), 'utf8')) as Record<string, Expected>;
const bytesOf = (f: string): Uint8Array => new Uint8Array(readFileSync(path.join(FIX, f)));

const pngFiles = Object.keys(expected).filter((f) => f.endsWith('.png'));

describe('decodeImage: PNG', () => {
  it('covers every colour type and bit depth', async () => {
    expect(pngFiles.sort()).toEqual(
      [
        'gray16.png', 'gray1bit.png', 'gray2bit.png', 'gray4bit.png', 'gray8.png', 'grayalpha16.png', 'grayalpha8.png',
        'palette4.png', 'palette8.png', 'palette8_trns.png', 'rgb16.png', 'rgb8.png', 'rgb8_trns.png', 'rgba16.png', 'rgba8.png',
      ].sort(),
    );
  });

  for (const file of pngFiles) {
    it(`${file} decodes to value / max exactly (float32)`, async () => {
      const e = expected[file]!;
      const img = await decodeImage(bytesOf(file), { name: file });
      expect(img.format).toBe('png');
      expect([img.width, img.height, img.channels]).toEqual([e.width, e.height, e.channels]);
      expect(img.bitDepth).toBe(bytesOf(file)[24]); // IHDR bit depth byte
      expect(img.data).toBeInstanceOf(Float32Array);
      expect(img.data.length).toBe(e.values.length);
      // Exact: the decoder divides the integer sample by max and rounds once to float32.
      const want = Float32Array.from(e.values, (v) => v / e.max);
      expect(Array.from(img.data)).toEqual(Array.from(want));
    });
  }

  it('decodes the low bit depths it was given', async () => {
    const depths = await Promise.all(['gray1bit.png', 'gray2bit.png', 'gray4bit.png', 'palette4.png', 'gray16.png'].map(async (f) => (await decodeImage(bytesOf(f))).bitDepth));
    expect(depths).toEqual([1, 2, 4, 4, 16]);
  });

  it('maps 16-bit 65535 → 1, 257 → 257/65535, 1 → 1/65535 and 0 → 0', async () => {
    const img = await decodeImage(bytesOf('gray16.png'));
    // the fixture's first row starts with 0, 1, 257, 65535
    expect(Array.from(img.data.subarray(0, 4))).toEqual([0, Math.fround(1 / 65535), Math.fround(257 / 65535), 1]);
  });

  it('reports the source colour type', async () => {
    expect((await decodeImage(bytesOf('grayalpha8.png'))).sourceColor).toBe('grayAlpha');
    expect((await decodeImage(bytesOf('palette8.png'))).sourceColor).toBe('palette');
    expect((await decodeImage(bytesOf('rgb8_trns.png'))).sourceColor).toBe('rgb');
  });
});

describe('decodeImage: JPEG', () => {
  async function maxAbsDiff(file: string): Promise<{ max: number; mean: number; channels: number }> {
    const e = expected[file]!;
    const img = await decodeImage(bytesOf(file));
    expect([img.format, img.width, img.height, img.channels]).toEqual(['jpeg', e.width, e.height, e.channels]);
    let max = 0;
    let sum = 0;
    for (let i = 0; i < e.values.length; i++) {
      const d = Math.abs(img.data[i]! * 255 - e.values[i]!);
      max = Math.max(max, d);
      sum += d;
    }
    return { max, mean: sum / e.values.length, channels: img.channels };
  }

  it('gray and 4:4:4 colour JPEGs equal the decode of OpenCV (libjpeg-turbo) exactly', async () => {
    // libjpeg-turbo (WebAssembly) decodes them; jpeg-js, before, was 1–2/255 off.
    const gray = await maxAbsDiff('gray.jpg');
    expect(gray.channels).toBe(1);
    expect(gray.max).toBeLessThan(1e-3); // float32 v / 255 · 255: exact up to rounding
    const rgb = await maxAbsDiff('rgb444.jpg');
    expect(rgb.channels).toBe(3);
    expect(rgb.max).toBeLessThan(1e-3);
  });
});

describe('encodePng', () => {
  it('round-trips through decode with Math.round(clamp(v)·255) / 255 (8-bit) for 1, 3 and 4 channels', async () => {
    for (const c of [1, 3, 4] as const) {
      const w = 7;
      const h = 4;
      const data = new Float32Array(w * h * c);
      for (let i = 0; i < data.length; i++) data[i] = ((i * 37) % 101) / 80 - 0.1; // spans -0.1 … 1.15
      data[0] = Number.NaN;
      data[1] = -0.5;
      data[2] = 1.5;
      data[3] = 0.5 / 255; // exactly half a step rounds up
      const img = await decodeImage(encodePng(data, w, h, c));
      expect([img.width, img.height, img.channels, img.bitDepth]).toEqual([w, h, c, 8]);
      const want = Array.from(data, (v) => {
        const q = Number.isNaN(v) ? 0 : Math.round(Math.min(1, Math.max(0, v)) * 255);
        return Math.fround(q / 255);
      });
      expect(Array.from(img.data)).toEqual(want);
      expect(img.data[3]).toBe(Math.fround(1 / 255));
    }
  });

  it('16-bit round trip keeps 1/65535 steps', async () => {
    const data = Float32Array.from([0, 1 / 65535, 257 / 65535, 0.5, 1, 2]);
    const img = await decodeImage(encodePng(data, 3, 2, 1, { bitDepth: 16 }));
    expect(img.bitDepth).toBe(16);
    expect(Array.from(img.data)).toEqual([0, 1, 257, 32768, 65535, 65535].map((v) => Math.fround(v / 65535)));
  });

  it('refuses a sample count that does not match the shape', async () => {
    expect(() => encodePng(new Float32Array(5), 2, 2, 1)).toThrow('encodePng: 5 samples for 2×2×1 (expected 4)');
  });
});

describe('bad input', () => {
  const png = bytesOf('rgb8.png');

  it('empty data', async () => {
    await expect(decodeImage(new Uint8Array(0), { name: '"a.png"' })).rejects.toThrow('"a.png" is empty (0 bytes)');
  });

  it('truncated PNG: inside the signature, the header, and the image data', async () => {
    await expect(decodeImage(png.subarray(0, 5), { name: 'x' })).rejects.toThrow('x is truncated or corrupt: it ends inside the file signature (5 bytes)');
    await expect(decodeImage(png.subarray(0, 20), { name: 'x' })).rejects.toThrow('x is truncated or corrupt: the PNG header is cut off (20 bytes)');
    const idat = Buffer.from(png).indexOf('IDAT');
    await expect(decodeImage(png.subarray(0, idat + 10), { name: 'x' })).rejects.toThrow(/^x is truncated or corrupt: the file ends inside its IDAT chunk/);
    await expect(decodeImage(png.subarray(0, png.length - 12), { name: 'x' })).rejects.toThrow(
      'x is truncated or corrupt: the file ends before the PNG end marker (IEND chunk)',
    );
  });

  it('a PNG with a damaged byte: CRC mismatch, or bad compressed data', async () => {
    const badCrc = Uint8Array.from(png);
    badCrc[30] = badCrc[30]! ^ 0xff; // inside the IHDR chunk's CRC (bytes 29..32)
    await expect(decodeImage(badCrc, { name: 'x' })).rejects.toThrow('x is truncated or corrupt: the IHDR chunk at byte 8 fails its CRC check');
    const badData = Uint8Array.from(png);
    const at = Buffer.from(badData).indexOf('IDAT') + 6;
    badData[at] = badData[at]! ^ 0xff;
    await expect(decodeImage(badData, { name: 'x' })).rejects.toThrow('x is truncated or corrupt: the IDAT chunk at byte 33 fails its CRC check');
  });

  it('truncated JPEG', async () => {
    const jpg = bytesOf('rgb444.jpg');
    await expect(decodeImage(jpg.subarray(0, 400), { name: 'j' })).rejects.toThrow('j is truncated or corrupt: the JPEG ends inside a 0xc4 segment (byte 400 of 426; the file is truncated)');
    await expect(decodeImage(jpg.subarray(0, jpg.length - 2), { name: 'j' })).rejects.toThrow('j is truncated or corrupt: the JPEG ends before its end-of-image marker (the file is truncated)');
    await expect(decodeImage(jpg.subarray(0, 10), { name: 'j' })).rejects.toThrow('j is truncated or corrupt: the JPEG ends inside a 0xe0 segment (byte 10 of 20; the file is truncated)');
  });

  it('random bytes and HTML text name their first bytes', async () => {
    const random = Uint8Array.from([0x12, 0x9a, 0x00, 0xfe, 0x33, 0x44]);
    await expect(decodeImage(random, { name: 'r' })).rejects.toThrow('r is not a PNG, JPEG or WebP image (starts with bytes 12 9a 00 fe)');
    const html = new TextEncoder().encode('<!DOCTYPE html><html><body>404</body></html>');
    await expect(decodeImage(html, { name: 'page' })).rejects.toThrow('page is not a PNG, JPEG or WebP image (starts with bytes 3c 21 44 4f)');
  });

  it('a cut-off WebP and a GIF are recognised by name', async () => {
    const webp = new TextEncoder().encode('RIFF\u0000\u0000\u0000\u0000WEBPVP8 ');
    await expect(decodeImage(webp, { name: 'w' })).rejects.toThrow('w is truncated or corrupt: the WebP header is cut off (16 bytes)');
    await expect(decodeImage(new TextEncoder().encode('GIF89a....'), { name: 'g' })).rejects.toThrow('g is a GIF image; only PNG, JPEG and WebP are supported');
  });

  it('a PNG header claiming 100000×100000 is refused from the header, before any pixel memory', async () => {
    const huge = Uint8Array.from(png);
    const view = new DataView(huge.buffer);
    view.setUint32(16, 100000);
    view.setUint32(20, 100000);
    view.setUint32(29, crc32(huge, 12, 29)); // a valid header that claims a huge size
    expect(readImageHeader(huge)).toMatchObject({ format: 'png', width: 100000, height: 100000, bitDepth: 8, components: 3 });
    const before = process.memoryUsage().arrayBuffers;
    const t0 = performance.now();
    await expect(decodeImage(huge, { name: '"big.png"', limitHint: 'raise it with --max-size' })).rejects.toThrow(
      '"big.png" is 100000×100000 px; the limit is 8192×8192 (raise it with --max-size)',
    );
    // A decode would need 3·10^10 samples; refusing from the header is instant and allocates
    // nothing sizeable (tolerance: 50 ms, 1 MiB of array buffers).
    expect(performance.now() - t0).toBeLessThan(50);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1 << 20);
  });

  it('a JPEG frame header over the limit is refused, and maxSide applies to real images', async () => {
    // SOI, then a SOF0 segment: length 11, precision 8, height 300, width 10000, 1 component
    const sof = Uint8Array.from([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x01, 0x2c, 0x27, 0x10, 0x01, 0x01, 0x11, 0x00]);
    expect(sniffFormat(sof)).toBe('jpeg');
    await expect(decodeImage(sof, { name: 'j' })).rejects.toThrow('j is 10000×300 px; the limit is 8192×8192');
    await expect(decodeImage(png, { name: 'p', maxSide: 4 })).rejects.toThrow('p is 5×3 px; the limit is 4×4');
    expect((await decodeImage(png, { maxSide: 5 })).width).toBe(5);
  });
});
