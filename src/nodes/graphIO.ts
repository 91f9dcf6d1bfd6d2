/**
 * graph.input / graph.output — the boundary of a component (DESIGN.md §2b). Inside an
 * instance the flattener (engine/flatten.ts) replaces them by the wires they stand for, so
 * they never compute there. They compute only where nothing feeds them: a graph.input of
 * kind number gives its `default`; any other unfed input is an error that says how to feed
 * it; a graph.output at the top level is a sink with nothing to write.
 */
import { defineNode } from '../engine/defineNode';
import type { PortType } from '../engine/types';

export const GRAPH_INPUT = 'graph.input';
export const GRAPH_OUTPUT = 'graph.output';
export const INPUT_KINDS: readonly PortType[] = ['image', 'mask', 'latent', 'number'];

export const graphInput = defineNode({
  type: GRAPH_INPUT,
  title: 'Graph input',
  category: 'Graph',
  description: 'An input of this graph when it is used as a component: the instance gets an input socket of this name and kind.',
  version: 1,
  inputs: {},
  // The port type follows `kind` (Graph.definitionOf); `image` is the default kind.
  outputs: { value: { type: 'image' } },
  params: {
    name: { kind: 'string', default: 'input', maxLength: 64, description: 'The socket name on the instance.' },
    kind: { kind: 'enum', default: 'image', options: INPUT_KINDS as string[] },
    default: { kind: 'float', default: 0, description: 'The value of a number input that nothing feeds.' },
  },
  check: (p) => (p.name.trim().length === 0 ? 'name: a graph input needs a name' : null),
  compute({ params, nodeId }) {
    if (params.kind === 'number') return { value: params.default };
    throw new Error(`graph input "${params.name}" (${params.kind}) is not connected: use this graph as a component and wire the instance's input "${params.name}" (node ${nodeId})`);
  },
});

export const graphOutput = defineNode({
  type: GRAPH_OUTPUT,
  title: 'Graph output',
  category: 'Graph',
  description: 'An output of this graph when it is used as a component: the instance gets an output socket of this name, of the type wired into it.',
  version: 1,
  // Accepts any port type (Graph.checkConnect); the instance's output takes the source's type.
  inputs: { value: { type: 'image', optional: true } },
  outputs: {},
  params: { name: { kind: 'string', default: 'output', maxLength: 64, description: 'The socket name on the instance.' } },
  check: (p) => (p.name.trim().length === 0 ? 'name: a graph output needs a name' : null),
  compute: () => ({}),
});
