/**
 * Components (DESIGN.md §2b, format version 3): the file contract (load, refusals with
 * paths and chains, canonical round trip, v2 migration) and the engine contract (an
 * instance evaluates exactly as the flattened graph, instances share computation, errors
 * and results name paths, mute / bypass, nesting, make component / ungroup).
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeHost } from '../../src/cli/host';
import { makeComponent, ungroupInstance, containsProblem } from '../../src/engine/componentOps';
import { Engine } from '../../src/engine/evaluate';
import { flattenGraph } from '../../src/engine/flatten';
import { graphToDocument, parseGraph, serializeGraph, validateGraphDocument } from '../../src/engine/format';
import { createRegistry } from '../../src/nodes';
import { useBackend } from '../helpers/backends';

const registry = createRegistry();

type Doc = Record<string, unknown>;
const noise = (seed = 3) => ({ id: 'src', type: 'generate.noise', params: { width: 24, height: 16, channels: 'gray', seed } });

/** The DESIGN.md §2b example, on generated noise instead of a file. */
function designDoc(): Doc {
  return {
    format: 'pixel-loom.graph',
    version: 3,
    name: 'Two denoisers',
    components: {
      soften: {
        name: 'Soften and sharpen',
        nodes: [
          { id: 'in', type: 'graph.input', params: { name: 'image', kind: 'image' } },
          { id: 'blur', type: 'filter.gaussianBlur', params: { sigma: 1.5 } },
          { id: 'sharp', type: 'filter.unsharpMask', params: { amount: 0.5 } },
          { id: 'out', type: 'graph.output', params: { name: 'image' } },
        ],
        edges: [
          { from: { node: 'in', port: 'value' }, to: { node: 'blur', port: 'image' } },
          { from: { node: 'blur', port: 'image' }, to: { node: 'sharp', port: 'image' } },
          { from: { node: 'sharp', port: 'image' }, to: { node: 'out', port: 'value' } },
        ],
        params: [{ name: 'sigma', node: 'blur', param: 'sigma' }],
      },
    },
    nodes: [noise(), { id: 's1', type: 'component', component: 'soften', params: { sigma: 2 } }, { id: 's2', type: 'component', component: 'soften', params: {} }],
    edges: [
      { from: { node: 'src', port: 'image' }, to: { node: 's1', port: 'image' } },
      { from: { node: 's1', port: 'image' }, to: { node: 's2', port: 'image' } },
    ],
  };
}

/** The same graph flattened by hand (format version 2, no components). */
function designFlat(): Doc {
  return {
    format: 'pixel-loom.graph',
    version: 2,
    name: 'flat',
    nodes: [
      noise(),
      { id: 'a', type: 'filter.gaussianBlur', params: { sigma: 2 } },
      { id: 'b', type: 'filter.unsharpMask', params: { amount: 0.5 } },
      { id: 'c', type: 'filter.gaussianBlur', params: { sigma: 1.5 } },
      { id: 'd', type: 'filter.unsharpMask', params: { amount: 0.5 } },
    ],
    edges: [
      { from: { node: 'src', port: 'image' }, to: { node: 'a', port: 'image' } },
      { from: { node: 'a', port: 'image' }, to: { node: 'b', port: 'image' } },
      { from: { node: 'b', port: 'image' }, to: { node: 'c', port: 'image' } },
      { from: { node: 'c', port: 'image' }, to: { node: 'd', port: 'image' } },
    ],
  };
}

function issues(doc: unknown): string[] {
  return validateGraphDocument(doc, registry).map((i) => `${i.path}: ${i.message}`);
}

function withComponents(components: Doc, nodes: unknown[] = [], edges: unknown[] = []): Doc {
  return { format: 'pixel-loom.graph', version: 3, name: 'x', components, nodes, edges };
}
const passThrough = (extra: unknown[] = []): Doc => ({
  nodes: [{ id: 'in', type: 'graph.input', params: { name: 'image' } }, { id: 'out', type: 'graph.output', params: { name: 'image' } }, ...extra],
  edges: [{ from: { node: 'in', port: 'value' }, to: { node: 'out', port: 'value' } }],
});

describe('format version 3: components', () => {
  it('loads the design example: instance ports and promoted params come from the definition', () => {
    const g = parseGraph(designDoc(), registry);
    const def = g.definitionOf('s1')!;
    expect(Object.keys(def.inputs)).toEqual(['image']);
    expect(def.outputs).toEqual({ image: { type: 'image' } });
    expect(def.params.sigma).toMatchObject({ kind: 'float', min: 0, max: 50, default: 1.5 });
    expect(g.effectiveParams('s1')).toEqual({ sigma: 2 });
    expect(g.effectiveParams('s2')).toEqual({ sigma: 1.5 });
  });

  it('load → save of a canonical v3 file is byte-identical; unknown inner node types are kept verbatim', () => {
    const doc = designDoc();
    const soften = (doc.components as Doc).soften as Doc;
    (soften.nodes as Doc[]).push({ id: 'future', type: 'future.node', params: { z: [1, { deep: null }], a: 'x' }, position: { x: 5, y: 6 }, note: 'kept' });
    soften.extraKey = { kept: true };
    const text = serializeGraph(parseGraph(doc, registry));
    expect(serializeGraph(parseGraph(text, registry))).toBe(text);
    const again = JSON.parse(text) as Doc;
    expect(Object.keys(again)).toEqual(['format', 'version', 'name', 'components', 'nodes', 'edges']);
    const s = (again.components as Doc).soften as Doc;
    expect(Object.keys(s)).toEqual(['name', 'nodes', 'edges', 'params', 'extraKey']);
    expect((s.nodes as Doc[])[4]).toEqual({ id: 'future', type: 'future.node', params: { z: [1, { deep: null }], a: 'x' }, position: { x: 5, y: 6 }, note: 'kept' });
    expect((again.nodes as Doc[])[1]).toEqual({ id: 's1', type: 'component', component: 'soften', params: { sigma: 2 }, position: { x: 0, y: 0 } });
  });

  it('a component that contains itself is refused with the chain, directly or through others', () => {
    const self = withComponents({ a: passThrough([{ id: 'me', type: 'component', component: 'a' }]) });
    expect(issues(self)).toEqual(['components.a.nodes[2]: component "a" contains itself: a → a']);
    const loop = withComponents({
      a: passThrough([{ id: 'x', type: 'filter.median' }, { id: 'uses_b', type: 'component', component: 'b' }]),
      b: passThrough([{ id: 'uses_a', type: 'component', component: 'a' }]),
    });
    expect(issues(loop)).toEqual(['components.a.nodes[3]: component "a" contains itself: a → b → a']);
  });

  it('refuses an unknown component id, a promoted param naming no inner param, two promoted params with one name', () => {
    expect(issues(withComponents({ a: passThrough() }, [{ id: 'i', type: 'component', component: 'aa' }]))).toEqual([
      'nodes[0].component: unknown component "aa" (did you mean "a"?); components in this file: a',
    ]);
    expect(issues(withComponents({ a: passThrough() }, [{ id: 'i', type: 'component' }]))).toEqual(['nodes[0].component: missing; a "component" node names its definition in "components"']);
    expect(issues(withComponents({}, [{ id: 'i', type: 'filter.median', component: 'a' }]))).toEqual(['nodes[0].component: only a "component" node names a component (this node is "filter.median")']);
    const blur = { id: 'blur', type: 'filter.gaussianBlur' };
    expect(issues(withComponents({ a: { ...passThrough([blur]), params: [{ name: 's', node: 'blur', param: 'sigmaa' }] } }))).toEqual([
      'components.a.params[0].param: node "blur" (filter.gaussianBlur) has no param "sigmaa"; its params: sigma',
    ]);
    expect(issues(withComponents({ a: { ...passThrough([blur]), params: [{ name: 's', node: 'blurr', param: 'sigma' }] } }))).toEqual([
      'components.a.params[0].node: no node "blurr" in component "a" (did you mean "blur"?)',
    ]);
    const twice = { ...passThrough([blur, { id: 'med', type: 'filter.median' }]), params: [{ name: 's', node: 'blur', param: 'sigma' }, { name: 's', node: 'med', param: 'size' }] };
    expect(issues(withComponents({ a: twice }))).toEqual(['components.a.params[1].name: two promoted params are named "s" (also params[0]); an instance\'s params need distinct names']);
    const twoInputs = passThrough([{ id: 'in2', type: 'graph.input', params: { name: 'image' } }]);
    expect(issues(withComponents({ a: twoInputs }))).toEqual(['components.a.nodes[2].params.name: two graph inputs are named "image" (also nodes[0]); an instance\'s sockets need distinct names']);
  });

  it('checks inner nodes and edges with their paths, and an instance param against the inner schema', () => {
    const bad = withComponents({ a: { ...passThrough([{ id: 'blur', type: 'filter.gaussianBlur', params: { sigma: -1 } }]) } });
    expect(issues(bad)).toEqual(['components.a.nodes[2].params.sigma: -1 is below the minimum 0']);
    const doc = designDoc();
    (doc.nodes as Doc[])[1]!.params = { sigma: 99 };
    expect(issues(doc)).toEqual(['nodes[1].params.sigma: 99 is above the maximum 50']);
    const typed = withComponents(
      { a: passThrough() },
      [{ id: 'm', type: 'mask.rectangle' }, { id: 'i', type: 'component', component: 'a' }, { id: 'p', type: 'inpaint' }],
      [{ from: { node: 'i', port: 'image' }, to: { node: 'p', port: 'mask' } }],
    );
    expect(issues(typed)).toEqual(['edges[0]: cannot connect image output i.image to mask input p.mask']);
  });

  it('a v2 file whose unknown keys are named "components" / "component" loads as before, nothing lost', () => {
    const v2 = { format: 'pixel-loom.graph', version: 2, name: 'old', components: [1, 2], nodes: [{ id: 'm', type: 'filter.median', component: { any: 1 } }], edges: [] };
    const g = parseGraph(v2, registry);
    expect(g.extras).toEqual({ legacyComponents: [1, 2] });
    expect(g.getNode('m')!.extra).toEqual({ legacyComponent: { any: 1 } });
    expect(graphToDocument(g).version).toBe(3);
  });
});

describe('components in the engine', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });
  const host = createNodeHost({ baseDir: __dirname, maxImageSide: 4096 });

  async function bytesOf(v: unknown): Promise<number[]> {
    if (typeof v === 'number') return [v];
    return [...new Uint8Array(((await (v as tf.Tensor).data()) as Float32Array).buffer)];
  }

  it('an instance evaluates bit for bit as the flattened graph; two equal instances compute once', async () => {
    const e1 = new Engine({ registry, host });
    const g = parseGraph(designDoc(), registry);
    const baseline = tf.memory().numTensors;
    const r = await e1.evaluate(g, ['s2']);
    expect([...r.errors.keys()]).toEqual([]);
    const flat = parseGraph(designFlat(), registry);
    const e2 = new Engine({ registry, host });
    const rf = await e2.evaluate(flat, ['d']);
    expect(await bytesOf(r.value('s2', 'image'))).toEqual(await bytesOf(rf.value('d', 'image')));
    expect(await bytesOf(r.value('s1', 'image'))).toEqual(await bytesOf(rf.value('b', 'image')));
    expect(await bytesOf(r.value('s2/blur', 'image'))).toEqual(await bytesOf(rf.value('c', 'image')));
    expect(r.status.get('s1')).toBe('ok');
    expect([...r.status.keys()].sort()).toEqual(['s1', 's1/blur', 's1/sharp', 's2', 's2/blur', 's2/sharp', 'src']);
    expect(e1.stats.computes).toBe(5);
    r.release();
    rf.release();

    // Two instances, same input and params: the second is served by the signature cache.
    const twin = designDoc();
    (twin.nodes as Doc[])[2]!.params = { sigma: 2 };
    twin.edges = [
      { from: { node: 'src', port: 'image' }, to: { node: 's1', port: 'image' } },
      { from: { node: 'src', port: 'image' }, to: { node: 's2', port: 'image' } },
    ];
    const e3 = new Engine({ registry, host });
    const r3 = await e3.evaluate(parseGraph(twin, registry), ['s1', 's2']);
    expect(e3.stats.computes).toBe(3);
    expect(r3.status.get('s2/blur')).toBe('cached');
    expect(r3.status.get('s2')).toBe('cached');
    r3.release();
    for (const e of [e1, e2, e3]) e.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('status events: each instance follows the nodes inside it, ending as its result says', async () => {
    const engine = new Engine({ registry, host });
    const seen: string[] = [];
    const r = await engine.evaluate(parseGraph(designDoc(), registry), ['s2'], { onEvent: (e) => e.type === 'status' && e.node === 's1' && seen.push(e.status) });
    expect(seen).toEqual(['queued', 'running', 'ok']);
    expect(r.status.get('s1')).toBe('ok');
    r.release();
    const again: string[] = [];
    const r2 = await engine.evaluate(parseGraph(designDoc(), registry), ['s2'], { onEvent: (e) => e.type === 'status' && e.node === 's2' && again.push(e.status) });
    expect(again.at(-1)).toBe('cached');
    r2.release();
    engine.dispose();
  });

  it('errors name the path; the instance shows the inner error; the rest still evaluates', async () => {
    const doc = designDoc();
    const soften = (doc.components as Doc).soften as Doc;
    (soften.nodes as Doc[])[1]!.params = { sigma: 60 };
    (soften.params as unknown[]).length = 0;
    (doc.nodes as Doc[])[1]!.params = {};
    const g = parseGraph(doc, registry, { deferParamChecks: true });
    const engine = new Engine({ registry, host });
    const r = await engine.evaluate(g, ['s2', 'src']);
    expect(r.errors.get('s1/blur')!.message).toMatch(/^node "s1\/blur" \(filter.gaussianBlur\).*sigma.*60 is above the maximum 50/);
    expect(r.errors.get('s1')!.message).toBe(r.errors.get('s1/blur')!.message);
    expect(r.status.get('s2')).toBe('error');
    expect(r.status.get('src')).toBe('ok');
    r.release();
    engine.dispose();
  });

  it('nests three deep; promoted params pass through every level; a number input gives its default', async () => {
    const inner = {
      nodes: [
        { id: 'in', type: 'graph.input', params: { name: 'image' } },
        { id: 'blur', type: 'filter.gaussianBlur', params: { sigma: 0.5 } },
        { id: 'out', type: 'graph.output', params: { name: 'image' } },
      ],
      edges: [
        { from: { node: 'in', port: 'value' }, to: { node: 'blur', port: 'image' } },
        { from: { node: 'blur', port: 'image' }, to: { node: 'out', port: 'value' } },
      ],
      params: [{ name: 'sigma', node: 'blur', param: 'sigma' }],
    };
    const wrap = (uses: string) => ({
      nodes: [
        { id: 'in', type: 'graph.input', params: { name: 'image' } },
        { id: 'k', type: 'component', component: uses },
        { id: 'out', type: 'graph.output', params: { name: 'image' } },
      ],
      edges: [
        { from: { node: 'in', port: 'value' }, to: { node: 'k', port: 'image' } },
        { from: { node: 'k', port: 'image' }, to: { node: 'out', port: 'value' } },
      ],
      params: [{ name: 'sigma', node: 'k', param: 'sigma' }],
    });
    const doc = withComponents({ l3: wrap('l2'), l2: wrap('l1'), l1: inner }, [noise(), { id: 'top', type: 'component', component: 'l3', params: { sigma: 1.25 } }], [
      { from: { node: 'src', port: 'image' }, to: { node: 'top', port: 'image' } },
    ]);
    const g = parseGraph(doc, registry);
    const flat = flattenGraph(g);
    expect(flat.graph.nodeIds()).toEqual(['src', 'top/k/k/blur']);
    expect(flat.graph.getNode('top/k/k/blur')!.params).toEqual({ sigma: 1.25 });
    expect(flat.inside('top')).toEqual(['top/k/k/blur']);
    const engine = new Engine({ registry, host });
    const r = await engine.evaluate(g, ['top']);
    const ref = new Engine({ registry, host });
    const plain = parseGraph(
      { format: 'pixel-loom.graph', version: 3, name: 'p', nodes: [noise(), { id: 'b', type: 'filter.gaussianBlur', params: { sigma: 1.25 } }], edges: [{ from: { node: 'src', port: 'image' }, to: { node: 'b', port: 'image' } }] },
      registry,
    );
    const rp = await ref.evaluate(plain, ['b']);
    expect(await bytesOf(r.value('top', 'image'))).toEqual(await bytesOf(rp.value('b', 'image')));
    expect(r.value('top/k', 'image')).toBe(r.value('top', 'image'));
    r.release();
    rp.release();

    // graph.input of kind number, unconnected: its default flows in.
    const numeric = withComponents(
      {
        n: {
          nodes: [
            { id: 'k', type: 'graph.input', params: { name: 'k', kind: 'number', default: 0.25 } },
            { id: 'out', type: 'graph.output', params: { name: 'k' } },
          ],
          edges: [{ from: { node: 'k', port: 'value' }, to: { node: 'out', port: 'value' } }],
        },
      },
      [{ id: 'i', type: 'component', component: 'n' }],
    );
    const gn = parseGraph(numeric, registry);
    expect(gn.definitionOf('i')!.outputs).toEqual({ k: { type: 'number' } });
    const rn = await engine.evaluate(gn, ['i']);
    expect(rn.value('i', 'k')).toBe(0.25);
    rn.release();
    engine.dispose();
    ref.dispose();
  });

  it('a muted instance mutes every node inside; a bypassed one passes its input through', async () => {
    const engine = new Engine({ registry, host });
    const doc = designDoc();
    (doc.nodes as Doc[])[1]!.mode = 'bypass';
    const g = parseGraph(doc, registry);
    const r = await engine.evaluate(g, ['s1', 's2']);
    expect(r.value('s1', 'image')).toBe(r.value('src', 'image'));
    expect(r.status.has('s1/blur')).toBe(false);
    r.release();
    (doc.nodes as Doc[])[1]!.mode = 'mute';
    const rm = await engine.evaluate(parseGraph(doc, registry), ['s2']);
    // A muted node needs nothing: s1/blur is not even planned.
    expect(rm.status.get('s1/sharp')).toBe('muted');
    expect(rm.status.has('s1/blur')).toBe(false);
    expect(rm.status.get('s2/sharp')).toBe('muted');
    expect(rm.muted.get('s2/sharp')).toBe('s1/sharp');
    expect(rm.status.get('s1')).toBe('muted');
    rm.release();
    engine.dispose();
  });

  it('make component → evaluate → ungroup gives the same results and the same file except nothing', async () => {
    const g = parseGraph(designFlat(), registry);
    const before = serializeGraph(g);
    const id = makeComponent(g, ['b', 'c'], { component: 'mid', name: 'Middle' });
    expect(id).toBe('c1');
    const def = g.definitionOf(id)!;
    expect(Object.keys(def.inputs)).toEqual(['image']);
    expect(Object.keys(def.outputs)).toEqual(['image']);
    const engine = new Engine({ registry, host });
    const r = await engine.evaluate(g, ['d']);
    const ref = new Engine({ registry, host });
    const rr = await ref.evaluate(parseGraph(designFlat(), registry), ['d']);
    expect(await bytesOf(r.value('d', 'image'))).toEqual(await bytesOf(rr.value('d', 'image')));
    r.release();
    rr.release();
    engine.dispose();
    ref.dispose();
    // Survives the file.
    const again = parseGraph(serializeGraph(g), registry);
    expect(serializeGraph(again)).toBe(serializeGraph(g));
    expect(ungroupInstance(again, id)).toEqual(['b', 'c']);
    const after = JSON.parse(serializeGraph(again)) as Doc;
    const orig = JSON.parse(before) as Doc;
    // Same nodes (the instance's position aside the nodes keep theirs), same wires as sets.
    expect((after.nodes as Doc[]).map((n) => n.id).sort()).toEqual((orig.nodes as Doc[]).map((n) => n.id).sort());
    const wires = (d: Doc) => (d.edges as { from: { node: string; port: string }; to: { node: string; port: string } }[]).map((e) => `${e.from.node}.${e.from.port}>${e.to.node}.${e.to.port}`).sort();
    expect(wires(after)).toEqual(wires(orig));
    expect(after.components).toBeUndefined();
  });

  it('make component refuses a selection a path leaves and re-enters, changing nothing', () => {
    const g = parseGraph(designFlat(), registry);
    const before = serializeGraph(g);
    expect(() => makeComponent(g, ['a', 'c'])).toThrow('make component: node "b" is fed by the selection and feeds it; select it too');
    expect(serializeGraph(g)).toBe(before);
  });

  it('containsProblem names the chain an edit would close', () => {
    const g = parseGraph(withComponents({ a: passThrough([{ id: 'k', type: 'component', component: 'b' }]), b: passThrough() }), registry);
    expect(containsProblem(g, 'b', 'a')).toBe('component "b" would contain itself: b → a → b');
    expect(containsProblem(g, 'a', 'a')).toBe('component "a" cannot contain itself');
    expect(containsProblem(g, 'a', 'b')).toBeNull();
  });
});
