import { describe, expect, it } from 'vitest';
import { evaluationKeys } from '../../src/engine/evalKey';

const node = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, params });
const edge = (from: string, fromPort: string, to: string, toPort: string) => ({ from: { node: from, port: fromPort }, to: { node: to, port: toPort } });

describe('evaluation keys', () => {
  const base = {
    nodes: [node('load', 'image.load', { source: 'a.png' }), node('median1', 'filter.median', { size: 3 }), node('ssim1', 'metric.ssim')],
    edges: [edge('load', 'image', 'median1', 'image'), edge('load', 'image', 'ssim1', 'a'), edge('median1', 'image', 'ssim1', 'b')],
  };

  it('differ for a re-added node with the same id but no wires (the deleted-node bug)', () => {
    const before = evaluationKeys(base);
    const after = evaluationKeys({ nodes: [node('median1', 'filter.median', { size: 3 }), node('ssim1', 'metric.ssim')], edges: [] });
    expect(after.get('median1')).not.toBe(before.get('median1'));
    expect(after.get('ssim1')).not.toBe(before.get('ssim1'));
  });

  it('are equal for the same computation, whatever the ids, positions or order of nodes and edges', () => {
    const a = evaluationKeys(base);
    const b = evaluationKeys({
      nodes: [node('ssim1', 'metric.ssim'), node('median1', 'filter.median', { size: 3 }), node('load', 'image.load', { source: 'a.png' })],
      edges: [...base.edges].reverse(),
    });
    expect(b).toEqual(a);
  });

  it('change with a param, for the node and every descendant, and for no ancestor', () => {
    const a = evaluationKeys(base);
    const b = evaluationKeys({ ...base, nodes: [base.nodes[0]!, node('median1', 'filter.median', { size: 5 }), base.nodes[2]!] });
    expect(b.get('load')).toBe(a.get('load'));
    expect(b.get('median1')).not.toBe(a.get('median1'));
    expect(b.get('ssim1')).not.toBe(a.get('ssim1'));
  });

  it('tell which input port a wire goes into', () => {
    const swapped = evaluationKeys({ ...base, edges: [edge('load', 'image', 'median1', 'image'), edge('load', 'image', 'ssim1', 'b'), edge('median1', 'image', 'ssim1', 'a')] });
    expect(swapped.get('ssim1')).not.toBe(evaluationKeys(base).get('ssim1'));
  });

  it('handle a 5,000-node chain and a cycle without throwing', () => {
    const nodes = Array.from({ length: 5000 }, (_, i) => node(`n${i}`, 'filter.median', { size: 3 }));
    const edges = nodes.slice(1).map((_, i) => edge(`n${i}`, 'image', `n${i + 1}`, 'image'));
    const keys = evaluationKeys({ nodes, edges });
    expect(new Set(keys.values()).size).toBe(5000);
    const cyc = evaluationKeys({ nodes: [node('a', 't'), node('b', 't')], edges: [edge('a', 'o', 'b', 'i'), edge('b', 'o', 'a', 'i')] });
    expect(cyc.size).toBe(2);
  });
});
