import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TensorCache, tensorBytes } from '../../src/engine/cache';
import { testBackends, useBackend } from '../helpers/backends';

for (const backend of testBackends) {
  describe(`TensorCache on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('counts bytes per distinct tensor and 8 per number', () => {
      const base = tf.memory().numTensors;
      const c = new TensorCache(1e6);
      const t = tf.zeros([4, 4, 3]); // 48 float32 = 192 bytes
      const e = c.set('a', { image: t, again: t, n: 1.5 }, 2);
      expect(e.bytes).toBe(192 + 8);
      const flags = tf.zeros([3], 'bool');
      expect(tensorBytes(flags)).toBe(3);
      flags.dispose();
      expect(c.bytes).toBe(200);
      expect(c.get('a')).toBe(e);
      expect(c.peek('missing')).toBeUndefined();
      c.clear();
      // the tensor held twice by one entry is disposed once, without error
      expect(t.isDisposed).toBe(true);
      expect(c.size).toBe(0);
      expect(c.bytes).toBe(0);
      expect(tf.memory().numTensors).toBe(base);
    });

    it('evicts big cheap entries before small expensive ones, then least recently used', () => {
      const c = new TensorCache(10_000);
      const big = c.set('bigCheap', { x: tf.zeros([1000]) }, 0.1); // 4000 B, 0.1 ms
      const small = c.set('smallCostly', { x: tf.zeros([100]) }, 50); // 400 B, 50 ms
      const mid1 = c.set('mid1', { x: tf.zeros([1000]) }, 5); // 4000 B, 5 ms
      expect(c.bytes).toBe(8400);
      c.budget = 5000;
      expect(c.evictToBudget()).toBe(1);
      expect(c.has('bigCheap')).toBe(false);
      expect((big.outputs.x as tf.Tensor).isDisposed).toBe(true);
      expect(c.has('smallCostly') && c.has('mid1')).toBe(true);

      // equal size and cost: the least recently used goes first
      const c2 = new TensorCache(1e6);
      c2.set('p', { x: tf.zeros([10]) }, 1);
      c2.set('q', { x: tf.zeros([10]) }, 1);
      c2.get('p');
      c2.budget = 40;
      c2.evictToBudget();
      expect([c2.has('p'), c2.has('q')]).toEqual([true, false]);
      c2.clear();

      c.clear();
      expect((small.outputs.x as tf.Tensor).isDisposed && (mid1.outputs.x as tf.Tensor).isDisposed).toBe(true);
    });

    it('never evicts or disposes pinned entries; clear() while pinned disposes on unpin', () => {
      const c = new TensorCache(0);
      const e = c.set('a', { x: tf.ones([8]) }, 1);
      c.pin(e);
      expect(c.evictToBudget()).toBe(0);
      expect(c.has('a')).toBe(true);
      c.clear();
      expect(c.has('a')).toBe(false);
      expect(c.bytes).toBe(0);
      expect(c.doomedBytes).toBe(32);
      const x = e.outputs.x as tf.Tensor;
      expect(x.isDisposed).toBe(false);
      expect(Array.from(x.dataSync())).toEqual(new Array(8).fill(1));
      c.unpin(e);
      expect(x.isDisposed).toBe(true);
      expect(c.doomedBytes).toBe(0);
      expect(() => c.unpin(e)).not.toThrow(); // removed entries tolerate a late unpin
      const f = c.set('b', { x: tf.ones([1]) }, 1);
      expect(() => c.unpin(f)).toThrow('is not pinned');
      c.clear();
    });

    it('disposes a tensor shared by two entries only when neither holds it', () => {
      const c = new TensorCache(1e6);
      const shared = tf.ones([4]);
      c.set('a', { x: shared }, 1);
      c.set('b', { y: shared, z: tf.zeros([2]) }, 1);
      expect(c.delete('a')).toBe(true);
      expect(shared.isDisposed).toBe(false);
      expect(c.delete('a')).toBe(false);
      // replacing 'b' with an entry that still holds the shared tensor keeps it alive
      const z = c.peek('b')!.outputs.z as tf.Tensor;
      c.set('b', { y: shared }, 1);
      expect(z.isDisposed).toBe(true);
      expect(shared.isDisposed).toBe(false);
      c.delete('b');
      expect(shared.isDisposed).toBe(true);
    });

    it('disposeAll() frees pinned entries too and leaves no tensors', () => {
      const base = tf.memory().numTensors;
      const c = new TensorCache(1e6);
      const e = c.set('a', { x: tf.ones([3]) }, 1);
      c.pin(e);
      c.set('b', { x: tf.ones([3]), n: 2 }, 1);
      expect(tf.memory().numTensors).toBe(base + 2);
      c.disposeAll();
      expect(tf.memory().numTensors).toBe(base);
      expect(() => new TensorCache(-1)).toThrow('must be a number of bytes');
    });
  });
}
