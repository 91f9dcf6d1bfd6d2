/**
 * image.load / image.save: decoding through a host, channel conversions (hand-computed
 * values), resource signatures, limits, name validation, and one run through the Engine,
 * on every test backend.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { testBackends, useBackend } from '../helpers/backends';
import { Engine } from '../../src/engine/evaluate';
import { Graph } from '../../src/engine/graph';
import { validateParams } from '../../src/engine/params';
import type { Host, LoadContext } from '../../src/engine/types';
import { createRegistry } from '../../src/nodes';
import { encodePng } from '../../src/nodes/lib/codec';
import { GRAY_WEIGHTS, imageLoad, type LoadedImage } from '../../src/nodes/imageLoad';
import { checkSaveName, imageSave, saveFileName } from '../../src/nodes/imageSave';

/** A 2×2 RGBA image with exactly representable 8-bit levels. */
const RGBA = [
  [255, 0, 0, 255], [0, 255, 0, 128],
  [0, 0, 255, 0], [51, 102, 204, 255],
].flat();
const rgbaPng = encodePng(Float32Array.from(RGBA, (v) => v / 255), 2, 2, 4);
const grayPng = encodePng(Float32Array.from([0, 0.2, 0.6, 1]), 2, 2, 1);
const rgbPng = encodePng(Float32Array.from([1, 0.2, 0.4, 0, 0, 0, 0.6, 0.8, 1, 1, 1, 1]), 2, 2, 3);

function memoryHost(files: Record<string, Uint8Array>, maxImageSide = 8192, calls: { source: string; signal?: AbortSignal }[] = []): Host {
  return {
    limits: { maxImageSide, hint: 'raise it with --max-size' },
    readSource(source, signal) {
      calls.push({ source, signal });
      const b = files[source];
      return b ? Promise.resolve(b) : Promise.reject(new Error(`no such file ${source}`));
    },
  };
}

function ctx(host: Host, signal?: AbortSignal): LoadContext {
  return { host, nodeId: 'load', signal };
}

type Channels = 'auto' | 'gray' | 'rgb' | 'rgba';

async function loadAndCompute(bytes: Uint8Array, channels: Channels): Promise<{ shape: number[]; data: number[]; resource: LoadedImage }> {
  const params = { source: 'x.png', channels, orientation: 'exif' };
  const resource = await imageLoad.load!(params, ctx(memoryHost({ 'x.png': bytes })));
  const out = tf.tidy(() => imageLoad.compute!({ nodeId: 'load', inputs: {}, params, resource, backend: tf.getBackend() }));
  const t = out.image as tf.Tensor;
  const shape = [...t.shape];
  const data = Array.from(await t.data());
  t.dispose();
  return { shape, data, resource };
}

const gray601 = (r: number, g: number, b: number): number => GRAY_WEIGHTS[0] * r + GRAY_WEIGHTS[1] * g + GRAY_WEIGHTS[2] * b;

for (const backend of testBackends) {
  describe(`image.load on ${backend}`, () => {
    it('auto keeps the file channels; values are level / 255', async () => {
      await useBackend(backend);
      const r = await loadAndCompute(rgbaPng, 'auto');
      expect(r.shape).toEqual([2, 2, 4]);
      // float32 of level/255: tolerance 1e-7 covers the backend upload
      r.data.forEach((v, i) => expect(v).toBeCloseTo(RGBA[i]! / 255, 7));
      expect((await loadAndCompute(grayPng, 'auto')).shape).toEqual([2, 2, 1]);
    });

    it('gray → rgb repeats the channel; gray → rgba adds alpha 1', async () => {
      await useBackend(backend);
      const g = [0, 0.2, 0.6, 1];
      const rgb = await loadAndCompute(grayPng, 'rgb');
      expect(rgb.shape).toEqual([2, 2, 3]);
      const want = g.flatMap((v) => [v, v, v]).map((v) => Math.round(v * 255) / 255);
      rgb.data.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6)); // float32: 1e-6
      const rgba = await loadAndCompute(grayPng, 'rgba');
      expect(rgba.shape).toEqual([2, 2, 4]);
      expect([3, 7, 11, 15].map((i) => rgba.data[i])).toEqual([1, 1, 1, 1]);
      expect(rgba.data[4]).toBeCloseTo(51 / 255, 6);
    });

    it('rgb → gray uses BT.601 weights 0.299 / 0.587 / 0.114', async () => {
      await useBackend(backend);
      const r = await loadAndCompute(rgbPng, 'gray');
      expect(r.shape).toEqual([2, 2, 1]);
      const px = [[1, 0.2, 0.4], [0, 0, 0], [0.6, 0.8, 1], [1, 1, 1]].map((p) => p.map((v) => Math.round(v * 255) / 255));
      // hand-computed: pixel 0 = 0.299·1 + 0.587·0.2 + 0.114·0.4 = 0.4620 (levels 255, 51, 102)
      expect(gray601(px[0]![0]!, px[0]![1]!, px[0]![2]!)).toBeCloseTo(0.462, 4);
      px.forEach((p, i) => expect(r.data[i]).toBeCloseTo(gray601(p[0]!, p[1]!, p[2]!), 6)); // float32 sum: 1e-6
      expect(r.data[3]).toBeCloseTo(1, 6); // weights sum to 1: white stays white
    });

    it('rgba → rgb drops alpha; rgba → gray drops alpha then weights', async () => {
      await useBackend(backend);
      const rgb = await loadAndCompute(rgbaPng, 'rgb');
      expect(rgb.shape).toEqual([2, 2, 3]);
      const want = [0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14].map((i) => RGBA[i]! / 255);
      rgb.data.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
      const gray = await loadAndCompute(rgbaPng, 'gray');
      expect(gray.shape).toEqual([2, 2, 1]);
      expect(gray.data[0]).toBeCloseTo(0.299, 6);
      expect(gray.data[1]).toBeCloseTo(0.587, 6);
      expect(gray.data[2]).toBeCloseTo(0.114, 6);
      expect(gray.data[3]).toBeCloseTo(gray601(0.2, 0.4, 0.8), 6);
    });

    it('compute leaves no tensors behind besides its output', async () => {
      await useBackend(backend);
      const before = tf.memory().numTensors;
      await loadAndCompute(rgbaPng, 'gray');
      await loadAndCompute(grayPng, 'rgba');
      expect(tf.memory().numTensors).toBe(before);
    });

    it('runs through the Engine: load → save, outputs the decoded image', async () => {
      await useBackend(backend);
      const registry = createRegistry();
      const g = new Graph(registry);
      g.addNode({ id: 'load', type: 'image.load', params: { source: 'a.png', channels: 'rgb' } });
      g.addNode({ id: 'save', type: 'image.save', params: { name: 'out' } });
      g.connect({ node: 'load', port: 'image' }, { node: 'save', port: 'image' });
      const engine = new Engine({ registry, host: memoryHost({ 'a.png': grayPng }) });
      const res = await engine.evaluate(g, g.sinks());
      expect([...res.errors.keys()]).toEqual([]);
      const img = res.value('load', 'image') as tf.Tensor;
      expect(img.shape).toEqual([2, 2, 3]);
      expect(Array.from(await img.data())[3]).toBeCloseTo(51 / 255, 6);
      res.release();
      engine.dispose();
    });
  });
}

describe('image.load resource and errors', () => {
  it('the signature is the content hash: same bytes → same signature, other bytes → other', async () => {
    const host = memoryHost({ a: grayPng, b: Uint8Array.from(grayPng), c: rgbPng });
    const sig = async (s: string): Promise<string> => (await imageLoad.load!({ source: s, channels: 'auto', orientation: 'exif' }, ctx(host))).signature;
    const [a, b, c] = [await sig('a'), await sig('b'), await sig('c')];
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(a.length).toBeGreaterThan(8);
  });

  it('keeps the decoded samples as a Float32Array (no tensors)', async () => {
    const before = tf.memory().numTensors;
    const r = await imageLoad.load!({ source: 'a', channels: 'auto', orientation: 'exif' }, ctx(memoryHost({ a: rgbPng })));
    expect(r.image.data).toBeInstanceOf(Float32Array);
    expect([r.image.width, r.image.height, r.image.channels]).toEqual([2, 2, 3]);
    expect(tf.memory().numTensors).toBe(before);
    r.dispose();
  });

  it('passes the trimmed source and the abort signal to the host', async () => {
    const calls: { source: string; signal?: AbortSignal }[] = [];
    const signal = new AbortController().signal;
    await imageLoad.load!({ source: '  a.png ', channels: 'auto', orientation: 'exif' }, ctx(memoryHost({ 'a.png': grayPng }, 8192, calls), signal));
    expect(calls).toEqual([{ source: 'a.png', signal }]);
  });

  it('an empty source is refused before reading anything', async () => {
    const calls: { source: string }[] = [];
    await expect(imageLoad.load!({ source: '  ', channels: 'auto', orientation: 'exif' }, ctx(memoryHost({}, 8192, calls)))).rejects.toThrow(/^image\.load needs a source/);
    expect(calls).toEqual([]);
  });

  it('applies the host size limit with its hint, and names the source', async () => {
    const host = memoryHost({ 'dir/big.png': encodePng(new Float32Array(10 * 3), 10, 3, 1) }, 8);
    await expect(imageLoad.load!({ source: 'dir/big.png', channels: 'auto', orientation: 'exif' }, ctx(host))).rejects.toThrow(
      '"dir/big.png" is 10×3 px; the limit is 8×8 (raise it with --max-size)',
    );
  });

  it('bytes that are not an image', async () => {
    const host = memoryHost({ 'page.png': new TextEncoder().encode('<!DOCTYPE html>') });
    await expect(imageLoad.load!({ source: 'page.png', channels: 'auto', orientation: 'exif' }, ctx(host))).rejects.toThrow(
      '"page.png" is not a PNG, JPEG or WebP image (starts with bytes 3c 21 44 4f)',
    );
  });
});

describe('image.save', () => {
  it('accepts plain names and refuses paths, "..", empty and hidden names', () => {
    for (const ok of ['image', 'denoised-median', 'result 2', 'a.b', 'Ünïcode']) expect(checkSaveName(ok)).toBeNull();
    expect(checkSaveName('')).toBe('param name must not be empty');
    expect(checkSaveName('a/b')).toBe('param name "a/b" contains "/"; use a plain file name without folders');
    expect(checkSaveName('..\\x')).toBe('param name "..\\\\x" contains "\\"; use a plain file name without folders');
    expect(checkSaveName('x..y')).toBe('param name "x..y" contains ".."; use a plain file name');
    expect(checkSaveName('.hidden')).toMatch(/must not start with a dot/);
    expect(checkSaveName('a\u0000b')).toMatch(/control character U\+0000/);
  });

  it('check runs through param validation', () => {
    expect(validateParams(imageSave, { name: '../etc/passwd' })).toEqual([
      { param: null, message: 'param name "../etc/passwd" contains "/"; use a plain file name without folders' },
    ]);
    expect(validateParams(imageSave, { name: 'ok' })).toEqual([]);
  });

  it('file names get .png once', () => {
    expect(saveFileName('out')).toBe('out.png');
    expect(saveFileName('out.PNG')).toBe('out.PNG');
  });

  it('compute validates its input and returns no outputs', async () => {
    await useBackend('cpu');
    const img = tf.zeros([2, 2, 3]);
    expect(imageSave.compute!({ nodeId: 's', inputs: { image: img }, params: { name: 'x', bitDepth: 8 }, resource: undefined, backend: 'cpu' })).toEqual({});
    expect(() => imageSave.compute!({ nodeId: 's', inputs: { image: 3 }, params: { name: 'x', bitDepth: 8 }, resource: undefined, backend: 'cpu' })).toThrow(
      'input "image" expects an image, got the number 3',
    );
    img.dispose();
  });
});

describe('image.load: EXIF orientation and the node summary', () => {
  const exif6 = new Uint8Array(readFileSync(path.join(__dirname, '..', 'fixtures', 'conformance', 'jpeg', 'exif_orientation6.jpg')));

  it('orientation exif turns a "rotate 90°" photo upright and says so; ignore keeps it as stored', async () => {
    const host = memoryHost({ 'p.jpg': exif6 });
    const upright = await imageLoad.load!({ source: 'p.jpg', channels: 'auto', orientation: 'exif' }, ctx(host));
    expect([upright.image.width, upright.image.height]).toEqual([18, 30]);
    expect(upright.summary).toBe('JPEG 30×18, EXIF rotated 90° clockwise: shown upright (18×30)');
    const stored = await imageLoad.load!({ source: 'p.jpg', channels: 'auto', orientation: 'ignore' }, ctx(host));
    expect([stored.image.width, stored.image.height]).toEqual([30, 18]);
    expect(stored.summary).toBe('JPEG 30×18, EXIF rotated 90° clockwise (ignored)');
    const plain = await imageLoad.load!({ source: 'a', channels: 'auto', orientation: 'exif' }, ctx(memoryHost({ a: rgbPng })));
    expect(plain.summary).toBe('PNG 2×2');
  });

  it("the engine's status event for the node carries the summary (the editor shows it on the node)", async () => {
    const registry = createRegistry();
    const g = new Graph(registry);
    g.addNode({ id: 'load', type: 'image.load', params: { source: 'p.jpg' } });
    const engine = new Engine({ registry, host: memoryHost({ 'p.jpg': exif6 }) });
    const seen: (string | undefined)[] = [];
    const res = await engine.evaluate(g, ['load'], { onEvent: (e) => e.type === 'status' && e.status === 'ok' && seen.push(e.summary) });
    expect(seen).toEqual(['JPEG 30×18, EXIF rotated 90° clockwise: shown upright (18×30)']);
    expect((res.value('load', 'image') as tf.Tensor).shape).toEqual([30, 18, 3]);
    res.release();
    engine.dispose();
  });
});
