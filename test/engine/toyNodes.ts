/**
 * Toy node kinds for engine tests. Each call to makeToys() gives fresh compute counters and
 * load gates, so tests never share state.
 */
import * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../../src/engine/defineNode';
import { NodeRegistry } from '../../src/engine/registry';
import { hashString } from '../../src/engine/signature';
import type { Host, Resource } from '../../src/engine/types';

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export interface SlowResource extends Resource {
  readonly tensor: tf.Tensor;
}

export const testHost: Host = {
  readSource: () => Promise.reject(new Error('toy host has no sources')),
  limits: { maxImageSide: 8192 },
};

export function makeToys() {
  /** compute calls per node type */
  const counts: Record<string, number> = {};
  const bump = (t: string): void => {
    counts[t] = (counts[t] ?? 0) + 1;
  };
  const state = {
    /** test.slow's load awaits this gate when set */
    gate: undefined as Deferred | undefined,
    /** resolved each time test.slow's load starts */
    loadStarted: deferred(),
    /** simulated file contents per key (their hash is the resource signature) */
    contents: {} as Record<string, string>,
    /** resources created and disposed by test.slow */
    resourcesMade: 0,
    resourcesDisposed: 0,
  };

  const constant = defineNode({
    type: 'test.const',
    title: 'Const',
    category: 'Test',
    description: 'size×size×channels image filled with value',
    version: 1,
    inputs: {},
    outputs: { image: { type: 'image' } },
    params: {
      value: { kind: 'float', default: 0, min: -10, max: 10 },
      size: { kind: 'int', default: 4, min: 1, max: 64 },
      channels: { kind: 'int', default: 1, min: 1, max: 4 },
    },
    compute: ({ params }) => {
      bump('test.const');
      return { image: tf.fill([params.size, params.size, params.channels], params.value) };
    },
  });

  const add = defineNode({
    type: 'test.add',
    title: 'Add',
    category: 'Test',
    description: 'a + b',
    version: 1,
    inputs: { a: { type: 'image' }, b: { type: 'image' } },
    outputs: { image: { type: 'image' } },
    params: {},
    compute: ({ inputs }) => {
      bump('test.add');
      return { image: tf.add(inputs.a as tf.Tensor, inputs.b as tf.Tensor) };
    },
  });

  const scale = defineNode({
    type: 'test.scale',
    title: 'Scale',
    category: 'Test',
    description: 'image · factor',
    version: 1,
    inputs: { image: { type: 'image' } },
    outputs: { image: { type: 'image' } },
    params: { factor: { kind: 'float', default: 2 } },
    compute: ({ inputs, params }) => {
      bump('test.scale');
      // intermediates must be freed by the engine's tidy
      const twice = tf.mul(inputs.image as tf.Tensor, 2);
      return { image: tf.div(tf.mul(twice, params.factor), 2) };
    },
  });

  const fail = defineNode({
    type: 'test.fail',
    title: 'Fail',
    category: 'Test',
    description: 'always throws',
    version: 1,
    inputs: { image: { type: 'image', optional: true } },
    outputs: { image: { type: 'image' } },
    params: { message: { kind: 'string', default: 'boom' } },
    compute: ({ params, inputs }) => {
      bump('test.fail');
      if (inputs.image) tf.mul(inputs.image as tf.Tensor, 3); // allocated, then freed by tidy
      throw new Error(params.message);
    },
  });

  const slow = defineNode<{ key: { kind: 'string'; default: string } }, SlowResource>({
    type: 'test.slow',
    title: 'Slow',
    category: 'Test',
    description: 'load awaits a gate; compute returns the resource tensor itself',
    version: 1,
    inputs: {},
    outputs: { image: { type: 'image' } },
    params: { key: { kind: 'string', default: 'a' } },
    load: async (params, ctx) => {
      const started = state.loadStarted;
      state.loadStarted = deferred();
      started.resolve();
      ctx.onProgress?.(0.5);
      if (state.gate) await state.gate.promise;
      const content = state.contents[params.key] ?? params.key;
      const tensor = tf.fill([2, 2, 1], content.length);
      state.resourcesMade++;
      return {
        signature: hashString(content),
        tensor,
        dispose: () => {
          state.resourcesDisposed++;
          tensor.dispose();
        },
      };
    },
    compute: ({ resource }) => {
      bump('test.slow');
      return { image: resource.tensor };
    },
  });

  const mean = defineNode({
    type: 'test.mean',
    title: 'Mean',
    category: 'Test',
    description: 'mean as a rank-0 tensor, element count as a plain number',
    version: 1,
    inputs: { image: { type: 'image' } },
    outputs: { mean: { type: 'number' }, count: { type: 'number' } },
    params: {},
    compute: ({ inputs }) => {
      bump('test.mean');
      const x = inputs.image as tf.Tensor;
      return { mean: tf.mean(x), count: x.size };
    },
  });

  const identity = defineNode({
    type: 'test.identity',
    title: 'Identity',
    category: 'Test',
    description: 'returns its input unchanged',
    version: 1,
    inputs: { image: { type: 'image' } },
    outputs: { image: { type: 'image' } },
    params: {},
    compute: ({ inputs }) => {
      bump('test.identity');
      return { image: inputs.image as tf.Tensor };
    },
  });

  const bad = defineNode({
    type: 'test.bad',
    title: 'Bad',
    category: 'Test',
    description: 'returns malformed outputs',
    version: 1,
    inputs: {},
    outputs: { image: { type: 'image' }, n: { type: 'number' } },
    params: { mode: { kind: 'enum', default: 'missing', options: ['missing', 'numberOnImage', 'vectorOnNumber'] } },
    compute: ({ params }): Record<string, tf.Tensor | number> => {
      bump('test.bad');
      const img = tf.zeros([2, 2, 1]);
      if (params.mode === 'missing') return { image: img };
      if (params.mode === 'numberOnImage') return { image: 3, n: 1 };
      return { image: img, n: tf.zeros([3]) };
    },
  });

  const registry = new NodeRegistry([constant, add, scale, fail, slow, mean, identity, bad]);
  return { registry, counts, state };
}
