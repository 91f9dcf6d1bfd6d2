import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../src/engine/format';
import { hashBytes } from '../../src/engine/signature';
import {
  bytesToDataUrl,
  collectAssetIds,
  dataUrlToBytes,
  embedAssets,
  extractEmbedded,
  isEmbeddableSource,
  sniffImageType,
  type ReadSource,
} from '../../src/storage/share';

const asset = (file: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../../graphs/assets/${file}`, import.meta.url)));
const PNG_A = asset('mnist-test-0-label7.png');
const PNG_B = asset('mnist-test-1-label2.png');
const JPEG = asset('astronaut.jpg');
const idOf = (bytes: Uint8Array): string => `asset:${hashBytes(bytes)}`;

function load(id: string, source: unknown, x = 0): GraphDocument['nodes'][number] {
  return { id, type: 'image.load', params: { source }, position: { x, y: 0 } };
}

function doc(nodes: GraphDocument['nodes']): GraphDocument {
  return {
    format: 'pixel-loom.graph',
    version: 1,
    name: 'σ — 日本',
    nodes,
    edges: [],
    ui: { viewport: { x: 1, y: 2, zoom: 1 } },
    futureKey: { kept: true },
  };
}

const byId = new Map<string, { bytes: Uint8Array; type: string }>([
  [idOf(PNG_A), { bytes: PNG_A, type: 'image/png' }],
  [idOf(JPEG), { bytes: JPEG, type: 'image/jpeg' }],
  ['cameraman.png', { bytes: PNG_B, type: 'image/png' }],
  ['/assets/b.png', { bytes: PNG_B, type: 'image/png' }],
  ['https://app.example/x/a.png', { bytes: PNG_A, type: '' }],
]);

/** A `read` that knows the entries above and records what it was asked. */
function reader(): { read: ReadSource; calls: string[] } {
  const calls: string[] = [];
  const read: ReadSource = (source) => {
    calls.push(source);
    return Promise.resolve(byId.get(source) ?? null);
  };
  return { read, calls };
}

const sourceOf = (d: GraphDocument, i: number): unknown => d.nodes[i]!.params.source;

describe('collectAssetIds', () => {
  it('lists distinct asset ids of source params in first-use order, ignoring other strings and non-strings', () => {
    const d = doc([
      load('a', idOf(JPEG)),
      load('b', 'cameraman.png'),
      load('c', idOf(PNG_A)),
      load('d', idOf(JPEG)),
      { id: 'n', type: 'noise.gaussian', params: { sigma: 0.1, label: 'asset:0000000000000000' }, position: { x: 0, y: 0 } },
      load('e', 42),
    ]);
    expect(collectAssetIds(doc([]))).toEqual([]);
    expect(collectAssetIds(d)).toEqual([idOf(JPEG), idOf(PNG_A)]);
  });
});

describe('isEmbeddableSource', () => {
  it('accepts asset ids, relative and root paths, and same-origin URLs only', () => {
    for (const s of ['asset:abc', 'cameraman.png', '../assets/x.png', '/assets/x.png', 'img/a%20b.png']) expect(isEmbeddableSource(s), s).toBe(true);
    for (const s of ['', '//cdn.example/x.png', 'https://other.example/x.png', 'data:image/png;base64,AA==', 'blob:https://app.example/1'])
      expect(isEmbeddableSource(s, 'https://app.example'), s).toBe(false);
    expect(isEmbeddableSource('https://app.example/x/a.png', 'https://app.example')).toBe(true);
    expect(isEmbeddableSource('https://app.example/x/a.png')).toBe(false);
  });
});

describe('embedAssets / extractEmbedded', () => {
  it('round-trips: embed → extract gives back the asset ids and bytes, and re-embedding gives the same file', async () => {
    const original = doc([load('a', idOf(PNG_A)), load('b', idOf(JPEG), 240), load('c', idOf(PNG_A), 480)]);
    const frozen = structuredClone(original);
    const { read, calls } = reader();
    const embedded = await embedAssets(original, read);
    expect(embedded.missing).toEqual([]);
    expect(calls).toEqual([idOf(PNG_A), idOf(JPEG)]); // each distinct source read once
    expect(sourceOf(embedded.doc, 0)).toBe(bytesToDataUrl(PNG_A, 'image/png'));
    expect(sourceOf(embedded.doc, 1)).toMatch(/^data:image\/jpeg;base64,\/9j\//);
    expect(sourceOf(embedded.doc, 2)).toBe(sourceOf(embedded.doc, 0));
    expect(embedded.doc.futureKey).toEqual({ kept: true });
    expect(embedded.doc.ui).toEqual(original.ui);
    expect(original).toEqual(frozen); // input not mutated

    const embeddedCopy = structuredClone(embedded.doc);
    const extracted = extractEmbedded(embedded.doc);
    expect(embedded.doc).toEqual(embeddedCopy);
    expect(extracted.doc).toEqual(original);
    expect(extracted.assets.map((a) => a.id)).toEqual([idOf(PNG_A), idOf(JPEG)]);
    expect(extracted.assets[0]!.bytes).toEqual(PNG_A);
    expect(extracted.assets[1]!.bytes).toEqual(JPEG);
    expect(extracted.assets.map((a) => a.type)).toEqual(['image/png', 'image/jpeg']);
    expect(extracted.assets.map((a) => a.name)).toEqual([`image-${hashBytes(PNG_A).slice(0, 8)}.png`, `image-${hashBytes(JPEG).slice(0, 8)}.jpg`]);

    const again = await embedAssets(extracted.doc, reader().read);
    expect(JSON.stringify(again.doc)).toBe(JSON.stringify(embedded.doc));
  });

  it('reports sources read cannot supply and leaves them unchanged', async () => {
    const missingId = 'asset:00000000deadbeef';
    const original = doc([load('a', missingId), load('b', 'nowhere.png'), load('c', idOf(PNG_A)), load('d', missingId)]);
    const { doc: out, missing } = await embedAssets(original, reader().read);
    expect(missing).toEqual([missingId, 'nowhere.png']);
    expect(sourceOf(out, 0)).toBe(missingId);
    expect(sourceOf(out, 1)).toBe('nowhere.png');
    expect(sourceOf(out, 2)).toMatch(/^data:image\/png;base64,/);
    expect(sourceOf(out, 3)).toBe(missingId);
  });

  it('embeds relative and same-origin sources through read, keeps foreign URLs and data URLs as they are', async () => {
    const dataUrl = bytesToDataUrl(PNG_B, 'image/png');
    const original = doc([
      load('rel', 'cameraman.png'),
      load('root', '/assets/b.png'),
      load('same', 'https://app.example/x/a.png'),
      load('foreign', 'https://other.example/a.png'),
      load('data', dataUrl),
      load('num', 3),
    ]);
    const { read, calls } = reader();
    const { doc: out, missing } = await embedAssets(original, read, { origin: 'https://app.example' });
    expect(missing).toEqual([]);
    expect(calls).toEqual(['cameraman.png', '/assets/b.png', 'https://app.example/x/a.png']);
    expect(sourceOf(out, 0)).toBe(dataUrl);
    expect(sourceOf(out, 1)).toBe(dataUrl);
    expect(sourceOf(out, 2)).toBe(bytesToDataUrl(PNG_A, 'image/png')); // empty type: sniffed from the bytes
    expect(sourceOf(out, 3)).toBe('https://other.example/a.png');
    expect(sourceOf(out, 4)).toBe(dataUrl);
    expect(sourceOf(out, 5)).toBe(3);

    const { doc: imported, assets } = extractEmbedded(out);
    expect(assets.map((a) => a.id)).toEqual([idOf(PNG_B), idOf(PNG_A)]);
    expect(imported.nodes.map((n) => n.params.source)).toEqual([idOf(PNG_B), idOf(PNG_B), idOf(PNG_A), 'https://other.example/a.png', idOf(PNG_B), 3]);
  });

  it('propagates an error thrown by read', async () => {
    const read: ReadSource = () => Promise.reject(new Error('disk on fire'));
    await expect(embedAssets(doc([load('a', 'x.png')]), read)).rejects.toThrow('disk on fire');
  });

  it('refuses a data URL with bad base64, naming the node', () => {
    const bad = doc([load('ok', bytesToDataUrl(PNG_A, 'image/png')), load('broken', 'data:image/png;base64,iVBO*w0K')]);
    const copy = structuredClone(bad);
    expect(() => extractEmbedded(bad)).toThrow(
      'nodes[1].params.source (node "broken"): malformed data URL (image/png): base64 data has an invalid character "*" at position 4',
    );
    expect(bad).toEqual(copy);
  });

  it('sniffs the type of an untyped data URL and names the asset after it', () => {
    const { assets } = extractEmbedded(doc([load('a', `data:;base64,${Buffer.from(JPEG).toString('base64')}`)]));
    expect(assets[0]!.type).toBe('image/jpeg');
    expect(assets[0]!.name).toBe(`image-${hashBytes(JPEG).slice(0, 8)}.jpg`);
  });
});

describe('dataUrlToBytes / bytesToDataUrl', () => {
  it('agrees with Node base64 for every length remainder', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 255, 256, 1000]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n) & 0xff);
      const url = bytesToDataUrl(bytes, 'application/octet-stream');
      expect(url).toBe(`data:application/octet-stream;base64,${Buffer.from(bytes).toString('base64')}`);
      expect(dataUrlToBytes(url)).toEqual({ bytes, type: 'application/octet-stream' });
    }
    expect(bytesToDataUrl(PNG_A, 'IMAGE/PNG')).toBe(`data:image/png;base64,${Buffer.from(PNG_A).toString('base64')}`);
    expect(bytesToDataUrl(new Uint8Array([1]), '')).toBe('data:application/octet-stream;base64,AQ==');
  });

  it('accepts parameters, missing padding, whitespace and percent-encoded data', () => {
    expect(dataUrlToBytes('data:Image/PNG;name=a.png;base64,AQID')).toEqual({ bytes: new Uint8Array([1, 2, 3]), type: 'image/png' });
    expect(dataUrlToBytes('data:image/png;base64,AQ').bytes).toEqual(new Uint8Array([1]));
    expect(dataUrlToBytes('data:image/png;base64,AQI = \n').bytes).toEqual(new Uint8Array([1, 2]));
    expect(dataUrlToBytes('data:,caf%C3%A9 σ')).toEqual({ bytes: new TextEncoder().encode('café σ'), type: 'text/plain' });
  });

  it('refuses malformed data URLs with a message saying what is wrong', () => {
    expect(() => dataUrlToBytes('cameraman.png')).toThrow('not a data URL: "cameraman.png" does not start with "data:"');
    expect(() => dataUrlToBytes('data:image/png;base64')).toThrow('no "," between the media type and the data');
    expect(() => dataUrlToBytes('data:not a type;base64,AA==')).toThrow('media type "not a type" is not like image/png');
    expect(() => dataUrlToBytes('data:image/png;base64,AQIDB')).toThrow('base64 data has 5 digits, which is not a whole number of bytes');
    expect(() => dataUrlToBytes('data:image/png;base64,AQ=I')).toThrow('data after "=" padding at position 3');
    expect(() => dataUrlToBytes('data:image/png;base64,AQI==')).toThrow('2 "=" padding characters where 1 belong');
    expect(() => dataUrlToBytes('data:image/png;base64,AAAA====')).toThrow('4 "=" padding characters');
    expect(() => dataUrlToBytes('data:image/png;base64,ab-_')).toThrow('invalid character "-" at position 2');
    expect(() => dataUrlToBytes('data:text/plain,50%zz')).toThrow('"%" at position 2 is not followed by two hex digits');
    expect(() => bytesToDataUrl(PNG_A, 'png')).toThrow('"png" is not a MIME type like image/png');
  });

  it('sniffs common image types', () => {
    expect(sniffImageType(PNG_A)).toBe('image/png');
    expect(sniffImageType(JPEG)).toBe('image/jpeg');
    expect(sniffImageType(new TextEncoder().encode('GIF89a'))).toBe('image/gif');
    expect(sniffImageType(new Uint8Array([1, 2, 3]))).toBe('application/octet-stream');
  });
});
