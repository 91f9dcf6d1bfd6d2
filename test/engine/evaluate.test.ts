import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Cancelled, GraphError, NodeExecutionError } from '../../src/engine/errors';
import { Engine, UpstreamFailure, type EngineEvent, type EvaluationResult } from '../../src/engine/evaluate';
import type { TensorCache } from '../../src/engine/cache';
import { testBackends, useBackend } from '../helpers/backends';
import { ToyGraph } from './toyGraph';
import { deferred, makeToys, testHost } from './toyNodes';

async function pixels(r: EvaluationResult, node: string, port = 'image'): Promise<number[]> {
  const v = r.value(node, port);
  if (!(v instanceof tf.Tensor)) throw new Error(`${node}.${port} is not a tensor`);
  return Array.from(await v.data());
}

/** The engine's private cache, for tests that must remove one entry by hand. */
function cacheOf(engine: Engine): TensorCache {
  return (engine as unknown as { cache: TensorCache }).cache;
}

function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
}

for (const backend of testBackends) {
  describe(`Engine on ${backend}`, () => {
    let toys: ReturnType<typeof makeToys>;
    let engine: Engine;
    let baseline: number;

    beforeAll(async () => {
      await useBackend(backend);
    });
    beforeEach(() => {
      toys = makeToys();
      engine = new Engine({ registry: toys.registry, host: testHost });
      baseline = tf.memory().numTensors;
    });
    afterEach(() => {
      engine.dispose();
      // Every test must leave tfjs as it found it (dispose frees pinned entries too).
      expect(tf.memory().numTensors).toBe(baseline);
    });

    it('computes only the ancestors of the targets', async () => {
      const g = new ToyGraph()
        .add('c1', 'test.const', { value: 1 })
        .add('s1', 'test.scale', { factor: 3 })
        .add('c2', 'test.const', { value: 2 })
        .add('s2', 'test.scale')
        .connect('c1', 'image', 's1', 'image')
        .connect('c2', 'image', 's2', 'image');
      const r = await engine.evaluate(g, ['s1']);
      expect(engine.stats.computes).toBe(2);
      expect(toys.counts).toEqual({ 'test.const': 1, 'test.scale': 1 });
      expect(r.backend).toBe(backend);
      expect([...r.status.keys()].sort()).toEqual(['c1', 's1']);
      expect(r.outputs('c2')).toBeUndefined();
      // 1 · 3, exact in float32
      expect(await pixels(r, 's1')).toEqual(new Array(16).fill(3));
      r.release();

      const r2 = await engine.evaluate(g, [{ node: 's2', port: 'image' }]);
      expect(engine.stats.computes).toBe(4);
      expect(engine.stats.hits).toBe(0);
      // 2 · default factor 2
      expect(await pixels(r2, 's2')).toEqual(new Array(16).fill(4));
      r2.release();
    });

    it('recomputes exactly the changed node and its descendants; undo is a cache hit', async () => {
      const g = new ToyGraph()
        .add('c', 'test.const', { value: 1 })
        .add('s', 'test.scale', { factor: 2 })
        .add('c2', 'test.const', { value: 0.5 })
        .add('a', 'test.add')
        .connect('c', 'image', 's', 'image')
        .connect('s', 'image', 'a', 'a')
        .connect('c2', 'image', 'a', 'b');
      const r1 = await engine.evaluate(g, ['a']);
      expect(toys.counts).toEqual({ 'test.const': 2, 'test.scale': 1, 'test.add': 1 });
      expect(await pixels(r1, 'a')).toEqual(new Array(16).fill(2.5)); // 1·2 + 0.5, exact
      r1.release();

      g.set('s', 'factor', 4);
      const r2 = await engine.evaluate(g, ['a']);
      expect(toys.counts).toEqual({ 'test.const': 2, 'test.scale': 2, 'test.add': 2 });
      expect(engine.stats.hits).toBe(2);
      expect(r2.status.get('c')).toBe('cached');
      expect(r2.status.get('c2')).toBe('cached');
      expect(r2.status.get('s')).toBe('ok');
      expect(await pixels(r2, 'a')).toEqual(new Array(16).fill(4.5));
      r2.release();

      g.set('s', 'factor', 2);
      const r3 = await engine.evaluate(g, ['a']);
      expect(toys.counts).toEqual({ 'test.const': 2, 'test.scale': 2, 'test.add': 2 });
      expect(engine.stats.computes).toBe(6);
      expect([...r3.status.values()]).toEqual(['cached', 'cached', 'cached', 'cached']);
      expect(await pixels(r3, 'a')).toEqual(new Array(16).fill(2.5));
      r3.release();

      // An explicit default has the same signature as an omitted param.
      g.set('s', 'factor', undefined);
      const r4 = await engine.evaluate(g, ['a']);
      expect(engine.stats.computes).toBe(6);
      r4.release();
    });

    it('a newer evaluate() cancels the older one while its load is pending', async () => {
      toys.state.gate = deferred();
      const g = new ToyGraph().add('slow', 'test.slow', { key: 'abc' }).add('s', 'test.scale').connect('slow', 'image', 's', 'image');
      const events1: EngineEvent[] = [];
      const started = toys.state.loadStarted.promise;
      const p1 = engine.evaluate(g, ['s'], { onEvent: (e) => events1.push(e) });
      await started;
      const p2 = engine.evaluate(g, ['s']);
      const e1 = await rejection(p1);
      expect(e1).toBeInstanceOf(Cancelled);
      // The cancelled run put its nodes back to idle and never reported an error.
      expect(events1.filter((e) => e.type === 'status' && e.status === 'error')).toEqual([]);
      expect(events1.filter((e) => e.type === 'status' && e.status === 'idle').map((e) => (e as { node: string }).node).sort()).toEqual(['s', 'slow']);
      toys.state.gate.resolve();
      const r2 = await p2;
      // the load is shared between the two runs: started once
      expect(engine.stats.loads).toBe(1);
      // the resource tensor is a 2×2 fill of content length 3, scaled by 2
      expect(await pixels(r2, 's')).toEqual([6, 6, 6, 6]);
      expect(r2.status.get('slow')).toBe('ok');
      r2.release();
    });

    it('an AbortSignal cancels the run; the abandoned load is disposed later', async () => {
      toys.state.gate = deferred();
      const g = new ToyGraph().add('slow', 'test.slow', { key: 'xy' });
      const ctl = new AbortController();
      const started = toys.state.loadStarted.promise;
      const p = engine.evaluate(g, ['slow'], { signal: ctl.signal });
      await started;
      ctl.abort();
      expect(await rejection(p)).toBeInstanceOf(Cancelled);
      toys.state.gate.resolve();
      await new Promise((res) => setTimeout(res, 5));
      // The resource landed in the engine (not leaked); clearCache disposes it.
      expect(toys.state.resourcesMade).toBe(1);
      engine.clearCache();
      expect(toys.state.resourcesDisposed).toBe(1);
      expect(tf.memory().numTensors).toBe(baseline);

      // Aborting between two nodes stops before the second one computes.
      const chain = new ToyGraph().add('c', 'test.const', { value: 1 }).add('s', 'test.scale').connect('c', 'image', 's', 'image');
      const mid = new AbortController();
      const pm = engine.evaluate(chain, ['s'], {
        signal: mid.signal,
        onEvent: (e) => {
          if (e.type === 'status' && e.node === 'c' && e.status === 'ok') mid.abort();
        },
      });
      expect(await rejection(pm)).toBeInstanceOf(Cancelled);
      expect(toys.counts).toEqual({ 'test.const': 1 });
      // the finished node's result stays cached (unpinned) for the next run
      expect(engine.cacheInfo().entries).toBe(1);

      const pre = new AbortController();
      pre.abort();
      expect(await rejection(engine.evaluate(g, ['slow'], { signal: pre.signal }))).toBeInstanceOf(Cancelled);
    });

    it('a failing node marks itself and its descendants; an independent branch still evaluates', async () => {
      const g = new ToyGraph()
        .add('c', 'test.const', { value: 1 })
        .add('f', 'test.fail', { message: 'sigma 7 is too large' })
        .add('s', 'test.scale')
        .add('s3', 'test.scale')
        .add('ok', 'test.scale', { factor: 5 })
        .connect('c', 'image', 'f', 'image')
        .connect('f', 'image', 's', 'image')
        .connect('s', 'image', 's3', 'image')
        .connect('c', 'image', 'ok', 'image');
      const r = await engine.evaluate(g, ['s3', 'ok']);
      expect([...r.errors.keys()].sort()).toEqual(['f', 's', 's3']);
      const ef = r.errors.get('f')!;
      expect(ef).toBeInstanceOf(NodeExecutionError);
      expect(ef.nodeId).toBe('f');
      expect(ef.nodeType).toBe('test.fail');
      expect(ef.params).toEqual({ message: 'sigma 7 is too large' });
      expect(ef.message).toBe('node "f" (test.fail): sigma 7 is too large');
      expect(r.errors.get('s')!.message).toBe('node "s" (test.scale): input "image" comes from node "f", which failed');
      const es3 = r.errors.get('s3')!;
      expect(es3.message).toBe('node "s3" (test.scale): input "image" comes from node "s", which failed because node "f" failed');
      expect(es3.cause).toBeInstanceOf(UpstreamFailure);
      expect((es3.cause as UpstreamFailure).root).toBe('f');
      expect(r.status.get('f')).toBe('error');
      expect(r.status.get('s3')).toBe('error');
      expect(r.status.get('ok')).toBe('ok');
      expect(await pixels(r, 'ok')).toEqual(new Array(16).fill(5));
      expect(r.outputs('s')).toBeUndefined();
      // descendants of a failure are never computed
      expect(toys.counts['test.scale']).toBe(1);
      r.release();
    });

    it('reports placeholders, bad params, unconnected inputs and malformed outputs as node errors', async () => {
      const g = new ToyGraph()
        .add('ph', 'ext.mystery', { foo: 1 })
        .add('big', 'test.const', { value: 99 })
        .add('c', 'test.const')
        .add('half', 'test.add')
        .connect('c', 'image', 'half', 'a')
        .add('m1', 'test.bad', { mode: 'missing' })
        .add('m2', 'test.bad', { mode: 'numberOnImage' })
        .add('m3', 'test.bad', { mode: 'vectorOnNumber' });
      const r = await engine.evaluate(g, ['ph', 'big', 'half', 'm1', 'm2', 'm3']);
      expect(r.errors.get('ph')!.message).toBe('node "ph" (ext.mystery): unknown node type ext.mystery (placeholder kept)');
      expect(r.errors.get('big')!.message).toBe('node "big" (test.const): parameter "value": 99 is above the maximum 10');
      expect(r.errors.get('half')!.message).toBe('node "half" (test.add): input "b" is not connected');
      expect(r.errors.get('m1')!.message).toBe('node "m1" (test.bad): compute did not return output "n"');
      expect(r.errors.get('m2')!.message).toBe('node "m2" (test.bad): output "image" (image) must be a tensor, got the number 3');
      expect(r.errors.get('m3')!.message).toBe('node "m3" (test.bad): output "n" is a number but compute returned a float32 tensor of shape [3]');
      expect(r.status.get('c')).toBe('ok');
      r.release();
      await expect(engine.evaluate(g, ['nope'])).rejects.toThrow(GraphError);
      await expect(engine.evaluate(g, [{ node: 'c', port: 'mask' }])).rejects.toThrow('target node "c" (test.const) has no output "mask"');
    });

    it('streams queued, running, ok/cached status events with timings and progress', async () => {
      const g = new ToyGraph().add('c', 'test.const', { value: 1 }).add('s', 'test.scale').connect('c', 'image', 's', 'image');
      const events: EngineEvent[] = [];
      const r = await engine.evaluate(g, ['s'], { onEvent: (e) => events.push(e) });
      const compact = events.map((e) => (e.type === 'status' ? `${e.node}:${e.status}` : `progress ${e.done}/${e.total}`));
      expect(compact).toEqual(['c:queued', 's:queued', 'progress 0/2', 'c:running', 'c:ok', 'progress 1/2', 's:running', 's:ok', 'progress 2/2']);
      for (const e of events) if (e.type === 'status' && e.status === 'ok') expect(e.ms).toBeGreaterThanOrEqual(0);
      expect([...r.timings.keys()]).toEqual(['c', 's']);
      for (const ms of r.timings.values()) expect(ms).toBeGreaterThanOrEqual(0);
      r.release();

      const events2: string[] = [];
      const r2 = await engine.evaluate(g, ['s'], { onEvent: (e) => e.type === 'status' && events2.push(`${e.node}:${e.status}`) });
      expect(events2).toEqual(['c:queued', 's:queued', 'c:running', 'c:cached', 's:running', 's:cached']);
      r2.release();

      g.set('c', 'value', 20);
      const events3: EngineEvent[] = [];
      const r3 = await engine.evaluate(g, ['s'], { onEvent: (e) => events3.push(e) });
      const err = events3.find((e) => e.type === 'status' && e.node === 'c' && e.status === 'error');
      expect(err && err.type === 'status' && err.error?.message).toBe('node "c" (test.const): parameter "value": 20 is above the maximum 10');
      r3.release();
    });

    it('reads number outputs returned as rank-0 tensors and frees them', async () => {
      const g = new ToyGraph().add('c', 'test.const', { value: 0.25, size: 3, channels: 3 }).add('m', 'test.mean').connect('c', 'image', 'm', 'image');
      const before = tf.memory().numTensors;
      const r = await engine.evaluate(g, ['m']);
      // mean of 27 equal float32 values 0.25: exact
      expect(r.value('m', 'mean')).toBe(0.25);
      expect(r.value('m', 'count')).toBe(27);
      // only the const image is held: the rank-0 mean was disposed after readback
      expect(tf.memory().numTensors).toBe(before + 1);
      r.release();
      expect(() => r.value('m', 'mean')).toThrow('released');
    });

    it('clones outputs identical to an input or a resource tensor', async () => {
      const g = new ToyGraph().add('c', 'test.const', { value: 3 }).add('id', 'test.identity').connect('c', 'image', 'id', 'image');
      const r = await engine.evaluate(g, ['id']);
      const inT = r.value('c', 'image') as tf.Tensor;
      const outT = r.value('id', 'image') as tf.Tensor;
      expect(outT).not.toBe(inT);
      r.release();
      const cache = cacheOf(engine);
      const cEntry = [...cache.entries()].find((e) => e.outputs.image === inT)!;
      expect(cache.delete(cEntry.signature)).toBe(true);
      expect(inT.isDisposed).toBe(true);
      expect(outT.isDisposed).toBe(false);
      expect(Array.from(await outT.data())).toEqual(new Array(16).fill(3));

      // test.slow returns its resource's tensor: the cached output must survive the resource.
      const g2 = new ToyGraph().add('slow', 'test.slow', { key: 'abcd' });
      const r2 = await engine.evaluate(g2, ['slow']);
      const slowOut = r2.value('slow', 'image') as tf.Tensor;
      r2.release();
      g2.set('slow', 'key', 'zz');
      const r3 = await engine.evaluate(g2, ['slow']);
      // the first resource is no longer used by the graph: disposed after the run
      expect(toys.state.resourcesDisposed).toBe(1);
      expect(slowOut.isDisposed).toBe(false);
      expect(Array.from(await slowOut.data())).toEqual([4, 4, 4, 4]);
      expect(await pixels(r3, 'slow')).toEqual([2, 2, 2, 2]);
      r3.release();
    });

    it('mixes the resource signature (content hash) into the cache key', async () => {
      const g = new ToyGraph().add('slow', 'test.slow', { key: 'k' }).add('s', 'test.scale').connect('slow', 'image', 's', 'image');
      toys.state.contents.k = 'abc';
      (await engine.evaluate(g, ['s'])).release();
      engine.clearCache();
      toys.state.contents.k = 'abcdefg'; // same params, different bytes
      const r = await engine.evaluate(g, ['s']);
      expect(engine.stats.loads).toBe(2);
      expect(toys.counts['test.scale']).toBe(2);
      expect(await pixels(r, 's')).toEqual([14, 14, 14, 14]);
      r.release();
    });

    it('evicts down to the memory budget but never disposes pinned results', async () => {
      engine.dispose();
      // a 8×8×1 float32 image is 256 bytes; the budget holds two of them
      engine = new Engine({ registry: toys.registry, host: testHost, cacheBudgetBytes: 600 });
      const g = new ToyGraph().add('c', 'test.const', { value: 1, size: 8 });
      let prev = 'c';
      for (let i = 1; i <= 4; i++) {
        g.add(`s${i}`, 'test.scale').connect(prev, 'image', `s${i}`, 'image');
        prev = `s${i}`;
      }
      const r1 = await engine.evaluate(g, ['s4']);
      // all five entries are pinned by r1: none may go, although over budget
      expect(engine.cacheInfo()).toEqual({ entries: 5, bytes: 1280, budget: 600 });
      const other = new ToyGraph().add('x', 'test.const', { value: 2, size: 8 }).add('y', 'test.scale').connect('x', 'image', 'y', 'image');
      const r2 = await engine.evaluate(other, ['y']);
      expect(await pixels(r1, 's4')).toEqual(new Array(64).fill(16));
      expect(await pixels(r1, 'c')).toEqual(new Array(64).fill(1));
      expect(engine.cacheInfo().entries).toBe(7);
      r1.release();
      // r1's five entries are evictable now; r2's two (512 bytes) are still pinned
      expect(engine.cacheInfo()).toEqual({ entries: 2, bytes: 512, budget: 600 });
      expect(await pixels(r2, 'y')).toEqual(new Array(64).fill(4));
      r2.release();
      expect(engine.cacheInfo().bytes).toBeLessThanOrEqual(600);
      const computes = engine.stats.computes;
      const r3 = await engine.evaluate(g, ['s4']);
      expect(engine.stats.computes - computes).toBe(5);
      expect(await pixels(r3, 's4')).toEqual(new Array(64).fill(16));
      r3.release();
    });

    it('returns to the tensor baseline after release() + clearCache(), in either order', async () => {
      const g = new ToyGraph()
        .add('c', 'test.const', { value: 1, size: 2 })
        .add('s', 'test.scale')
        .add('id', 'test.identity')
        .add('m', 'test.mean')
        .add('f', 'test.fail')
        .add('slow', 'test.slow')
        .add('a', 'test.add')
        .connect('c', 'image', 's', 'image')
        .connect('s', 'image', 'id', 'image')
        .connect('id', 'image', 'm', 'image')
        .connect('s', 'image', 'f', 'image')
        .connect('slow', 'image', 'a', 'a')
        .connect('s', 'image', 'a', 'b');
      const r1 = await engine.evaluate(g, ['m', 'f', 'a']);
      expect(r1.errors.size).toBe(1);
      expect(tf.memory().numTensors).toBeGreaterThan(baseline);
      r1.release();
      engine.clearCache();
      expect(tf.memory().numTensors).toBe(baseline);

      const r2 = await engine.evaluate(g, ['m', 'a']);
      engine.clearCache();
      // pinned entries survive clearCache until released
      expect(await pixels(r2, 'a')).toEqual(new Array(4).fill(1 + 2));
      expect(engine.cacheInfo().entries).toBe(0);
      r2.release();
      expect(tf.memory().numTensors).toBe(baseline);
    });
  });
}

describe('Engine across backends', () => {
  it('starts a fresh cache when the backend changes', async () => {
    if (testBackends.length < 2) throw new Error('needs two test backends');
    const toys = makeToys();
    const engine = new Engine({ registry: toys.registry, host: testHost });
    const g = new ToyGraph().add('c', 'test.const', { value: 1 }).add('s', 'test.scale').connect('c', 'image', 's', 'image');
    await useBackend(testBackends[0]!);
    const base0 = tf.memory().numTensors;
    (await engine.evaluate(g, ['s'])).release();
    await useBackend(testBackends[1]!);
    const r = await engine.evaluate(g, ['s']);
    expect(r.backend).toBe(testBackends[1]);
    expect(engine.stats.computes).toBe(4);
    expect(engine.stats.hits).toBe(0);
    expect(Array.from(await (r.value('s', 'image') as tf.Tensor).data())).toEqual(new Array(16).fill(2));
    r.release();
    engine.dispose();
    expect(tf.memory().numTensors).toBe(base0);
  });
});
