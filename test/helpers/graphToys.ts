/**
 * Toy node definitions for graph/format tests: structure only (compute is never run),
 * independent of the real node catalogue.
 */
import { defineNode } from '../../src/engine/defineNode';
import { NodeRegistry } from '../../src/engine/registry';

const none = () => ({});

export const toySource = defineNode({
  type: 'toy.source',
  title: 'Source',
  category: 'Toy',
  description: 'an image source',
  version: 1,
  inputs: {},
  outputs: { image: { type: 'image' } },
  params: { seed: { kind: 'seed', default: 0 }, width: { kind: 'int', default: 8, min: 1, max: 64 } },
  compute: none,
});

export const toyBlur = defineNode({
  type: 'toy.blur',
  title: 'Blur',
  category: 'Toy',
  description: 'image to image',
  version: 1,
  inputs: { image: { type: 'image' } },
  outputs: { image: { type: 'image' } },
  params: {
    sigma: { kind: 'float', default: 1, min: 0, max: 10, label: 'Sigma', description: 'standard deviation' },
    mode: { kind: 'enum', default: 'fast', options: ['fast', 'exact'] },
    size: { kind: 'int', default: 3, min: 1, max: 15, odd: true },
  },
  compute: none,
});

export const toyScore = defineNode({
  type: 'toy.score',
  title: 'Score',
  category: 'Toy',
  description: 'two images to a number',
  version: 1,
  inputs: { a: { type: 'image' }, b: { type: 'image' } },
  outputs: { ssim: { type: 'number' }, map: { type: 'image' } },
  params: {},
  compute: none,
});

export const toyMask = defineNode({
  type: 'toy.mask',
  title: 'Mask',
  category: 'Toy',
  description: 'a mask source',
  version: 1,
  inputs: {},
  outputs: { mask: { type: 'mask' } },
  params: {},
  compute: none,
});

export const toyScale = defineNode({
  type: 'toy.scale',
  title: 'Scale',
  category: 'Toy',
  description: 'image times a number',
  version: 1,
  inputs: { image: { type: 'image' }, factor: { type: 'number', optional: true }, mask: { type: 'mask', optional: true } },
  outputs: { image: { type: 'image' } },
  params: {},
  compute: none,
});

export const toyRange = defineNode({
  type: 'toy.range',
  title: 'Range',
  category: 'Toy',
  description: 'cross-param check',
  version: 1,
  inputs: { image: { type: 'image' } },
  outputs: { image: { type: 'image' } },
  params: { low: { kind: 'float', default: 0 }, high: { kind: 'float', default: 1 } },
  check: (p) => (p.low < p.high ? null : `low (${p.low}) must be below high (${p.high})`),
  compute: none,
});

export const toyKernel = defineNode({
  type: 'toy.kernel',
  title: 'Kernel',
  category: 'Toy',
  description: 'kernel, string and bool params',
  version: 1,
  inputs: { image: { type: 'image' } },
  outputs: { image: { type: 'image' } },
  params: {
    kernel: { kind: 'kernel', default: [[1]], maxSize: 5 },
    label: { kind: 'string', default: '', maxLength: 10 },
    flag: { kind: 'bool', default: false },
  },
  compute: none,
});

export const toySave = defineNode({
  type: 'image.save',
  title: 'Save',
  category: 'Toy',
  description: 'a sink',
  version: 1,
  inputs: { image: { type: 'image' } },
  outputs: {},
  params: { name: { kind: 'string', default: 'out' } },
  compute: none,
});

export function toyRegistry(): NodeRegistry {
  return new NodeRegistry([toySource, toyBlur, toyScore, toyMask, toyScale, toyRange, toyKernel, toySave]);
}
