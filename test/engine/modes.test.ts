/**
 * Bypass and mute (graph format version 2, a node's `mode`): what the evaluator computes,
 * what it reports, and that the cache and tensor ownership stay right.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Engine, UpstreamFailure, passThroughPorts, type EngineEvent, type EvaluationResult } from '../../src/engine/evaluate';
import { evaluationKeys } from '../../src/engine/evalKey';
import { useBackend } from '../helpers/backends';
import { ToyGraph } from './toyGraph';
import { makeToys, testHost } from './toyNodes';

async function pixels(r: EvaluationResult, node: string, port = 'image'): Promise<number[]> {
  const v = r.value(node, port);
  if (!(v instanceof tf.Tensor)) throw new Error(`${node}.${port} is not a tensor`);
  return Array.from(await v.data());
}

describe('bypass and mute', () => {
  let toys: ReturnType<typeof makeToys>;
  let engine: Engine;
  let baseline: number;

  beforeAll(async () => {
    await useBackend('cpu');
  });
  beforeEach(() => {
    toys = makeToys();
    engine = new Engine({ registry: toys.registry, host: testHost });
    baseline = tf.memory().numTensors;
  });
  afterEach(() => {
    engine.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  /** c (1) → s1 (×3) → s2 (×5) → m (mean) */
  const chain = (): ToyGraph =>
    new ToyGraph()
      .add('c', 'test.const', { value: 1, size: 2 })
      .add('s1', 'test.scale', { factor: 3 })
      .add('s2', 'test.scale', { factor: 5 })
      .add('m', 'test.mean')
      .connect('c', 'image', 's1', 'image')
      .connect('s1', 'image', 's2', 'image')
      .connect('s2', 'image', 'm', 'image');

  it('routes each output to the first input of the same port type', () => {
    expect(passThroughPorts(toys.registry.get('test.scale')!)).toEqual({ image: 'image' });
    expect(passThroughPorts(toys.registry.get('test.add')!)).toEqual({ image: 'a' });
    expect(passThroughPorts(toys.registry.get('test.mean')!)).toEqual({ mean: null, count: null });
    expect(passThroughPorts(toys.registry.get('test.const')!)).toEqual({ image: null });
  });

  it('a bypassed node passes its input through and is not computed', async () => {
    const events: EngineEvent[] = [];
    const g = chain().mode('s1', 'bypass');
    const r = await engine.evaluate(g, ['m'], { onEvent: (e) => events.push(e) });
    expect(r.status.get('s1')).toBe('bypassed');
    expect(r.status.get('s2')).toBe('ok');
    expect(await pixels(r, 's2')).toEqual([5, 5, 5, 5]); // 1 × 5, the ×3 skipped
    expect(r.value('m', 'mean')).toBe(5);
    expect(toys.counts['test.scale']).toBe(1);
    // The bypassed node's own outputs are what it passes (what its preview shows).
    expect(await pixels(r, 's1')).toEqual([1, 1, 1, 1]);
    expect(r.value('s1', 'image')).toBe(r.value('c', 'image'));
    expect(events).toContainEqual({ type: 'status', node: 's1', status: 'bypassed', ms: 0 });
    r.release();
  });

  it('bypassing shares the cache with the graph wired around the node, and un-bypassing is a cache hit', async () => {
    const around = new ToyGraph()
      .add('c', 'test.const', { value: 1, size: 2 })
      .add('s2', 'test.scale', { factor: 5 })
      .connect('c', 'image', 's2', 'image');
    (await engine.evaluate(around, ['s2'])).release();
    const computes = engine.stats.computes;
    const r = await engine.evaluate(chain().mode('s1', 'bypass'), ['s2']);
    expect(r.status.get('s2')).toBe('cached');
    expect(engine.stats.computes).toBe(computes);
    r.release();
    (await engine.evaluate(chain(), ['s2'])).release();
    const again = await engine.evaluate(chain(), ['s2']);
    expect(again.status.get('s2')).toBe('cached');
    expect(again.status.get('s1')).toBe('cached');
    again.release();
  });

  it('bypass passes the first input of the type (a of add); b is not evaluated', async () => {
    const g = new ToyGraph()
      .add('a', 'test.const', { value: 2, size: 2 })
      .add('b', 'test.const', { value: 7, size: 2 })
      .add('sum', 'test.add')
      .add('out', 'test.scale', { factor: 1 })
      .connect('a', 'image', 'sum', 'a')
      .connect('b', 'image', 'sum', 'b')
      .connect('sum', 'image', 'out', 'image')
      .mode('sum', 'bypass');
    const r = await engine.evaluate(g, ['out']);
    expect(await pixels(r, 'out')).toEqual([2, 2, 2, 2]);
    expect(r.status.has('b')).toBe(false);
    expect(toys.counts['test.const']).toBe(1);
    r.release();
  });

  it('chains of bypassed nodes resolve to the first active source', async () => {
    const g = chain().mode('s1', 'bypass').mode('s2', 'bypass');
    const r = await engine.evaluate(g, ['m']);
    expect(r.value('m', 'mean')).toBe(1);
    expect(await pixels(r, 's2')).toEqual([1, 1, 1, 1]);
    r.release();
  });

  it('an output with nothing to pass is an error of the node that reads it, naming why', async () => {
    const g = new ToyGraph()
      .add('c', 'test.const', { value: 1, size: 2 })
      .add('m', 'test.mean')
      .add('use', 'test.scale')
      .connect('c', 'image', 'use', 'image')
      .mode('c', 'bypass');
    const r = await engine.evaluate(g, ['use']);
    expect(r.status.get('c')).toBe('bypassed');
    expect(r.status.get('use')).toBe('error');
    expect(r.errors.get('use')!.message).toContain('input "image" comes from output "image" of node "c": node "c" is bypassed and has no image input to pass to its output "image"');
    expect(r.outputs('c')).toEqual({});
    r.release();
  });

  it('an unconnected optional pass-through input is named', async () => {
    const g = new ToyGraph()
      .add('f', 'test.fail')
      .add('use', 'test.scale')
      .connect('f', 'image', 'use', 'image')
      .mode('f', 'bypass');
    const r = await engine.evaluate(g, ['use']);
    expect(r.errors.get('use')!.message).toContain('node "f" is bypassed and its input "image", which would pass to its output "image", is not connected');
    expect(toys.counts['test.fail']).toBeUndefined();
    r.release();
  });

  it('a failure before a bypassed node reaches the nodes after it as an upstream failure', async () => {
    const g = new ToyGraph()
      .add('f', 'test.fail', { message: 'bad pixels' })
      .add('s', 'test.scale')
      .add('use', 'test.scale')
      .connect('f', 'image', 's', 'image')
      .connect('s', 'image', 'use', 'image')
      .mode('s', 'bypass');
    const r = await engine.evaluate(g, ['use']);
    expect(r.status.get('s')).toBe('bypassed');
    const cause = r.errors.get('use')!.cause;
    expect(cause).toBeInstanceOf(UpstreamFailure);
    expect((cause as UpstreamFailure).root).toBe('f');
    r.release();
  });

  it('a muted node and everything downstream is not evaluated; its own inputs are not either', async () => {
    const events: EngineEvent[] = [];
    const g = chain().mode('s1', 'mute');
    const r = await engine.evaluate(g, ['m'], { onEvent: (e) => events.push(e) });
    expect(toys.counts).toEqual({}); // not even the const feeding s1
    expect(r.status.has('c')).toBe(false);
    expect(Object.fromEntries(r.status)).toEqual({ s1: 'muted', s2: 'muted', m: 'muted' });
    expect(Object.fromEntries(r.muted)).toEqual({ s1: 's1', s2: 's1', m: 's1' });
    expect(r.errors.size).toBe(0);
    expect(r.outputs('s2')).toBeUndefined();
    expect(events.filter((e) => e.type === 'status' && e.status === 'muted').map((e) => (e as { node: string }).node)).toEqual(['s1', 's2', 'm']);
    expect(events.at(-1)).toEqual({ type: 'progress', done: 3, total: 3, node: 'm' });
    r.release();
  });

  it('mute reaches through a bypassed node, and siblings that do not depend on it still run', async () => {
    const g = chain()
      .add('other', 'test.scale', { factor: 10 })
      .connect('c', 'image', 'other', 'image')
      .mode('c', 'mute')
      .mode('s1', 'bypass');
    const r = await engine.evaluate(g, ['m', 'other']);
    expect(r.muted.get('m')).toBe('c');
    expect(r.status.get('s1')).toBe('muted');
    expect(r.status.get('other')).toBe('muted');

    const g2 = chain()
      .add('c2', 'test.const', { value: 4, size: 2 })
      .add('other', 'test.scale', { factor: 10 })
      .connect('c2', 'image', 'other', 'image')
      .mode('s2', 'mute');
    const r2 = await engine.evaluate(g2, ['m', 'other']);
    expect(await pixels(r2, 'other')).toEqual([40, 40, 40, 40]);
    expect(r2.status.has('s1')).toBe(false); // needed only by the muted s2
    expect(r2.status.get('m')).toBe('muted');
    r.release();
    r2.release();
  });

  it('modes are part of evaluation keys: toggling one changes the node and its descendants only', () => {
    const doc = (mode?: 'bypass' | 'mute') => ({
      nodes: [
        { id: 'c', type: 'test.const', params: {} },
        { id: 's', type: 'test.scale', params: {}, ...(mode ? { mode } : {}) },
        { id: 'm', type: 'test.mean', params: {} },
      ],
      edges: [
        { from: { node: 'c', port: 'image' }, to: { node: 's', port: 'image' } },
        { from: { node: 's', port: 'image' }, to: { node: 'm', port: 'image' } },
      ],
    });
    const active = evaluationKeys(doc());
    const bypassed = evaluationKeys(doc('bypass'));
    const muted = evaluationKeys(doc('mute'));
    expect(bypassed.get('c')).toBe(active.get('c'));
    for (const id of ['s', 'm']) {
      expect(bypassed.get(id)).not.toBe(active.get(id));
      expect(muted.get(id)).not.toBe(bypassed.get(id));
    }
  });
});
