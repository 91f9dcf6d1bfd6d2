import { readFileSync } from 'node:fs';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { decode, encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { PNG_GRAPH_KEYWORD, crc32, embedGraphInPng, isPng, readGraphFromPng } from '../../src/storage/pngGraph';

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

interface TestChunk {
  type: string;
  offset: number;
  data: Uint8Array;
  crc: number;
}

/** An independent chunk walker for checking results (no validation of its own). */
function chunksOf(png: Uint8Array): TestChunk[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: TestChunk[] = [];
  let at = 8;
  while (at + 12 <= png.length) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    out.push({ type, offset: at, data: png.subarray(at + 8, at + 8 + len), crc: view.getUint32(at + 8 + len) });
    at += 12 + len;
    if (type === 'IEND') break;
  }
  return out;
}

/** A chunk built by hand, CRC from Node's zlib. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(ascii(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, zlibCrc32(out.subarray(4, 8 + data.length)));
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `png` with `extra` inserted just before the chunk at index `before`. */
function insertChunk(png: Uint8Array, before: number, extra: Uint8Array): Uint8Array {
  const at = chunksOf(png)[before]!.offset;
  return concat(png.subarray(0, at), extra, png.subarray(at));
}

function keywordChunks(png: Uint8Array): TestChunk[] {
  const kw = ascii(`${PNG_GRAPH_KEYWORD}\0`);
  return chunksOf(png).filter((c) => ['tEXt', 'iTXt', 'zTXt'].includes(c.type) && kw.every((b, i) => c.data[i] === b));
}

/** A small RGBA PNG with varied pixels. */
function samplePng(width = 7, height = 5): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + (i >> 2) * 11) & 0xff;
  return encode({ width, height, data, channels: 4, depth: 8 });
}

const graphText = (name: string): string =>
  `${JSON.stringify({ format: 'pixel-loom.graph', version: 1, name, nodes: [], edges: [] }, null, 2)}\n`;

describe('crc32', () => {
  it('matches the known CRC of "IEND" and Node zlib on arbitrary bytes', () => {
    expect(crc32(ascii('IEND'))).toBe(0xae426082);
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 131 + 7) & 0xff);
    expect(crc32(bytes)).toBe(zlibCrc32(bytes));
    expect(crc32(bytes, 100, 600)).toBe(zlibCrc32(bytes.subarray(100, 600)));
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe('isPng', () => {
  it('checks the 8-byte signature', () => {
    expect(isPng(samplePng())).toBe(true);
    expect(isPng(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0, 0, 0]))).toBe(false);
    expect(isPng(samplePng().subarray(0, 7))).toBe(false);
    expect(isPng(new Uint8Array(0))).toBe(false);
  });
});

describe('embedGraphInPng / readGraphFromPng', () => {
  it('round-trips non-Latin-1 text exactly', () => {
    const text = graphText('σ — 日本 🧶 "quoted" \\ back');
    const out = embedGraphInPng(samplePng(), text);
    expect(isPng(out)).toBe(true);
    expect(readGraphFromPng(out)).toBe(text);
  });

  it('keeps the pixels, writes valid CRCs everywhere and puts one uncompressed iTXt before the first IDAT', () => {
    const png = samplePng();
    const before = Uint8Array.from(png);
    const text = graphText('σ — 日本');
    const out = embedGraphInPng(png, text);
    expect(png).toEqual(before); // input untouched

    const a = decode(png);
    const b = decode(out);
    expect([b.width, b.height, b.channels, b.depth]).toEqual([a.width, a.height, a.channels, a.depth]);
    expect(Array.from(b.data)).toEqual(Array.from(a.data));

    const chunks = chunksOf(out);
    for (const c of chunks) {
      const typed = out.subarray(c.offset + 4, c.offset + 8 + c.data.length);
      expect(c.crc, `CRC of ${c.type} at byte ${c.offset}`).toBe(zlibCrc32(typed));
    }
    const types = chunks.map((c) => c.type);
    expect(types[0]).toBe('IHDR');
    expect(types[types.length - 1]).toBe('IEND');
    const idat = types.indexOf('IDAT');
    expect(types[idat - 1]).toBe('iTXt');
    // every original chunk survives, in order
    expect(types.filter((t) => t !== 'iTXt')).toEqual(chunksOf(png).map((c) => c.type));
    // iTXt layout: keyword NUL, flag 0, method 0, empty language NUL, empty translated keyword NUL, UTF-8 text
    const itxt = chunks[idat - 1]!.data;
    const head = ascii(`${PNG_GRAPH_KEYWORD}\0\0\0\0\0`);
    expect(Array.from(itxt.subarray(0, head.length))).toEqual(Array.from(head));
    expect(Array.from(itxt.subarray(head.length))).toEqual(Array.from(utf8(text)));
    expect(out.length).toBe(png.length + 12 + itxt.length);
  });

  it('replaces an existing graph chunk so exactly one remains', () => {
    const once = embedGraphInPng(samplePng(), graphText('first'));
    const twice = embedGraphInPng(once, graphText('second — 二'));
    expect(keywordChunks(twice)).toHaveLength(1);
    expect(readGraphFromPng(twice)).toBe(graphText('second — 二'));
    expect(twice.length - once.length).toBe(utf8(graphText('second — 二')).length - utf8(graphText('first')).length);

    // a tEXt with the keyword after the image data, plus an unrelated tEXt that must stay
    const png = samplePng();
    const iend = chunksOf(png).length - 1;
    const withOld = insertChunk(
      insertChunk(png, iend, chunk('tEXt', ascii(`${PNG_GRAPH_KEYWORD}\0old`))),
      1,
      chunk('tEXt', ascii('Software\0someone else')),
    );
    expect(readGraphFromPng(withOld)).toBe('old');
    const replaced = embedGraphInPng(withOld, 'new');
    expect(keywordChunks(replaced).map((c) => c.type)).toEqual(['iTXt']);
    expect(readGraphFromPng(replaced)).toBe('new');
    expect(chunksOf(replaced).filter((c) => c.type === 'tEXt').map((c) => String.fromCharCode(...c.data))).toEqual(['Software\0someone else']);
  });

  it('reads a tEXt chunk written by hand as Latin-1', () => {
    const data = concat(ascii(`${PNG_GRAPH_KEYWORD}\0`), new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x20, 0xb5])); // "café µ"
    const png = insertChunk(samplePng(), 1, chunk('tEXt', data));
    expect(readGraphFromPng(png)).toBe('café µ');
  });

  it('reads an iTXt chunk with a language tag and translated keyword written by hand', () => {
    const data = concat(ascii(`${PNG_GRAPH_KEYWORD}\0\0\0en\0`), utf8('Graph\0'), utf8('{"name":"日本"}'));
    const png = insertChunk(samplePng(), 1, chunk('iTXt', data));
    expect(readGraphFromPng(png)).toBe('{"name":"日本"}');
  });

  it('returns null for a PNG without the chunk, ignoring other text chunks', () => {
    expect(readGraphFromPng(samplePng())).toBeNull();
    const other = insertChunk(samplePng(), 1, chunk('tEXt', ascii('pixel-loom.graphX\0not ours')));
    expect(readGraphFromPng(other)).toBeNull();
    const itxt = insertChunk(samplePng(), 1, chunk('iTXt', ascii('Comment\0\0\0\0\0hi')));
    expect(readGraphFromPng(itxt)).toBeNull();
  });

  it('refuses a compressed graph chunk with a clear message', () => {
    const png = samplePng();
    const compressed = insertChunk(png, 1, chunk('iTXt', concat(ascii(`${PNG_GRAPH_KEYWORD}\0\x01\0\0\0`), new Uint8Array([0x78, 0x9c, 3, 0]))));
    const at = chunksOf(png)[1]!.offset;
    expect(() => readGraphFromPng(compressed)).toThrow(`iTXt chunk "${PNG_GRAPH_KEYWORD}" at byte ${at} is compressed; compressed iTXt is not supported`);
    const ztxt = insertChunk(png, 1, chunk('zTXt', concat(ascii(`${PNG_GRAPH_KEYWORD}\0\0`), new Uint8Array([0x78, 0x9c, 3, 0]))));
    expect(() => readGraphFromPng(ztxt)).toThrow(/zTXt chunk "pixel-loom\.graph" at byte \d+ is compressed/);
  });

  it('refuses a malformed graph iTXt (missing separators, invalid UTF-8)', () => {
    const noSep = insertChunk(samplePng(), 1, chunk('iTXt', ascii(`${PNG_GRAPH_KEYWORD}\0\0\0en`)));
    expect(() => readGraphFromPng(noSep)).toThrow(/iTXt chunk "pixel-loom\.graph" at byte 33 lacks the NUL separators/);
    const badUtf8 = insertChunk(samplePng(), 1, chunk('iTXt', concat(ascii(`${PNG_GRAPH_KEYWORD}\0\0\0\0\0`), new Uint8Array([0x7b, 0xc3, 0x28]))));
    expect(() => readGraphFromPng(badUtf8)).toThrow(/at byte 33 is not valid UTF-8/);
  });

  it('refuses truncated files, naming the chunk and byte offsets', () => {
    const png = embedGraphInPng(samplePng(), graphText('t'));
    const chunks = chunksOf(png);
    const idat = chunks.find((c) => c.type === 'IDAT')!;
    const iend = chunks[chunks.length - 1]!;

    const midIdat = png.subarray(0, idat.offset + 10);
    const msg = `PNG is truncated: chunk IDAT at byte ${idat.offset} declares ${idat.data.length} data bytes and ends at byte ${idat.offset + 12 + idat.data.length}, but the file ends at byte ${idat.offset + 10}`;
    for (const fn of [() => readGraphFromPng(midIdat), () => embedGraphInPng(midIdat, 'x')]) expect(fn).toThrow(msg);

    expect(() => readGraphFromPng(png.subarray(0, iend.offset))).toThrow(
      `PNG is truncated: it ends at byte ${iend.offset} after the IDAT chunk at byte ${chunks[chunks.length - 2]!.offset} without an IEND chunk`,
    );
    expect(() => readGraphFromPng(png.subarray(0, iend.offset + 5))).toThrow(
      `PNG is truncated: the chunk header at byte ${iend.offset} needs 8 bytes but the file ends at byte ${iend.offset + 5}`,
    );
    expect(() => readGraphFromPng(png.subarray(0, 8))).toThrow('PNG is truncated: it ends at byte 8 without an IEND chunk');
  });

  it('refuses a CRC mismatch, naming the chunk, offset and both CRCs', () => {
    const png = samplePng();
    const idat = chunksOf(png).find((c) => c.type === 'IDAT')!;
    const bad = Uint8Array.from(png);
    const flip = idat.offset + 8 + 3;
    bad[flip] = bad[flip]! ^ 0x01;
    const computed = zlibCrc32(bad.subarray(idat.offset + 4, idat.offset + 8 + idat.data.length));
    const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;
    const msg = `PNG is damaged: chunk IDAT at byte ${idat.offset} has CRC ${hex(idat.crc)} but its contents give ${hex(computed)}`;
    expect(() => readGraphFromPng(bad)).toThrow(msg);
    expect(() => embedGraphInPng(bad, 'x')).toThrow(msg);

    const badType = Uint8Array.from(png);
    badType[idat.offset + 5] = 0x31; // 'I1AT'
    expect(() => readGraphFromPng(badType)).toThrow(`the chunk at byte ${idat.offset} has an invalid type (bytes 49 31 41 54)`);
  });

  it('refuses a file that is not a PNG', () => {
    const jpeg = new Uint8Array(readFileSync(new URL('../../graphs/assets/astronaut.jpg', import.meta.url)));
    expect(() => readGraphFromPng(jpeg)).toThrow('not a PNG file: its first 8 bytes are not the PNG signature');
    expect(() => embedGraphInPng(jpeg, 'x')).toThrow('not a PNG file');
    expect(() => readGraphFromPng(new Uint8Array(3))).toThrow('not a PNG file: it is only 3 bytes long');
    expect(() => readGraphFromPng(utf8(graphText('json')))).toThrow('not a PNG file');
  });

  it('refuses to embed into a PNG without image data', () => {
    const png = samplePng();
    const kept = chunksOf(png).filter((c) => c.type !== 'IDAT');
    const withSig = concat(png.subarray(0, 8), ...kept.map((c) => png.subarray(c.offset, c.offset + 12 + c.data.length)));
    expect(() => embedGraphInPng(withSig, 'x')).toThrow('cannot embed the graph: the PNG has no IDAT (image data) chunk');
  });

  it.each(['camera16.png', 'mnist-test-0-label7.png', 'astronaut.png'])('works on the real PNG graphs/assets/%s', (file) => {
    const png = new Uint8Array(readFileSync(new URL(`../../graphs/assets/${file}`, import.meta.url)));
    expect(readGraphFromPng(png)).toBeNull();
    const text = graphText(`${file} — σ 日本`);
    const out = embedGraphInPng(png, text);
    expect(readGraphFromPng(out)).toBe(text);
    const a = decode(png);
    const b = decode(out);
    expect([b.width, b.height, b.channels, b.depth]).toEqual([a.width, a.height, a.channels, a.depth]);
    expect(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength).equals(Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength))).toBe(true);
    for (const c of chunksOf(out)) expect(c.crc).toBe(zlibCrc32(out.subarray(c.offset + 4, c.offset + 8 + c.data.length)));
  });
});
