/**
 * What the editor's Enter / promote / Make unique rest on (DESIGN.md §2b): node paths name
 * the same node in the editor and the worker, with evaluation keys that follow the instance
 * (its promoted values, the definition); paths to inner graph.input / graph.output nodes
 * evaluate to what flows through them; promote / edit promoted / make unique keep the file
 * valid and the values of every instance.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeHost } from '../../src/cli/host';
import { editPromoted, freeBoundaryName, makeUnique, promoteParam } from '../../src/engine/componentOps';
import { Engine } from '../../src/engine/evaluate';
import { graphToDocument, parseGraph } from '../../src/engine/format';
import type { Graph } from '../../src/engine/graph';
import { nodeAtPath, pathKeys } from '../../src/engine/paths';
import { createRegistry } from '../../src/nodes';
import { useBackend } from '../helpers/backends';

const registry = createRegistry();
const e = (a: string, ap: string, b: string, bp: string) => ({ from: { node: a, port: ap }, to: { node: b, port: bp } });

/** Two instances of one component (blur with promoted sigma → sharpen), the first nested in another component. */
function doc(): Record<string, unknown> {
  return {
    format: 'pixel-loom.graph',
    version: 3,
    name: 'paths',
    components: {
      soft: {
        name: 'Soften',
        nodes: [
          { id: 'in', type: 'graph.input', params: { name: 'image' } },
          { id: 'blur', type: 'filter.gaussianBlur', params: { sigma: 1 } },
          { id: 'sharp', type: 'filter.unsharpMask', params: { amount: 1 } },
          { id: 'out', type: 'graph.output', params: { name: 'image' } },
        ],
        edges: [e('in', 'value', 'blur', 'image'), e('blur', 'image', 'sharp', 'image'), e('sharp', 'image', 'out', 'value')],
        params: [{ name: 'sigma', node: 'blur', param: 'sigma' }],
      },
      wrap: {
        name: 'Wrap',
        nodes: [
          { id: 'in', type: 'graph.input', params: { name: 'image' } },
          { id: 'inner', type: 'component', component: 'soft', params: { sigma: 2 } },
          { id: 'out', type: 'graph.output', params: { name: 'image' } },
        ],
        edges: [e('in', 'value', 'inner', 'image'), e('inner', 'image', 'out', 'value')],
        params: [],
      },
    },
    nodes: [
      { id: 'src', type: 'generate.noise', params: { width: 20, height: 12, channels: 'gray', seed: 9 } },
      { id: 'w', type: 'component', component: 'wrap', params: {} },
      { id: 's2', type: 'component', component: 'soft', params: { sigma: 3 } },
    ],
    edges: [e('src', 'image', 'w', 'image'), e('src', 'image', 's2', 'image')],
  };
}

const load = (d: unknown = doc()): Graph => parseGraph(d, registry);

describe('node paths', () => {
  it('nodeAtPath names the node inside the definition of each instance on the way', () => {
    const g = load();
    const at = nodeAtPath(g, 'w/inner/blur')!;
    expect(at.id).toBe('blur');
    expect(at.graph).toBe(g.components.get('soft')!.graph);
    expect(nodeAtPath(g, 's2/sharp')!.graph).toBe(g.components.get('soft')!.graph);
    expect(nodeAtPath(g, 'src')).toEqual({ graph: g, id: 'src' });
    expect(nodeAtPath(g, 'src/blur')).toBeNull();
    expect(nodeAtPath(g, 'w/nothing')).toBeNull();
    expect(nodeAtPath(g, 'nope')).toBeNull();
  });

  it('path keys follow the instance: its promoted value, an edit inside the definition; a fed graph.input has the key of its source', () => {
    const g = load();
    const k = pathKeys(g, graphToDocument(g));
    // the same definition under two instances with other sigmas: other keys
    expect(k('w/inner/blur')).not.toBe(k('s2/blur'));
    expect(k('w/inner/blur')).not.toBe('');
    expect(k('s2/in')).not.toBe('');
    expect(k('s2/in')).toBe(k('w/inner/in'));
    // a promoted value changes the inner key (and its descendants'), not the other instance's
    const g2 = load();
    g2.setParam('s2', 'sigma', 4);
    const k2 = pathKeys(g2, graphToDocument(g2));
    expect(k2('s2/blur')).not.toBe(k('s2/blur'));
    expect(k2('s2/sharp')).not.toBe(k('s2/sharp'));
    expect(k2('w/inner/blur')).toBe(k('w/inner/blur'));
    // an edit inside the definition changes the instances' own keys (they compute something else)
    const g3 = load();
    g3.components.get('soft')!.graph.setParam('sharp', 'amount', 2);
    const k3 = pathKeys(g3, graphToDocument(g3));
    expect(k3('s2')).not.toBe(k('s2'));
    expect(k3('w')).not.toBe(k('w'));
    expect(k3('src')).toBe(k('src'));
  });
});

describe('paths as evaluation targets', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });
  const host = createNodeHost({ baseDir: __dirname, maxImageSide: 4096 });

  it('inner nodes, a fed graph.input and a graph.output evaluate to what flows there for that instance', async () => {
    const engine = new Engine({ registry, host });
    const g = load();
    const before = tf.memory().numTensors;
    const r = await engine.evaluate(g, ['w/inner/sharp', 's2/sharp', 's2/in', 's2/out', 'w', 's2']);
    const data = async (node: string, port: string) => [...(await (r.value(node, port) as tf.Tensor).data())];
    expect(await data('w/inner/sharp', 'image')).toEqual(await data('w', 'image'));
    expect(await data('s2/sharp', 'image')).toEqual(await data('s2', 'image'));
    expect(await data('w/inner/sharp', 'image')).not.toEqual(await data('s2/sharp', 'image'));
    expect(await data('s2/in', 'value')).toEqual(await data('src', 'image'));
    expect(r.status.get('s2/sharp')).toMatch(/^(ok|cached)$/);
    r.release();
    engine.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('component edits', () => {
  it('promoteParam adds a promoted param under a free name; twice or an unknown param is refused', () => {
    const g = load();
    expect(promoteParam(g, 'soft', 'sharp', 'amount')).toBe('amount');
    expect(g.components.get('soft')!.params.map((p) => p.name)).toEqual(['sigma', 'amount']);
    expect(g.definitionOf('s2')!.params.amount).toMatchObject({ default: 1 });
    expect(() => promoteParam(g, 'soft', 'sharp', 'amount')).toThrow('promote: sharp.amount is promoted already (as "amount")');
    expect(() => promoteParam(g, 'soft', 'sharp', 'nope')).toThrow('promote: node "sharp" of component "soft" has no param "nope"');
    expect(promoteParam(g, 'soft', 'sharp', 'radius', undefined)).toBe('radius');
    expect(() => parseGraph(graphToDocument(g), registry)).not.toThrow();
  });

  it('editPromoted renames and reorders; every instance keeps its value under the new name; a param left out is dropped', () => {
    const g = load();
    promoteParam(g, 'soft', 'sharp', 'amount');
    g.setParam('s2', 'amount', 1.5);
    editPromoted(g, 'soft', [
      { from: 'amount', name: 'strength' },
      { from: 'sigma', name: 'radius' },
    ]);
    expect(g.components.get('soft')!.params).toEqual([
      { name: 'strength', node: 'sharp', param: 'amount' },
      { name: 'radius', node: 'blur', param: 'sigma' },
    ]);
    expect(g.getNode('s2')!.params).toEqual({ radius: 3, strength: 1.5 });
    expect(g.components.get('wrap')!.graph.getNode('inner')!.params).toEqual({ radius: 2 });
    editPromoted(g, 'soft', [{ from: 'strength', name: 'strength' }]);
    expect(g.getNode('s2')!.params).toEqual({ strength: 1.5 });
    expect(() => editPromoted(g, 'soft', [{ from: 'strength', name: 'a' }, { from: 'strength', name: 'a' }])).toThrow('two promoted params named "a"');
    expect(() => editPromoted(g, 'soft', [{ from: 'strength', name: '  ' }])).toThrow('"strength" needs a name');
    expect(() => parseGraph(graphToDocument(g), registry)).not.toThrow();
  });

  it('makeUnique gives one instance a copy; an edit of the copy leaves the other instances alone; wires and node order stay', () => {
    const g = load();
    const order = g.nodeIds();
    const id = makeUnique(g, 'w');
    expect(id).toBe('wrap_copy');
    expect(g.nodeIds()).toEqual(order);
    expect(g.getNode('w')!.component).toBe('wrap_copy');
    expect(g.components.get('wrap_copy')!.name).toBe('Wrap (copy)');
    expect(g.edges.map((x) => `${x.from.node}>${x.to.node}`).sort()).toEqual(['src>s2', 'src>w']);
    // the copy's inner instance still uses the shared soft: make that unique too, from inside
    const inner = g.components.get('wrap_copy')!.graph;
    expect(makeUnique(inner, 'inner')).toBe('soft_copy');
    g.components.get('soft_copy')!.graph.setParam('sharp', 'amount', 3);
    expect(g.components.get('soft')!.graph.getNode('sharp')!.params).toEqual({ amount: 1 });
    expect(() => makeUnique(g, 'src')).toThrow('make unique: "src" is not a component instance');
    const text = graphToDocument(g);
    expect(Object.keys(text.components as object)).toEqual(['soft', 'wrap', 'wrap_copy', 'soft_copy']);
    expect(() => parseGraph(text, registry)).not.toThrow();
  });

  it('freeBoundaryName: input, input2, … (and output, output2, …)', () => {
    const g = load();
    const def = g.components.get('soft')!.graph;
    expect(freeBoundaryName(def, 'graph.input')).toBe('input');
    def.addNode({ id: 'i2', type: 'graph.input', params: { name: 'input' } });
    expect(freeBoundaryName(def, 'graph.input')).toBe('input2');
    expect(freeBoundaryName(def, 'graph.output')).toBe('output');
  });

  it('Graph.reorder puts nodes in the given order (the rest after, as they were)', () => {
    const g = load();
    g.reorder(['s2']);
    expect(g.nodeIds()).toEqual(['s2', 'src', 'w']);
    g.reorder(['w', 'src', 's2']);
    expect(g.nodeIds()).toEqual(['w', 'src', 's2']);
  });
});
