/**
 * The Engine with a persistent ResultStore (DESIGN.md §4): a fresh engine over a filled store
 * computes nothing and gives the same bits; a store that throws only costs the computation;
 * keys differ by backend; no tensor leaks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeHost } from '../../src/cli/host';
import { Engine } from '../../src/engine/evaluate';
import { parseGraph } from '../../src/engine/format';
import { storeKey, type ResultStore, type StoredValue } from '../../src/engine/resultStore';
import { createRegistry } from '../../src/nodes';
import { useBackend } from '../helpers/backends';

const registry = createRegistry();
const host = createNodeHost({ baseDir: __dirname, maxImageSide: 4096 });
const doc = {
  format: 'pixel-loom.graph',
  version: 2,
  name: 'store',
  nodes: [
    { id: 'src', type: 'generate.noise', params: { width: 16, height: 8, channels: 'rgb', seed: 4 } },
    { id: 'blur', type: 'filter.gaussianBlur', params: { sigma: 1.5 } },
    { id: 'score', type: 'metric.psnr' },
  ],
  edges: [
    { from: { node: 'src', port: 'image' }, to: { node: 'blur', port: 'image' } },
    { from: { node: 'src', port: 'image' }, to: { node: 'score', port: 'a' } },
    { from: { node: 'blur', port: 'image' }, to: { node: 'score', port: 'b' } },
  ],
};

class MemoryStore implements ResultStore {
  readonly map = new Map<string, Record<string, StoredValue>>();
  gets = 0;
  async get(key: string) {
    this.gets++;
    return this.map.get(key) ?? null;
  }
  async put(key: string, outputs: Readonly<Record<string, StoredValue>>) {
    this.map.set(key, { ...outputs });
  }
}

describe('Engine with a ResultStore', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('a fresh engine over a filled store restores every node (status cached) with the same bits; no leaks', async () => {
    const store = new MemoryStore();
    const g = parseGraph(doc, registry);
    const before = tf.memory().numTensors;
    const a = new Engine({ registry, host, store });
    const r1 = await a.evaluate(g, ['score', 'blur']);
    const blur1 = [...(await (r1.value('blur', 'image') as tf.Tensor).data())];
    const score1 = r1.value('score', 'psnr');
    expect([...r1.status.values()]).toEqual(['ok', 'ok', 'ok']);
    expect(a.stats).toMatchObject({ computes: 3, stored: 3, restored: 0 });
    r1.release();
    a.dispose();
    const b = new Engine({ registry, host, store });
    const r2 = await b.evaluate(parseGraph(doc, registry), ['score', 'blur']);
    expect([...r2.status.values()]).toEqual(['cached', 'cached', 'cached']);
    expect(b.stats).toMatchObject({ computes: 0, restored: 3 });
    expect([...(await (r2.value('blur', 'image') as tf.Tensor).data())]).toEqual(blur1);
    expect(r2.value('score', 'psnr')).toBe(score1);
    r2.release();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a store that fails costs only the computation; keys differ by backend', async () => {
    const broken: ResultStore = {
      get: () => Promise.reject(new Error('disk gone')),
      put: () => Promise.reject(new Error('disk full')),
    };
    const e = new Engine({ registry, host, store: broken });
    const r = await e.evaluate(parseGraph(doc, registry), ['score']);
    expect(r.errors.size).toBe(0);
    expect(typeof r.value('score', 'psnr')).toBe('number');
    expect(e.stats.storeErrors).toBe(6);
    r.release();
    e.dispose();
    expect(storeKey('sig', 'wasm')).not.toBe(storeKey('sig', 'cpu'));
    expect(storeKey('sig', 'wasm')).toMatch(/^[0-9a-z]+$/);
  });
});
