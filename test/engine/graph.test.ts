import { describe, expect, it } from 'vitest';
import { GraphError } from '../../src/engine/errors';
import { Graph, type GraphEvent } from '../../src/engine/graph';
import { toyRegistry } from '../helpers/graphToys';

// Structural tests: exact values, no numeric tolerance involved.

function chain(): Graph {
  const g = new Graph(toyRegistry(), { name: 'chain' });
  g.addNode({ id: 'src', type: 'toy.source' });
  g.addNode({ id: 'blur', type: 'toy.blur', params: { sigma: 2 } });
  g.addNode({ id: 'score', type: 'toy.score' });
  g.connect({ node: 'src', port: 'image' }, { node: 'blur', port: 'image' });
  g.connect({ node: 'src', port: 'image' }, { node: 'score', port: 'a' });
  g.connect({ node: 'blur', port: 'image' }, { node: 'score', port: 'b' });
  return g;
}

function thrown(f: () => unknown): GraphError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(GraphError);
    return e as GraphError;
  }
  throw new Error('expected a GraphError, nothing was thrown');
}

describe('Graph construction and reading', () => {
  it('has a default name, and takes name and description', () => {
    expect(new Graph(toyRegistry()).name).toBe('Untitled');
    const g = new Graph(toyRegistry(), { name: 'x', description: 'd' });
    expect([g.name, g.description]).toEqual(['x', 'd']);
  });

  it('adds nodes with explicit params only, defaults merged by effectiveParams', () => {
    const g = chain();
    expect(g.nodeIds()).toEqual(['src', 'blur', 'score']);
    const blur = g.getNode('blur')!;
    expect(blur.type).toBe('toy.blur');
    expect({ ...blur.params }).toEqual({ sigma: 2 });
    expect(blur.position).toEqual({ x: 0, y: 0 });
    expect({ ...g.effectiveParams('blur') }).toEqual({ sigma: 2, mode: 'fast', size: 3 });
    expect(g.definitionOf('blur')?.type).toBe('toy.blur');
    expect(g.definitionOf('nope')).toBeUndefined();
    expect(Object.isFrozen(blur)).toBe(true);
  });

  it('indexes edges by input and by source', () => {
    const g = chain();
    expect(g.edges).toHaveLength(3);
    expect(g.edgeInto('score', 'b')?.from).toEqual({ node: 'blur', port: 'image' });
    expect(g.edgeInto('score', 'nope')).toBeUndefined();
    expect(g.edgesFrom('src').map((e) => `${e.to.node}.${e.to.port}`)).toEqual(['blur.image', 'score.a']);
    expect(g.edgesFrom('score')).toEqual([]);
  });

  it('returns a new frozen edges array after each change (snapshots stay valid)', () => {
    const g = chain();
    const before = g.edges;
    g.disconnect({ node: 'score', port: 'b' });
    expect(before).toHaveLength(3);
    expect(g.edges).toHaveLength(2);
    expect(Object.isFrozen(g.edges)).toBe(true);
  });

  it('assigns ids n1, n2, … skipping used ones', () => {
    const g = new Graph(toyRegistry());
    g.addNode({ id: 'n2', type: 'toy.mask' });
    expect(g.addNode({ type: 'toy.mask' }).id).toBe('n1');
    expect(g.addNode({ type: 'toy.mask' }).id).toBe('n3');
    g.removeNode('n1');
    expect(g.addNode({ type: 'toy.mask' }).id).toBe('n4');
  });

  it('lists sinks: nodes feeding nothing plus every image.save, placeholders included', () => {
    const g = chain();
    g.addNode({ id: 'save', type: 'image.save' });
    g.connect({ node: 'blur', port: 'image' }, { node: 'save', port: 'image' });
    g.addNode({ id: 'ph', type: 'future.node', allowUnknownType: true });
    expect(g.sinks()).toEqual(['score', 'save', 'ph']);
  });
});

describe('Graph.addNode refusals', () => {
  it('refuses an unknown type, suggesting a close one', () => {
    const e = thrown(() => new Graph(toyRegistry()).addNode({ id: 'b', type: 'toy.blurr' }));
    expect(e.message).toBe('unknown node type "toy.blurr" for node "b" (did you mean toy.blur?)');
  });

  it('keeps an unknown type as a placeholder when allowed, params and extra verbatim', () => {
    const g = new Graph(toyRegistry());
    const n = g.addNode({ id: 'p', type: 'future.node', params: { z: [1, { a: 2 }], a: 'x' }, extra: { color: 'red' }, allowUnknownType: true });
    expect(Object.keys(n.params)).toEqual(['z', 'a']);
    expect(n.params.z).toEqual([1, { a: 2 }]);
    expect(n.extra).toEqual({ color: 'red' });
    expect(g.isPlaceholder('p')).toBe(true);
    expect(g.definitionOf('p')).toBeUndefined();
    expect(g.effectiveParams('p')).toEqual({ z: [1, { a: 2 }], a: 'x' });
    expect(thrown(() => g.setParam('p', 'a', 'y')).message).toContain('unknown type "future.node" (placeholder)');
  });

  it('refuses a duplicate id', () => {
    const g = chain();
    expect(thrown(() => g.addNode({ id: 'blur', type: 'toy.mask' })).message).toBe('duplicate node id "blur": a toy.blur node already has it');
  });

  it.each([
    ['', 'a node id must not be empty'],
    ['a\nb', 'contains a control character'],
    ['x\u0085', 'contains a control character'],
    ['__proto__', '"__proto__" is reserved'],
    ['constructor', '"constructor" is reserved'],
    ['prototype', '"prototype" is reserved'],
  ])('refuses the id %j', (id, reason) => {
    const e = thrown(() => new Graph(toyRegistry()).addNode({ id, type: 'toy.mask' }));
    expect(e.message).toContain('invalid node id');
    expect(e.message).toContain(reason);
  });

  it('refuses a non-string id and an empty type', () => {
    expect(thrown(() => new Graph(toyRegistry()).addNode({ id: 5 as unknown as string, type: 'toy.mask' })).message).toContain('expected a node id string, got 5');
    expect(thrown(() => new Graph(toyRegistry()).addNode({ type: '' })).message).toContain('a node type must be a non-empty string');
  });

  it('validates params, naming node, param and bound', () => {
    const g = new Graph(toyRegistry());
    expect(thrown(() => g.addNode({ id: 'noisy', type: 'toy.blur', params: { sigma: -1 } })).message).toBe('node "noisy" param sigma: -1 is below the minimum 0');
    expect(thrown(() => g.addNode({ id: 'b', type: 'toy.blur', params: { sigma: 11 } })).message).toBe('node "b" param sigma: 11 is above the maximum 10');
    expect(thrown(() => g.addNode({ id: 'b', type: 'toy.blur', params: { size: 4 } })).message).toBe('node "b" param size: 4 must be odd');
    expect(thrown(() => g.addNode({ id: 'b', type: 'toy.blur', params: { mode: 'slow' } })).message).toBe('node "b" param mode: "slow" is not one of fast, exact');
    expect(thrown(() => g.addNode({ id: 'b', type: 'toy.blur', params: { sigma: '2' } })).message).toContain('node "b" param sigma: expected a number');
    expect(thrown(() => g.addNode({ id: 'b', type: 'toy.blur', params: { sigma: NaN } })).message).toBe('node "b" param sigma: NaN is not a finite number');
    expect(thrown(() => g.addNode({ id: 'b', type: 'toy.blur', params: { sigma: Infinity } })).message).toBe('node "b" param sigma: Infinity is not a finite number');
    expect(thrown(() => g.addNode({ id: 'b', type: 'toy.blur', params: { radius: 1 } })).message).toContain('node "b" param radius: unknown parameter "radius" of toy.blur (known: sigma, mode, size)');
    expect(thrown(() => g.addNode({ id: 'r', type: 'toy.range', params: { low: 2 } })).message).toBe('node "r": low (2) must be below high (1)');
    expect(g.nodeIds()).toEqual([]);
  });

  it('refuses bad positions and extras', () => {
    const g = new Graph(toyRegistry());
    expect(thrown(() => g.addNode({ id: 'a', type: 'toy.mask', position: { x: NaN, y: 0 } })).message).toBe('node "a" position.x: expected a finite number, got NaN');
    expect(thrown(() => g.addNode({ id: 'a', type: 'toy.mask', extra: { params: 1 } })).message).toContain('extra key "params" collides');
    expect(thrown(() => g.addNode({ id: 'a', type: 'toy.mask', extra: { note: { v: Infinity } } })).message).toContain('node "a" note.v: Infinity cannot be stored');
    expect(thrown(() => g.addNode({ id: 'a', type: 'toy.mask', extra: { when: new Date(0) } })).message).toContain('an object of class Date is not JSON data');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(thrown(() => g.addNode({ id: 'a', type: 'toy.mask', extra: { c: cyclic } })).message).toContain('node "a" c.self: circular reference');
  });

  it('refuses __proto__ params and extra keys (from JSON.parse) and leaves Object.prototype untouched', () => {
    const g = new Graph(toyRegistry());
    const params = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    expect(thrown(() => g.addNode({ id: 'a', type: 'toy.blur', params })).message).toContain('param __proto__: the key "__proto__" is not allowed');
    expect(thrown(() => g.addNode({ id: 'a', type: 'x.y', params, allowUnknownType: true })).message).toContain('param __proto__');
    const extra = JSON.parse('{"deep": {"__proto__": {"polluted": true}}}') as Record<string, unknown>;
    expect(thrown(() => g.addNode({ id: 'a', type: 'toy.mask', extra })).message).toContain('deep.__proto__: the key "__proto__" is not allowed');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('stores constructor/prototype as plain data in placeholder params', () => {
    const g = new Graph(toyRegistry());
    const n = g.addNode({ id: 'a', type: 'x.y', params: JSON.parse('{"constructor": {"prototype": 1}}') as Record<string, unknown>, allowUnknownType: true });
    expect(Object.keys(n.params)).toEqual(['constructor']);
    expect(n.params.constructor).toEqual({ prototype: 1 });
    expect(typeof ({} as { constructor: unknown }).constructor).toBe('function');
  });

  it('copies inputs: later mutation of the caller object does not change the graph', () => {
    const g = new Graph(toyRegistry());
    const kernel = [[0, 1, 0], [1, 1, 1], [0, 1, 0]];
    g.addNode({ id: 'k', type: 'toy.kernel', params: { kernel } });
    kernel[0]![0] = 9;
    expect(g.getNode('k')!.params.kernel).toEqual([[0, 1, 0], [1, 1, 1], [0, 1, 0]]);
  });
});

describe('Graph.connect refusals', () => {
  it('refuses a missing node, suggesting a close id', () => {
    const g = chain();
    expect(thrown(() => g.connect({ node: 'src', port: 'image' }, { node: 'blurr', port: 'image' })).message).toBe(
      'connect src.image → blurr.image: no node "blurr" (did you mean "blur"?)',
    );
    expect(thrown(() => g.connect({ node: 'zzz', port: 'image' }, { node: 'blur', port: 'image' })).message).toBe('connect zzz.image → blur.image: no node "zzz"');
  });

  it('refuses an unknown port, listing the node ports', () => {
    const g = chain();
    expect(thrown(() => g.connect({ node: 'src', port: 'img' }, { node: 'score', port: 'a' })).message).toBe(
      'connect src.img → score.a: node "src" (toy.source) has no output port "img"; its outputs: image',
    );
    g.disconnect({ node: 'score', port: 'a' });
    expect(thrown(() => g.connect({ node: 'src', port: 'image' }, { node: 'score', port: 'c' })).message).toBe(
      'connect src.image → score.c: node "score" (toy.score) has no input port "c"; its inputs: a, b',
    );
    // an output port name used as an input
    expect(thrown(() => g.connect({ node: 'src', port: 'image' }, { node: 'score', port: 'ssim' })).message).toContain('has no input port "ssim"');
  });

  it('refuses a port type mismatch and accepts mask → image', () => {
    const g = chain();
    g.addNode({ id: 'b2', type: 'toy.blur' });
    expect(thrown(() => g.connect({ node: 'score', port: 'ssim' }, { node: 'b2', port: 'image' })).message).toBe(
      'cannot connect number output score.ssim to image input b2.image',
    );
    g.addNode({ id: 'm', type: 'toy.mask' });
    g.addNode({ id: 's', type: 'toy.scale' });
    expect(() => g.connect({ node: 'm', port: 'mask' }, { node: 'b2', port: 'image' })).not.toThrow();
    expect(thrown(() => g.connect({ node: 'b2', port: 'image' }, { node: 's', port: 'mask' })).message).toBe('cannot connect image output b2.image to mask input s.mask');
    expect(() => g.connect({ node: 'score', port: 'ssim' }, { node: 's', port: 'factor' })).not.toThrow();
  });

  it('refuses a second edge into an input', () => {
    const g = chain();
    expect(thrown(() => g.connect({ node: 'src', port: 'image' }, { node: 'score', port: 'b' })).message).toBe(
      'input score.b already has an edge from blur.image; an input takes one edge',
    );
  });

  it('refuses a self-loop and a cycle, naming the cycle', () => {
    const g = new Graph(toyRegistry());
    for (const id of ['a', 'b', 'c']) g.addNode({ id, type: 'toy.blur' });
    expect(thrown(() => g.connect({ node: 'a', port: 'image' }, { node: 'a', port: 'image' })).message).toBe(
      'connecting a.image → a.image would connect node "a" to itself',
    );
    g.connect({ node: 'a', port: 'image' }, { node: 'b', port: 'image' });
    g.connect({ node: 'b', port: 'image' }, { node: 'c', port: 'image' });
    expect(thrown(() => g.connect({ node: 'c', port: 'image' }, { node: 'a', port: 'image' })).message).toBe(
      'connecting c.image → a.image would close the cycle c → a → b → c',
    );
    expect(g.edges).toHaveLength(2);
  });

  it('accepts edges touching placeholders without port checks, but still one edge per input and no cycles', () => {
    const g = new Graph(toyRegistry());
    g.addNode({ id: 'src', type: 'toy.source' });
    g.addNode({ id: 'ph', type: 'future.node', allowUnknownType: true });
    g.addNode({ id: 'b', type: 'toy.blur' });
    g.connect({ node: 'src', port: 'image' }, { node: 'ph', port: 'anything' });
    g.connect({ node: 'ph', port: 'out7' }, { node: 'b', port: 'image' });
    expect(thrown(() => g.connect({ node: 'ph', port: 'x' }, { node: 'b', port: 'nope' })).message).toContain('has no input port "nope"');
    expect(thrown(() => g.connect({ node: 'src', port: 'image' }, { node: 'ph', port: 'anything' })).message).toContain('already has an edge');
    expect(thrown(() => g.connect({ node: 'b', port: 'image' }, { node: 'ph', port: 'z' })).message).toBe('connecting b.image → ph.z would close the cycle b → ph → b');
    expect(thrown(() => g.connect({ node: 'src', port: 'image' }, { node: 'ph', port: '' })).message).toContain('a port name must not be empty');
  });

  it('keeps edge extra keys and refuses colliding or non-JSON ones', () => {
    const g = chain();
    g.disconnect({ node: 'score', port: 'b' });
    const e = g.connect({ node: 'blur', port: 'image' }, { node: 'score', port: 'b' }, { color: '#f00' });
    expect(e.extra).toEqual({ color: '#f00' });
    g.disconnect({ node: 'score', port: 'b' });
    expect(thrown(() => g.connect({ node: 'blur', port: 'image' }, { node: 'score', port: 'b' }, { to: 1 })).message).toContain('extra key "to" collides');
    expect(thrown(() => g.connect({ node: 'blur', port: 'image' }, { node: 'score', port: 'b' }, { w: NaN })).message).toContain('w: NaN cannot be stored');
  });

  it('checkConnect reports the field without throwing', () => {
    const g = chain();
    expect(g.checkConnect({ node: 'src', port: 'image' }, { node: 'nope', port: 'image' })).toEqual({ field: 'to.node', message: 'no node "nope"' });
    expect(g.checkConnect({ node: 'score', port: 'map' }, { node: 'score', port: 'a' })?.field).toBe('');
  });
});

describe('Graph commands', () => {
  it('disconnect removes the edge; an unconnected input is refused', () => {
    const g = chain();
    g.disconnect({ node: 'blur', port: 'image' });
    expect(g.edgeInto('blur', 'image')).toBeUndefined();
    expect(g.edgesFrom('src').map((e) => e.to.node)).toEqual(['score']);
    expect(thrown(() => g.disconnect({ node: 'blur', port: 'image' })).message).toBe('input blur.image has no edge to disconnect');
    expect(thrown(() => g.disconnect({ node: 'zz', port: 'image' })).message).toBe('no node "zz"');
  });

  it('removeNode removes the node and its edges', () => {
    const g = chain();
    g.removeNode('blur');
    expect(g.nodeIds()).toEqual(['src', 'score']);
    expect(g.edges.map((e) => `${e.from.node}→${e.to.node}`)).toEqual(['src→score']);
    expect(g.edgeInto('score', 'b')).toBeUndefined();
    expect(thrown(() => g.removeNode('blur')).message).toBe('no node "blur"');
    // the id is free again, and a new edge into score.b is accepted
    g.addNode({ id: 'blur', type: 'toy.blur' });
    g.connect({ node: 'blur', port: 'image' }, { node: 'score', port: 'b' });
    expect(g.edges).toHaveLength(2);
  });

  it('setParam validates, keeps other params, and undefined resets to the default', () => {
    const g = chain();
    g.setParam('blur', 'mode', 'exact');
    expect({ ...g.getNode('blur')!.params }).toEqual({ sigma: 2, mode: 'exact' });
    expect(thrown(() => g.setParam('blur', 'sigma', -1)).message).toBe('node "blur" param sigma: -1 is below the minimum 0');
    expect(thrown(() => g.setParam('blur', 'sigmaa', 1)).message).toBe('node "blur" (toy.blur) has no param "sigmaa"; its params: sigma, mode, size');
    expect(thrown(() => g.setParam('blur', '__proto__', 1)).message).toContain('has no param "__proto__"');
    expect(thrown(() => g.setParam('nope', 'sigma', 1)).message).toBe('no node "nope"');
    expect(g.getNode('blur')!.params.sigma).toBe(2);
    g.setParam('blur', 'sigma', undefined);
    expect({ ...g.getNode('blur')!.params }).toEqual({ mode: 'exact' });
    expect(g.effectiveParams('blur').sigma).toBe(1);
  });

  it('setParam runs the cross-param check', () => {
    const g = new Graph(toyRegistry());
    g.addNode({ id: 'r', type: 'toy.range' });
    expect(thrown(() => g.setParam('r', 'high', -1)).message).toBe('node "r": low (0) must be below high (-1)');
    g.setParam('r', 'high', 5);
    expect(g.effectiveParams('r')).toEqual({ low: 0, high: 5 });
  });

  it('replaces node objects on change (old snapshots unchanged)', () => {
    const g = chain();
    const before = g.getNode('blur')!;
    g.setParam('blur', 'sigma', 3);
    g.setPosition('blur', { x: 10, y: -5 });
    expect(before.params.sigma).toBe(2);
    expect(before.position).toEqual({ x: 0, y: 0 });
    expect(g.getNode('blur')!.position).toEqual({ x: 10, y: -5 });
    expect(thrown(() => g.setPosition('blur', { x: 1, y: Infinity })).message).toBe('node "blur" position.y: expected a finite number, got Infinity');
  });

  it('setExtra stores JSON data and refuses graph fields', () => {
    const g = new Graph(toyRegistry());
    g.setExtra('ui', { zoom: 2 });
    expect(g.extras.ui).toEqual({ zoom: 2 });
    expect(thrown(() => g.setExtra('nodes', [])).message).toContain('"nodes" is a graph field');
    expect(thrown(() => g.setExtra('ui', { z: NaN })).message).toContain('ui.z: NaN');
    g.setExtra('ui', undefined);
    expect(Object.keys(g.extras)).toEqual([]);
  });
});

describe('Graph events', () => {
  it('emits one event per change, and on() returns an unsubscribe', () => {
    const g = new Graph(toyRegistry());
    const events: GraphEvent[] = [];
    const off = g.on((e) => events.push(e));
    g.addNode({ id: 'a', type: 'toy.source' });
    g.addNode({ id: 'b', type: 'toy.blur' });
    g.connect({ node: 'a', port: 'image' }, { node: 'b', port: 'image' });
    g.setParam('b', 'sigma', 4);
    g.setParam('b', 'sigma', 4); // unchanged: no event
    g.setParam('b', 'sigma', undefined);
    g.setPosition('b', { x: 1, y: 2 });
    g.setPosition('b', { x: 1, y: 2 }); // unchanged: no event
    g.name = 'renamed';
    g.description = 'about';
    g.disconnect({ node: 'b', port: 'image' });
    g.connect({ node: 'a', port: 'image' }, { node: 'b', port: 'image' });
    g.removeNode('a');
    off();
    g.removeNode('b');
    expect(events.map((e) => e.kind)).toEqual([
      'nodeAdded',
      'nodeAdded',
      'connected',
      'paramChanged',
      'paramChanged',
      'positionChanged',
      'metaChanged',
      'metaChanged',
      'disconnected',
      'connected',
      'disconnected',
      'nodeRemoved',
    ]);
    expect(events[3]).toEqual({ kind: 'paramChanged', id: 'b', name: 'sigma', value: 4 });
    expect(events[4]).toEqual({ kind: 'paramChanged', id: 'b', name: 'sigma', value: undefined });
    expect(events[5]).toEqual({ kind: 'positionChanged', id: 'b', position: { x: 1, y: 2 } });
    expect(events[11]).toEqual({ kind: 'nodeRemoved', id: 'a' });
  });

  it('emits nothing for a refused command', () => {
    const g = chain();
    let count = 0;
    g.on(() => count++);
    expect(() => g.setParam('blur', 'sigma', -1)).toThrow(GraphError);
    expect(() => g.connect({ node: 'src', port: 'image' }, { node: 'score', port: 'a' })).toThrow(GraphError);
    expect(count).toBe(0);
  });

  it('a throwing listener does not stop other listeners or leave a half-done change', () => {
    const g = chain();
    const seen: string[] = [];
    g.on(() => {
      throw new Error('listener bug');
    });
    g.on((e) => seen.push(e.kind));
    expect(() => g.removeNode('blur')).toThrow('listener bug');
    expect(g.getNode('blur')).toBeUndefined();
    expect(seen).toEqual(['disconnected', 'disconnected', 'nodeRemoved']);
  });
});

describe('Graph.setMode (bypass / mute)', () => {
  it('sets, clears and refuses modes, emitting modeChanged only on change', () => {
    const g = new Graph(toyRegistry());
    g.addNode({ id: 'a', type: 'toy.source' });
    g.addNode({ id: 'b', type: 'toy.source', mode: 'mute' });
    expect(g.getNode('b')!.mode).toBe('mute');
    const events: GraphEvent[] = [];
    g.on((e) => events.push(e));
    g.setMode('a', 'bypass');
    g.setMode('a', 'bypass');
    expect(g.getNode('a')!.mode).toBe('bypass');
    g.setMode('a', undefined);
    expect(g.getNode('a')!.mode).toBeUndefined();
    expect('mode' in g.getNode('a')!).toBe(false);
    expect(events).toEqual([
      { kind: 'modeChanged', id: 'a', mode: 'bypass' },
      { kind: 'modeChanged', id: 'a', mode: undefined },
    ]);
    expect(() => g.setMode('a', 'off' as never)).toThrow('node "a" mode: expected "bypass" or "mute" (or no "mode" for an active node), got "off"');
    expect(() => g.setMode('zz', 'mute')).toThrow(GraphError);
    expect(() => g.addNode({ id: 'c', type: 'toy.source', mode: 'x' as never })).toThrow('node "c" mode');
    expect(() => g.addNode({ id: 'd', type: 'toy.source', extra: { mode: 'mute' } })).toThrow('collides with the node field');
  });
});

describe('Graph.setEdgeExtra (reroute points and other view data on an edge)', () => {
  it('sets, replaces and removes one key, keeps the others, and emits edgeChanged', () => {
    const g = chain();
    g.disconnect({ node: 'score', port: 'b' });
    g.connect({ node: 'blur', port: 'image' }, { node: 'score', port: 'b' }, { label: 'x' });
    const events: GraphEvent[] = [];
    g.on((e) => events.push(e));
    g.setEdgeExtra({ node: 'score', port: 'b' }, 'reroute', [{ x: 1, y: 2 }]);
    expect(g.edgeInto('score', 'b')!.extra).toEqual({ label: 'x', reroute: [{ x: 1, y: 2 }] });
    expect(g.edgesFrom('blur')[0]).toBe(g.edgeInto('score', 'b'));
    expect(g.edges.filter((e) => e.to.node === 'score' && e.to.port === 'b')).toEqual([g.edgeInto('score', 'b')]);
    g.setEdgeExtra({ node: 'score', port: 'b' }, 'reroute', undefined);
    g.setEdgeExtra({ node: 'score', port: 'b' }, 'reroute', undefined);
    expect(g.edgeInto('score', 'b')!.extra).toEqual({ label: 'x' });
    expect(events.map((e) => e.kind)).toEqual(['edgeChanged', 'edgeChanged']);
    expect(() => g.setEdgeExtra({ node: 'score', port: 'b' }, 'from', 1)).toThrow('extra key "from" cannot be set');
    expect(() => g.setEdgeExtra({ node: 'score', port: 'zz' }, 'reroute', [])).toThrow('input score.zz has no edge');
    expect(() => g.setEdgeExtra({ node: 'score', port: 'b' }, 'reroute', [Number.NaN])).toThrow('reroute[0]');
    // removing the node drops the changed edge everywhere
    g.removeNode('blur');
    expect(g.edgeInto('score', 'b')).toBeUndefined();
    expect(g.edges).toHaveLength(1);
  });
});
