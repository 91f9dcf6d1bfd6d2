/**
 * Graph edits that make and undo components (DESIGN.md §2b), shared by the editor's
 * commands and the tests: *Make component* turns a selection into a definition and one
 * instance (boundary wires become its inputs and outputs); *Ungroup* puts an instance's
 * nodes back, with its promoted values, so make → ungroup gives the graph back.
 */
import { COMPONENT_TYPE, GRAPH_INPUT_TYPE, GRAPH_OUTPUT_TYPE, boundaryName, boundaryNodes, sourceType, usesChain } from './components';
import { GraphError } from './errors';
import { Graph } from './graph';
import type { Edge, PortRef, Position } from './types';

function freeId(taken: (id: string) => boolean, base: string): string {
  if (!taken(base)) return base;
  for (let i = 2; ; i++) if (!taken(`${base}${i}`)) return `${base}${i}`;
}

const key = (r: PortRef): string => `${r.node}\u0000${r.port}`;

export interface MakeComponentOptions {
  /** Id of the new definition (default: the first free `component`, `component2`, …). */
  readonly component?: string;
  /** Display name (default: "Component"). */
  readonly name?: string;
  /** Id of the instance node (default: the first free `c1`, `c2`, …). */
  readonly instance?: string;
}

/** Nodes outside `sel` that lie on a path leaving and re-entering it (they would make a cycle). */
function outsideDetours(g: Graph, sel: ReadonlySet<string>): string[] {
  const reach = (starts: Iterable<string>, next: (id: string) => string[]): Set<string> => {
    const seen = new Set<string>();
    const stack = [...starts];
    while (stack.length) {
      for (const n of next(stack.pop()!)) {
        if (sel.has(n) || seen.has(n)) continue;
        seen.add(n);
        stack.push(n);
      }
    }
    return seen;
  };
  const down = reach(sel, (id) => g.edgesFrom(id).map((e) => e.to.node));
  const up = reach(sel, (id) => g.edges.filter((e) => e.to.node === id).map((e) => e.from.node));
  return [...down].filter((n) => up.has(n));
}

/**
 * Replaces the nodes `ids` of `g` by one instance of a new component holding them. Wires
 * from outside into the selection become graph.input nodes (one per source output), wires
 * out of it graph.output nodes (one per source output). Returns the instance id. Throws
 * GraphError (and changes nothing) when the selection is empty, names unknown nodes, or
 * is not closed (a path leaves it and comes back: the instance would be in a cycle).
 */
export function makeComponent(g: Graph, ids: readonly string[], opts: MakeComponentOptions = {}): string {
  const sel = new Set(ids);
  if (sel.size === 0) throw new GraphError('make component: select at least one node');
  for (const id of sel) if (!g.getNode(id)) throw new GraphError(`make component: no node "${id}"`);
  const detours = outsideDetours(g, sel);
  if (detours.length) {
    throw new GraphError(`make component: node${detours.length > 1 ? 's' : ''} ${detours.map((d) => `"${d}"`).join(', ')} ${detours.length > 1 ? 'are' : 'is'} fed by the selection and feed${detours.length > 1 ? '' : 's'} it; select ${detours.length > 1 ? 'them' : 'it'} too`);
  }
  const componentId = opts.component ?? freeId((c) => g.components.has(c), 'component');
  if (g.components.has(componentId)) throw new GraphError(`make component: a component "${componentId}" exists`);
  const inner = new Graph(g.registry, { components: g.components });
  const order = g.nodeIds().filter((id) => sel.has(id));
  const pos = order.map((id) => g.getNode(id)!.position);
  const center: Position = { x: pos.reduce((a, p) => a + p.x, 0) / pos.length, y: pos.reduce((a, p) => a + p.y, 0) / pos.length };
  const minX = Math.min(...pos.map((p) => p.x));
  const maxX = Math.max(...pos.map((p) => p.x));
  for (const id of order) {
    const n = g.getNode(id)!;
    inner.addNode({ id, type: n.type, ...(n.component !== undefined ? { component: n.component } : {}), params: { ...n.params }, position: n.position, ...(n.mode ? { mode: n.mode } : {}), extra: n.extra, allowUnknownType: true, deferParamChecks: true });
  }
  const incoming = g.edges.filter((e) => sel.has(e.to.node) && !sel.has(e.from.node));
  const outgoing = g.edges.filter((e) => sel.has(e.from.node) && !sel.has(e.to.node));
  const innerTaken = (id: string): boolean => inner.getNode(id) !== undefined;
  // Inputs: one per distinct outside source, named after the first consumer's port.
  const inputOf = new Map<string, string>();
  const inputNames = new Set<string>();
  const wiresIn: { from: PortRef; name: string }[] = [];
  for (const e of incoming) {
    const k = key(e.from);
    let name = inputOf.get(k);
    if (name === undefined) {
      name = freeId((x) => inputNames.has(x), e.to.port);
      inputNames.add(name);
      inputOf.set(k, name);
      const kind = sourceType(g, e.from.node, e.from.port);
      const y = inner.getNode(e.to.node)!.position.y;
      inner.addNode({ id: freeId(innerTaken, `in_${name}`), type: GRAPH_INPUT_TYPE, params: { name, kind }, position: { x: minX - 240, y } });
      wiresIn.push({ from: e.from, name });
    }
    const inNode = boundaryNodes(inner, GRAPH_INPUT_TYPE).find((i) => boundaryName(inner, i) === name)!;
    inner.connect({ node: inNode, port: 'value' }, e.to, e.extra);
  }
  for (const e of g.edges) if (sel.has(e.from.node) && sel.has(e.to.node)) inner.connect(e.from, e.to, e.extra);
  // Outputs: one per distinct inside source, named after its port (then node.port).
  const outputOf = new Map<string, string>();
  const outputNames = new Set<string>();
  for (const e of outgoing) {
    const k = key(e.from);
    if (outputOf.has(k)) continue;
    const name = freeId((x) => outputNames.has(x), outputNames.has(e.from.port) ? `${e.from.node}.${e.from.port}` : e.from.port);
    outputNames.add(name);
    outputOf.set(k, name);
    const out = inner.addNode({ id: freeId(innerTaken, `out_${name}`), type: GRAPH_OUTPUT_TYPE, params: { name }, position: { x: maxX + 240, y: inner.getNode(e.from.node)!.position.y } });
    inner.connect(e.from, { node: out.id, port: 'value' });
  }
  g.components.set({ id: componentId, name: opts.name ?? 'Component', graph: inner, params: [], extra: {} });
  const instance = opts.instance ?? freeId((x) => g.getNode(x) !== undefined && !sel.has(x), 'c1');
  if (g.getNode(instance) && !sel.has(instance)) throw new GraphError(`make component: node id "${instance}" is taken`);
  for (const id of order) g.removeNode(id);
  g.addNode({ id: instance, type: COMPONENT_TYPE, component: componentId, position: center });
  for (const w of wiresIn) g.connect(w.from, { node: instance, port: w.name });
  for (const e of outgoing) g.connect({ node: instance, port: outputOf.get(key(e.from))! }, e.to, e.extra);
  return instance;
}

/**
 * Puts the nodes of instance `id` back into `g` in its place, with the instance's promoted
 * values set on them; wires into its inputs go to what its graph.input nodes fed, its
 * outputs' consumers to what fed its graph.output nodes. A number input that nothing feeds
 * stays as its graph.input node (it gives the default). Inner ids are kept where free,
 * else prefixed with the instance id. The definition is dropped when no instance is left.
 * Returns the ids of the nodes put back.
 */
export function ungroupInstance(g: Graph, id: string): string[] {
  const inst = g.getNode(id);
  if (!inst || inst.type !== COMPONENT_TYPE || inst.component === undefined) throw new GraphError(`ungroup: node "${id}" is not a component instance`);
  const def = g.components.get(inst.component);
  if (!def) throw new GraphError(`ungroup: node "${id}" names the unknown component "${inst.component}"`);
  const ig = def.graph;
  const intoInstance = new Map<string, Edge>();
  for (const e of g.edges) if (e.to.node === id) intoInstance.set(e.to.port, e);
  const fromInstance = g.edgesFrom(id);
  const overrides = new Map<string, Record<string, unknown>>();
  for (const p of def.params) {
    if (!Object.prototype.hasOwnProperty.call(inst.params, p.name)) continue;
    overrides.set(p.node, { ...(overrides.get(p.node) ?? {}), [p.param]: inst.params[p.name] });
  }
  const keep = ig.nodeIds().filter((n) => {
    const t = ig.getNode(n)!.type;
    if (t === GRAPH_OUTPUT_TYPE) return false;
    if (t === GRAPH_INPUT_TYPE) return !intoInstance.has(boundaryName(ig, n)) && ig.edgesFrom(n).length > 0;
    return true;
  });
  g.removeNode(id);
  const rename = new Map<string, string>();
  for (const n of keep) rename.set(n, freeId((x) => g.getNode(x) !== undefined || [...rename.values()].includes(x), g.getNode(n) ? `${id}_${n}` : n));
  for (const n of keep) {
    const node = ig.getNode(n)!;
    g.addNode({
      id: rename.get(n)!,
      type: node.type,
      ...(node.component !== undefined ? { component: node.component } : {}),
      params: { ...node.params, ...(overrides.get(n) ?? {}) },
      position: node.position,
      ...(node.mode ? { mode: node.mode } : {}),
      extra: node.extra,
      allowUnknownType: true,
      deferParamChecks: true,
    });
  }
  /** The outer source standing for inner output `ref`, or null. */
  const outer = (ref: PortRef): PortRef | null => {
    const n = ig.getNode(ref.node)!;
    if (n.type === GRAPH_INPUT_TYPE && !rename.has(ref.node)) return intoInstance.get(boundaryName(ig, ref.node))?.from ?? null;
    return { node: rename.get(ref.node)!, port: ref.port };
  };
  for (const e of ig.edges) {
    if (!rename.has(e.to.node)) continue;
    const src = outer(e.from);
    if (src) g.connect(src, { node: rename.get(e.to.node)!, port: e.to.port }, e.extra);
  }
  for (const e of fromInstance) {
    const out = boundaryNodes(ig, GRAPH_OUTPUT_TYPE).find((o) => boundaryName(ig, o) === e.from.port);
    const feed = out === undefined ? undefined : ig.edgeInto(out, 'value');
    const src = feed ? outer(feed.from) : null;
    if (src) g.connect(src, e.to, e.extra);
  }
  if (!usedAnywhere(g, inst.component)) g.components.delete(inst.component);
  return keep.map((n) => rename.get(n)!);
}

/** True when some instance in `g` or in another definition uses component `c`. */
function usedAnywhere(g: Graph, c: string): boolean {
  const uses = (graph: Graph): boolean => graph.nodeIds().some((n) => graph.getNode(n)!.component === c);
  if (uses(g)) return true;
  return g.components.ids().some((other) => other !== c && uses(g.components.get(other)!.graph));
}

/** Why adding an instance of `component` inside definition `host` would make a component contain itself, or null. */
export function containsProblem(g: Graph, host: string, component: string): string | null {
  if (host === component) return `component "${host}" cannot contain itself`;
  const chain = usesChain(g.components, component, host);
  return chain ? `component "${host}" would contain itself: ${[host, ...chain].join(' → ')}` : null;
}

/** A socket name no graph.input (or graph.output) of `g` has yet: `input`, `input2`, … */
export function freeBoundaryName(g: Graph, type: typeof GRAPH_INPUT_TYPE | typeof GRAPH_OUTPUT_TYPE): string {
  const taken = new Set(boundaryNodes(g, type).map((id) => boundaryName(g, id)));
  return freeId((x) => taken.has(x), type === GRAPH_INPUT_TYPE ? 'input' : 'output');
}

/**
 * Make unique: instance `id` of `g` gets a copy of its definition of its own (named
 * "… (copy)"); the other instances keep the shared one. Returns the new component's id.
 */
export function makeUnique(g: Graph, id: string): string {
  const n = g.getNode(id);
  if (!n || n.type !== COMPONENT_TYPE || n.component === undefined) throw new GraphError(`make unique: "${id}" is not a component instance`);
  const def = g.components.get(n.component);
  if (!def) throw new GraphError(`make unique: node "${id}": unknown component "${n.component}"`);
  const copyId = freeId((c) => g.components.has(c), `${def.id}_copy`);
  const inner = new Graph(g.registry, { components: g.components });
  for (const nid of def.graph.nodeIds()) {
    const m = def.graph.getNode(nid)!;
    inner.addNode({ ...m, params: { ...m.params }, allowUnknownType: true, deferParamChecks: true });
  }
  for (const e of def.graph.edges) inner.connect(e.from, e.to, e.extra);
  g.components.set({ ...def, id: copyId, name: `${def.name} (copy)`, graph: inner, params: [...def.params] });
  const edges = g.edges.filter((e) => e.from.node === id || e.to.node === id);
  const order = g.nodeIds();
  g.removeNode(id);
  g.addNode({ ...n, component: copyId, allowUnknownType: true, deferParamChecks: true });
  for (const e of edges) g.connect(e.from, e.to, e.extra);
  keepOrder(g, order);
  return copyId;
}

/** Puts `g`'s nodes back in `order` (a re-added node would otherwise move to the end). */
function keepOrder(g: Graph, order: readonly string[]): void {
  const now = g.nodeIds();
  if (now.every((x, i) => x === order[i])) return;
  g.reorder(order);
}

/**
 * Promotes param `param` of node `node` of definition `component`: every instance shows it
 * under `name` (default: the param's name, made unique). Returns the name.
 */
export function promoteParam(g: Graph, component: string, node: string, param: string, name?: string): string {
  const def = g.components.get(component);
  if (!def) throw new GraphError(`promote: unknown component "${component}"`);
  const spec = def.graph.definitionOf(node)?.params;
  if (!spec || !Object.prototype.hasOwnProperty.call(spec, param)) throw new GraphError(`promote: node "${node}" of component "${component}" has no param "${param}"`);
  if (def.params.some((p) => p.node === node && p.param === param)) throw new GraphError(`promote: ${node}.${param} is promoted already (as "${def.params.find((p) => p.node === node && p.param === param)!.name}")`);
  const taken = new Set(def.params.map((p) => p.name));
  const chosen = name ?? freeId((x) => taken.has(x), param);
  if (taken.has(chosen)) throw new GraphError(`promote: component "${component}" has a promoted param "${chosen}" already`);
  g.components.set({ ...def, params: [...def.params, { name: chosen, node, param }] });
  return chosen;
}

/**
 * Edits the promoted params of `component`: `list` is the new list by current name (rename
 * with `name`, order by position, leave one out to stop promoting it). Instances keep their
 * values under the new names; a value of a param no longer promoted is dropped.
 */
export function editPromoted(g: Graph, component: string, list: readonly { readonly from: string; readonly name: string }[]): void {
  const def = g.components.get(component);
  if (!def) throw new GraphError(`promoted params: unknown component "${component}"`);
  const byName = new Map(def.params.map((p) => [p.name, p]));
  const names = new Set<string>();
  const params = list.map(({ from, name }) => {
    const p = byName.get(from);
    if (!p) throw new GraphError(`promoted params: component "${component}" has no promoted param "${from}"`);
    const clean = name.trim();
    if (!clean) throw new GraphError(`promoted params: "${from}" needs a name`);
    if (names.has(clean)) throw new GraphError(`promoted params: two promoted params named "${clean}"`);
    names.add(clean);
    return { ...p, name: clean };
  });
  const renamed = new Map(list.map(({ from, name }) => [from, name.trim()]));
  const graphs = [g, ...g.components.ids().map((c) => g.components.get(c)!.graph)];
  const instances = graphs.flatMap((graph) => graph.nodeIds().filter((id) => graph.getNode(id)!.component === component).map((id) => ({ graph, id, values: Object.entries(graph.getNode(id)!.params) })));
  // values off under the old names, the new list, values back under the new names
  for (const { graph, id, values } of instances) for (const [k] of values) graph.setParam(id, k, undefined);
  g.components.set({ ...def, params });
  for (const { graph, id, values } of instances) for (const [k, v] of values) if (renamed.has(k)) graph.setParam(id, renamed.get(k)!, v);
}
