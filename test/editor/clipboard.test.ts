import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../src/engine/format';
import { parseGraph } from '../../src/engine/format';
import { copyFragment, fragmentFromText, fragmentInputs, fragmentToText, planPaste } from '../../src/editor/logic/clipboard';
import { createRegistry } from '../../src/nodes/index';

const doc: GraphDocument = {
  format: 'pixel-loom.graph',
  version: 1,
  name: 'g',
  nodes: [
    { id: 'load1', type: 'image.load', params: { source: 'a.png' }, position: { x: 0, y: 100 } },
    { id: 'gaussian1', type: 'noise.gaussian', params: { sigma: 0.2 }, position: { x: 300, y: 100 } },
    { id: 'median1', type: 'filter.median', params: {}, position: { x: 600, y: 40 } },
    { id: 'ssim1', type: 'metric.ssim', params: {}, position: { x: 900, y: 0 } },
  ],
  edges: [
    { from: { node: 'load1', port: 'image' }, to: { node: 'gaussian1', port: 'image' } },
    { from: { node: 'gaussian1', port: 'image' }, to: { node: 'median1', port: 'image' } },
    { from: { node: 'load1', port: 'image' }, to: { node: 'ssim1', port: 'a' } },
    { from: { node: 'median1', port: 'image' }, to: { node: 'ssim1', port: 'b' } },
  ],
};

describe('clipboard fragments', () => {
  it('copies the chosen nodes and only the edges among them', () => {
    const f = copyFragment(doc, ['gaussian1', 'median1']);
    expect(f.nodes.map((n) => n.id)).toEqual(['gaussian1', 'median1']);
    expect(f.edges).toEqual([{ from: { node: 'gaussian1', port: 'image' }, to: { node: 'median1', port: 'image' } }]);
    // a deep copy: editing the fragment leaves the document alone
    f.nodes[0]!.params.sigma = 0.9;
    expect(doc.nodes[1]!.params.sigma).toBe(0.2);
  });

  it('is a graph document that survives the text round trip and loads with the engine', () => {
    const text = fragmentToText(copyFragment(doc, ['load1', 'gaussian1']));
    const back = fragmentFromText(text)!;
    expect(back.nodes.map((n) => n.id)).toEqual(['load1', 'gaussian1']);
    const g = parseGraph(back, createRegistry());
    expect(g.edges).toHaveLength(1);
  });

  it('ignores text that is not a pixel-loom graph and explains a broken one', () => {
    expect(fragmentFromText('hello')).toBeNull();
    expect(fragmentFromText('{"format":"other"}')).toBeNull();
    expect(() => fragmentFromText('{"format":"pixel-loom.graph","nodes":3}')).toThrow(/no "nodes" array/);
    expect(() => fragmentFromText('{"format":"pixel-loom.graph","nodes":[{"id":1}]}')).toThrow(/nodes\[0\] needs a string "id" and "type"/);
  });

  it('pastes with fresh ids, remapped edges and the box moved to the target', () => {
    const f = copyFragment(doc, ['gaussian1', 'median1', 'ssim1']);
    const taken = new Set(doc.nodes.map((n) => n.id));
    const plan = planPaste(f, (id) => taken.has(id), { x: 1000, y: 500 });
    expect(plan.nodes.map((n) => n.id)).toEqual(['gaussian2', 'median2', 'ssim2']);
    expect([...plan.idMap]).toEqual([
      ['gaussian1', 'gaussian2'],
      ['median1', 'median2'],
      ['ssim1', 'ssim2'],
    ]);
    // the fragment's top-left (300, 0) moves to (1000, 500)
    expect(plan.nodes.map((n) => n.position)).toEqual([
      { x: 1000, y: 600 },
      { x: 1300, y: 540 },
      { x: 1600, y: 500 },
    ]);
    // edge load1 → ssim1.a left the fragment; the internal ones are remapped
    expect(plan.edges).toEqual([
      { from: { node: 'gaussian2', port: 'image' }, to: { node: 'median2', port: 'image' } },
      { from: { node: 'median2', port: 'image' }, to: { node: 'ssim2', port: 'b' } },
    ]);
    expect(plan.nodes[0]!.params).toEqual({ sigma: 0.2 });
  });

  it('pastes into a graph that has none of the ids under the original ids', () => {
    const f = copyFragment(doc, ['load1', 'gaussian1']);
    const plan = planPaste(f, () => false, { x: 10, y: 20 }, true);
    expect(plan.nodes.map((n) => n.id)).toEqual(['load1', 'gaussian1']);
    expect(plan.nodes.map((n) => n.position)).toEqual([
      { x: 10, y: 120 },
      { x: 310, y: 120 },
    ]);
  });

  it('keeps unknown node types and extra keys when pasting', () => {
    const f: GraphDocument = { ...doc, nodes: [{ id: 'x1', type: 'future.node', params: { k: [1, 2] }, position: { x: 0, y: 0 }, color: 'red' }], edges: [] };
    const plan = planPaste(f, (id) => id === 'x1', { x: 0, y: 0 });
    expect(plan.nodes[0]).toEqual({ id: 'x2', type: 'future.node', params: { k: [1, 2] }, position: { x: 0, y: 0 }, color: 'red' });
  });

  it('paste with connections: the wires into the copied nodes from nodes not copied come back when those nodes exist', () => {
    const f = copyFragment(doc, ['median1', 'ssim1']);
    // gaussian1 → median1 and load1 → ssim1.a come from nodes that were not copied
    expect(fragmentInputs(fragmentFromText(fragmentToText(f))!)).toEqual([
      { from: { node: 'gaussian1', port: 'image' }, to: { node: 'median1', port: 'image' } },
      { from: { node: 'load1', port: 'image' }, to: { node: 'ssim1', port: 'a' } },
    ]);
    const taken = new Set(doc.nodes.map((n) => n.id));
    const plain = planPaste(f, (id) => taken.has(id), { x: 0, y: 0 });
    expect(plain.edges).toEqual([{ from: { node: 'median2', port: 'image' }, to: { node: 'ssim2', port: 'b' } }]);
    // pasted into a graph that has load1 but not gaussian1: only load1's wire is kept
    const withInputs = planPaste(f, (id) => taken.has(id), { x: 0, y: 0 }, false, (id) => id === 'load1');
    expect(withInputs.edges).toEqual([
      { from: { node: 'median2', port: 'image' }, to: { node: 'ssim2', port: 'b' } },
      { from: { node: 'load1', port: 'image' }, to: { node: 'ssim2', port: 'a' } },
    ]);
    // a fragment whose nodes were all copied together has no inputs to keep
    expect(fragmentInputs(copyFragment(doc, ['load1', 'gaussian1']))).toEqual([]);
    // malformed entries are ignored
    expect(fragmentInputs({ ...f, ui: { inputs: [{ from: 3 }, null] } })).toEqual([]);
  });
});
