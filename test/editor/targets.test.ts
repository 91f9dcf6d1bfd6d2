import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../src/engine/format';
import { evaluationTargets, intersects, visibleNodeIds, waitingNodes, type Rect } from '../../src/editor/logic/targets';
import { createRegistry } from '../../src/nodes/index';

const catalog = new Map(createRegistry().catalog().map((e) => [e.type, e]));

const doc: GraphDocument = {
  format: 'pixel-loom.graph',
  version: 1,
  name: 'g',
  nodes: [
    { id: 'load', type: 'image.load', params: {}, position: { x: 0, y: 0 } },
    { id: 'noisy', type: 'noise.gaussian', params: {}, position: { x: 0, y: 0 } },
    { id: 'median', type: 'filter.median', params: {}, position: { x: 0, y: 0 } },
    { id: 'blur', type: 'filter.gaussianBlur', params: {}, position: { x: 0, y: 0 } },
    { id: 'ssim', type: 'metric.ssim', params: {}, position: { x: 0, y: 0 } },
    { id: 'future', type: 'future.node', params: {}, position: { x: 0, y: 0 } },
  ],
  edges: [
    { from: { node: 'load', port: 'image' }, to: { node: 'noisy', port: 'image' } },
    { from: { node: 'noisy', port: 'image' }, to: { node: 'median', port: 'image' } },
    { from: { node: 'median', port: 'image' }, to: { node: 'ssim', port: 'a' } },
  ],
};

describe('evaluation targets', () => {
  it('finds nodes that wait for an input, directly or upstream', () => {
    const waiting = waitingNodes(doc, catalog);
    expect([...waiting]).toEqual([
      ['blur', 'connect input "image"'],
      ['ssim', 'connect input "b"'],
    ]);
    const d2: GraphDocument = { ...doc, edges: [...doc.edges, { from: { node: 'blur', port: 'image' }, to: { node: 'ssim', port: 'b' } }] };
    expect(waitingNodes(d2, catalog).get('ssim')).toBe('waiting for node "blur"');
  });

  it('asks for wanted nodes that can run, once each, in order; placeholders are the worker\'s business', () => {
    const waiting = waitingNodes(doc, catalog);
    expect(evaluationTargets(doc, ['median', 'ssim', 'load', 'median', 'gone', 'future'], waiting)).toEqual([{ node: 'median' }, { node: 'load' }, { node: 'future' }]);
  });

  it('picks the nodes whose box meets the viewport (with a margin)', () => {
    const rects = new Map<string, Rect>([
      ['a', { x: 0, y: 0, width: 100, height: 100 }],
      ['b', { x: 500, y: 0, width: 100, height: 100 }],
      ['c', { x: 1000, y: 1000, width: 100, height: 100 }],
    ]);
    expect(visibleNodeIds(rects, { x: 50, y: 50, width: 500, height: 500 })).toEqual(['a', 'b']);
    expect(visibleNodeIds(rects, { x: 601, y: 0, width: 300, height: 300 })).toEqual([]);
    expect(visibleNodeIds(rects, { x: 601, y: 0, width: 300, height: 300 }, 2)).toEqual(['b']);
    expect(intersects({ x: 0, y: 0, width: 10, height: 10 }, { x: 10, y: 0, width: 5, height: 5 })).toBe(false);
  });
});
