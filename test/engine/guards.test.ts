/**
 * Issue 10 guards in the engine: one bad param value is that node's error and the rest of
 * the graph evaluates (the editor's lenient parse), and the memory budget is checked before
 * a node runs (from its params) and after (its actual outputs), naming the node and the size.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { defineNode } from '../../src/engine/defineNode';
import { GraphFileError } from '../../src/engine/errors';
import { Engine, formatBytes, MemoryBudgetError } from '../../src/engine/evaluate';
import { parseGraph } from '../../src/engine/format';
import { NodeRegistry } from '../../src/engine/registry';
import { createRegistry } from '../../src/nodes';
import { useBackend } from '../helpers/backends';
import { testHost } from './toyNodes';

beforeAll(async () => {
  await useBackend('cpu');
});

const doc = (nodes: unknown[], edges: unknown[] = []) => ({ format: 'pixel-loom.graph', version: 1, name: 't', nodes, edges });
const n = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, params, position: { x: 0, y: 0 } });
const e = (from: string, fp: string, to: string, tp: string) => ({ from: { node: from, port: fp }, to: { node: to, port: tp } });

describe('a bad param value stops only its own node', () => {
  const registry = createRegistry();
  const graphDoc = doc(
    [n('noise', 'generate.noise', { width: 16, height: 16, channels: 'gray', seed: 1 }), n('save', 'image.save', { name: 'out<1>' }), n('blur', 'filter.gaussianBlur', { sigma: 1 }), n('score', 'metric.mse')],
    [e('noise', 'image', 'save', 'image'), e('noise', 'image', 'blur', 'image'), e('noise', 'image', 'score', 'a'), e('blur', 'image', 'score', 'b')],
  );

  it('a graph file with it is refused, naming the path and the character', () => {
    let err: unknown;
    try {
      parseGraph(graphDoc, registry);
    } catch (x) {
      err = x;
    }
    expect(err).toBeInstanceOf(GraphFileError);
    expect((err as GraphFileError).issues[0]!.path).toBe('nodes[1].params');
    expect((err as GraphFileError).issues[0]!.message).toContain('contains "<"');
  });

  it('with deferParamChecks the graph loads and evaluates; the node reports the problem', async () => {
    const graph = parseGraph(graphDoc, registry, { deferParamChecks: true });
    const engine = new Engine({ registry, host: testHost });
    const before = tf.memory().numTensors;
    const r = await engine.evaluate(graph, ['save', 'score']);
    expect(r.errors.get('save')?.message).toMatch(/node "save" \(image.save\).*param name "out<1>" contains "<"/);
    expect(r.errors.has('score')).toBe(false);
    const mse = r.value('score', 'mse');
    expect(typeof mse).toBe('number');
    expect(mse as number).toBeGreaterThan(0);
    r.release();
    engine.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('structure problems are still refused with deferParamChecks', () => {
    expect(() => parseGraph(doc([n('a', 'filter.median')], [e('a', 'image', 'a', 'image')]), registry, { deferParamChecks: true })).toThrow(GraphFileError);
    expect(() => parseGraph(doc([n('a', 'filter.median', { size: { nested: [1, () => 0] } })]), registry, { deferParamChecks: true })).toThrow(GraphFileError);
  });
});

describe('memory budget', () => {
  it('refuses a node before it runs when its params ask for more, naming node and size', async () => {
    const registry = createRegistry();
    const graph = parseGraph(doc([n('big', 'generate.noise', { width: 256, height: 256, channels: 'rgba' }), n('sum', 'metric.mse')], [e('big', 'image', 'sum', 'a'), e('big', 'image', 'sum', 'b')]), registry);
    const engine = new Engine({ registry, host: testHost, maxOutputBytes: 512 * 1024, memoryHint: 'raise it with --max-memory' });
    const before = tf.memory().numTensors;
    const r = await engine.evaluate(graph, ['sum']);
    const err = r.errors.get('big');
    expect(err?.cause).toBeInstanceOf(MemoryBudgetError);
    expect(err?.message).toBe(
      'node "big" (generate.noise): its output would take 1 MiB of tensor data, above the memory budget of 512 KiB, so it was not run; raise it with --max-memory',
    );
    expect(engine.stats.computes).toBe(0);
    expect(r.errors.get('sum')?.message).toContain('comes from node "big", which failed');
    r.release();
    // Raised: the same graph runs.
    engine.maxOutputBytes = 2 * 1024 * 1024;
    const r2 = await engine.evaluate(graph, ['sum']);
    expect(r2.errors.size).toBe(0);
    r2.release();
    engine.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('checks the actual outputs of nodes that give no estimate, and frees them', async () => {
    const grow = defineNode({
      type: 'test.grow',
      title: 'Grow',
      category: 'Test',
      description: 'makes a size×size×4 image',
      version: 1,
      inputs: {},
      outputs: { image: { type: 'image' } },
      params: { size: { kind: 'int', default: 8, min: 1, max: 4096 } },
      compute: ({ params }) => ({ image: tf.zeros([params.size, params.size, 4]) }),
    });
    const registry = new NodeRegistry([grow]);
    const graph = parseGraph(doc([n('g', 'test.grow', { size: 512 })]), registry);
    const engine = new Engine({ registry, host: testHost, maxOutputBytes: 1024 * 1024 });
    const before = tf.memory().numTensors;
    const r = await engine.evaluate(graph, ['g']);
    expect(r.errors.get('g')?.message).toBe('node "g" (test.grow): its output took 4 MiB of tensor data, above the memory budget of 1 MiB (discarded)');
    r.release();
    expect(tf.memory().numTensors).toBe(before);
    engine.dispose();
  });

  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(1024 ** 3)).toBe('1 GiB');
    expect(formatBytes(1.5 * 1024 ** 3)).toBe('1.50 GiB');
    expect(formatBytes(8192 * 8192 * 4 * 4 * 2)).toBe('2 GiB');
  });
});
