/** Nodes whose work runs on the host (computeAsync): results, caching, cancellation, no leaks. */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defineNode } from '../../src/engine/defineNode';
import { Cancelled } from '../../src/engine/errors';
import { Engine } from '../../src/engine/evaluate';
import { NodeRegistry } from '../../src/engine/registry';
import { testBackends, useBackend } from '../helpers/backends';
import { ToyGraph } from './toyGraph';
import { deferred, type Deferred, testHost } from './toyNodes';

function makeRegistry(state: { gate?: Deferred; calls: number; sawAbort: boolean }) {
  const ramp = defineNode({
    type: 'test.ramp',
    title: 'Ramp',
    category: 'Test',
    description: '1×4×1 image 0, 0.25, 0.5, 0.75',
    version: 1,
    inputs: {},
    outputs: { image: { type: 'image' } },
    params: {},
    compute: () => ({ image: tf.tensor3d([0, 0.25, 0.5, 0.75], [1, 4, 1]) }),
  });
  const hostInvert = defineNode({
    type: 'test.hostInvert',
    title: 'Host invert',
    category: 'Test',
    description: '1 − x computed on the host; also returns the sum as a number',
    version: 1,
    inputs: { image: { type: 'image' } },
    outputs: { image: { type: 'image' }, sum: { type: 'number' } },
    params: {},
    async computeAsync({ inputs, signal }) {
      state.calls++;
      const x = inputs.image as tf.Tensor;
      const data = await x.data();
      if (state.gate) await state.gate.promise;
      state.sawAbort = signal.aborted;
      const out = Float32Array.from(data, (v) => 1 - v);
      return { image: tf.tensor3d(out, x.shape as [number, number, number]), sum: out.reduce((a, b) => a + b, 0) };
    },
  });
  return new NodeRegistry([ramp, hostInvert]);
}

describe('defineNode', () => {
  it('requires exactly one of compute and computeAsync', () => {
    const base = { type: 'test.x', title: 'X', category: 'Test', description: '', version: 1, inputs: {}, outputs: {}, params: {} };
    expect(() => defineNode(base)).toThrow(/exactly one of compute and computeAsync/);
    expect(() => defineNode({ ...base, compute: () => ({}), computeAsync: () => Promise.resolve({}) })).toThrow(/exactly one/);
  });
});

for (const backend of testBackends) {
  describe(`computeAsync on ${backend}`, () => {
    let state: { gate?: Deferred; calls: number; sawAbort: boolean };
    let engine: Engine;
    let baseline: number;
    beforeAll(async () => {
      await useBackend(backend);
    });
    beforeEach(() => {
      state = { calls: 0, sawAbort: false };
      engine = new Engine({ registry: makeRegistry(state), host: testHost });
      baseline = tf.memory().numTensors;
    });
    afterEach(() => {
      engine.dispose();
      expect(tf.memory().numTensors).toBe(baseline);
    });

    const graph = () => new ToyGraph().add('r', 'test.ramp').add('inv', 'test.hostInvert').connect('r', 'image', 'inv', 'image');

    it('returns host-computed tensors and numbers, and caches them', async () => {
      const g = graph();
      const r = await engine.evaluate(g, ['inv']);
      expect(Array.from(await (r.value('inv', 'image') as tf.Tensor).data())).toEqual([1, 0.75, 0.5, 0.25]);
      expect(r.value('inv', 'sum')).toBe(2.5);
      r.release();
      const r2 = await engine.evaluate(g, ['inv']);
      expect(state.calls).toBe(1);
      expect(r2.status.get('inv')).toBe('cached');
      r2.release();
      engine.clearCache();
    });

    it('a run cancelled during computeAsync rejects with Cancelled, the node sees the abort, and its late output is disposed', async () => {
      state.gate = deferred();
      const g = graph();
      const first = engine.evaluate(g, ['inv']);
      const caught = first.then(
        () => null,
        (e: unknown) => e,
      );
      while (state.calls === 0) await new Promise((res) => setTimeout(res, 1));
      const controller = new AbortController();
      const second = engine.evaluate(g, ['r'], { signal: controller.signal });
      state.gate.resolve();
      expect(await caught).toBeInstanceOf(Cancelled);
      expect(state.sawAbort).toBe(true);
      (await second).release();
      engine.clearCache();
    });
  });
}
