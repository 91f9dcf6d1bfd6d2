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
import { adoptComponents, componentFile, fileComponent, hasSameComponents, importComponent, insertComponent, libraryRef, updateComponent } from '../../src/engine/componentFile';
import { copyFragment } from '../../src/editor/logic/clipboard';
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

describe('a component on its own: export, insert, update', () => {
  const host = createNodeHost({ baseDir: __dirname, maxImageSide: 4096 });

  it('componentFile holds the component, what it uses, one instance and the ui.component mark; it loads as a graph', () => {
    const file = componentFile(load(), 'wrap');
    expect(Object.keys(file.components as object)).toEqual(['soft', 'wrap']);
    expect(file.nodes).toEqual([{ id: 'c1', type: 'component', component: 'wrap', params: {}, position: { x: 0, y: 0 } }]);
    expect(file.ui).toEqual({ component: 'wrap' });
    expect(file.name).toBe('Wrap');
    expect(fileComponent(file)).toBe('wrap');
    expect(fileComponent(doc())).toBeNull();
    expect(() => parseGraph(file, registry)).not.toThrow();
  });

  it('inserting into a graph with its own "soft" renames the copy and its uses; the instance computes the same bits as in the source graph', async () => {
    await useBackend('wasm');
    const file = componentFile(load(), 'wrap');
    const target = load();
    target.components.get('soft')!.graph.setParam('sharp', 'amount', 2); // another "soft"
    const id = insertComponent(target, target, file, { x: 10.4, y: 20.6 });
    expect(id).toBe('c1');
    const inst = target.getNode('c1')!;
    expect(inst.component).toBe('wrap2');
    expect(inst.position).toEqual({ x: 10, y: 21 });
    expect(target.components.get('wrap2')!.graph.getNode('inner')!.component).toBe('soft2');
    expect(target.components.get('soft2')!.graph.getNode('sharp')!.params).toEqual({ amount: 1 });
    target.connect({ node: 'src', port: 'image' }, { node: 'c1', port: 'image' });
    const engine = new Engine({ registry, host });
    const r = await engine.evaluate(target, ['c1', 'w']);
    const a = [...(await (r.value('c1', 'image') as tf.Tensor).data())];
    r.release();
    const r2 = await engine.evaluate(load(), ['w']);
    expect(a).toEqual([...(await (r2.value('w', 'image') as tf.Tensor).data())]);
    r2.release();
    engine.dispose();
    // from the library: tagged, and the same version inserted again reuses the definition
    const lib = { id: 'row1', version: 3 };
    insertComponent(target, target, file, { x: 0, y: 0 }, { library: lib });
    const tagged = target.nodeIds().map((n) => target.getNode(n)!).at(-1)!.component!;
    expect(libraryRef(target.components.get(tagged))).toEqual(lib);
    expect(importComponent(target, file, lib)).toBe(tagged);
    expect(() => parseGraph(graphToDocument(target), registry)).not.toThrow();
    expect(() => importComponent(target, doc())).toThrow('holds no component of its own');
  });

  it('updateComponent: every instance follows the new version; promoted values and wires the new version has not are dropped', () => {
    const g = load();
    g.components.set({ ...g.components.get('soft')!, extra: { library: { id: 'row1', version: 1 } } });
    const newer = load();
    const soft = newer.components.get('soft')!;
    soft.graph.setParam('sharp', 'amount', 2.5);
    newer.components.set({ ...soft, params: [{ name: 'amount', node: 'sharp', param: 'amount' }] });
    const dropped = updateComponent(g, 'soft', componentFile(newer, 'soft'), { id: 'row1', version: 2 });
    expect(dropped.sort()).toEqual(['inner.sigma', 's2.sigma']);
    expect(g.components.get('soft')!.graph.getNode('sharp')!.params).toEqual({ amount: 2.5 });
    expect(libraryRef(g.components.get('soft'))).toEqual({ id: 'row1', version: 2 });
    expect(g.getNode('s2')!.params).toEqual({});
    expect(g.edges.map((x) => `${x.from.node}>${x.to.node}`).sort()).toEqual(['src>s2', 'src>w']);
    expect(() => parseGraph(graphToDocument(g), registry)).not.toThrow();
  });
});

describe('pasting instances', () => {
  it('copyFragment brings the definitions copied instances use (nested too); adoptComponents keeps identical ones and renames others', () => {
    const g = load();
    const f = copyFragment(graphToDocument(g), ['w']);
    expect(Object.keys(f.components ?? {}).sort()).toEqual(['soft', 'wrap']);
    expect(copyFragment(graphToDocument(g), ['src']).components).toBeUndefined();
    // the same graph: nothing to copy
    expect(hasSameComponents(g, f.components, ['wrap'])).toBe(true);
    expect([...adoptComponents(g, f.components, ['wrap'])]).toEqual([
      ['wrap', 'wrap'],
      ['soft', 'soft'],
    ]);
    expect(g.components.ids()).toEqual(['soft', 'wrap']);
    // a graph whose "soft" differs: both come in renamed, the copy's inner instance follows
    const other = load();
    other.components.get('soft')!.graph.setParam('sharp', 'amount', 2);
    expect(hasSameComponents(other, f.components, ['wrap'])).toBe(false);
    const rename = adoptComponents(other, f.components, ['wrap']);
    expect(rename.get('wrap')).toBe('wrap2');
    expect(rename.get('soft')).toBe('soft2');
    expect(other.components.get('wrap2')!.graph.getNode('inner')!.component).toBe('soft2');
    expect(() => parseGraph(graphToDocument(other), registry)).not.toThrow();
  });
});
