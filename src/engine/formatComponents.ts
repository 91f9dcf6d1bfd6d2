/**
 * The checkers of a document's `components` (format version 3, DESIGN.md §2b): each
 * definition's nodes and edges (with formatChecks.ts), its graph inputs and outputs, its
 * promoted params, and components that contain themselves (with the chain).
 */
import { FORBIDDEN_KEY, closest, describe, forbiddenKeyMessage, indexPath, isPlainObject, keyPath, nodeIdProblem } from './checks';
import { COMPONENT_TYPE, ComponentSet, GRAPH_INPUT_TYPE, GRAPH_OUTPUT_TYPE, boundaryName, boundaryNodes, type PromotedParam } from './components';
import { Graph } from './graph';
import { hasOwn } from './params';
import { Checks, checkEdgeList, checkExtraKeys, checkNodeList, own } from './formatChecks';

// ---- components (format version 3, DESIGN.md §2b) ------------------------------------------

const COMPONENT_FIELD_KEYS: readonly string[] = ['name', 'description', 'nodes', 'edges', 'params'];

/**
 * Checks the `components` object and builds every definition into `set`, each after the
 * components it uses. Returns the ids whose definition could not be built (their problems
 * are reported; instances of them are not reported again).
 */
export function checkComponents(raw: unknown, c: Checks, set: ComponentSet): Set<string> {
  const broken = new Set<string>();
  if (raw === undefined) return broken;
  if (!isPlainObject(raw)) {
    c.add('components', `expected an object of component definitions keyed by id, got ${describe(raw)}`);
    return broken;
  }
  const defs = new Map<string, Record<string, unknown>>();
  for (const id of Object.keys(raw)) {
    const p = keyPath('components', id);
    const bad = id === FORBIDDEN_KEY ? forbiddenKeyMessage() : nodeIdProblem(id)?.replace(/node id/g, 'component id') ?? (id.includes('/') ? `component id ${JSON.stringify(id)} contains "/" (it separates the parts of a node path)` : null);
    const def = raw[id];
    if (bad) c.add(p, bad);
    else if (!isPlainObject(def)) c.add(p, `expected a component definition { "nodes": […], "edges": […] }, got ${describe(def)}`);
    else {
      defs.set(id, def);
      continue;
    }
    broken.add(id);
  }
  for (const id of componentCycles(defs, c)) broken.add(id);
  const building = new Set<string>();
  const build = (id: string): void => {
    if (set.has(id) || broken.has(id) || building.has(id)) return;
    building.add(id);
    for (const used of usedComponents(defs.get(id)!).keys()) if (defs.has(used)) build(used);
    if (!checkDefinition(id, defs.get(id)!, c, set, broken)) broken.add(id);
    building.delete(id);
  };
  for (const id of defs.keys()) build(id);
  return broken;
}

/** Component ids named by `component` nodes of a raw definition, with the index of the first. */
function usedComponents(def: Record<string, unknown>): Map<string, number> {
  const uses = new Map<string, number>();
  const nodes = own(def, 'nodes');
  if (!Array.isArray(nodes)) return uses;
  nodes.forEach((n: unknown, i) => {
    if (isPlainObject(n) && own(n, 'type') === COMPONENT_TYPE) {
      const ref = own(n, 'component');
      if (typeof ref === 'string' && !uses.has(ref)) uses.set(ref, i);
    }
  });
  return uses;
}

/**
 * Refuses every component that contains itself, directly or through others, with the
 * chain (`components.a.nodes[3]: component "a" contains itself: a → b → a`). Returns the
 * ids on a cycle.
 */
function componentCycles(defs: ReadonlyMap<string, Record<string, unknown>>, c: Checks): Set<string> {
  const onCycle = new Set<string>();
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): void => {
    state.set(id, 'visiting');
    stack.push(id);
    for (const used of usedComponents(defs.get(id)!).keys()) {
      if (!defs.has(used)) continue;
      const s = state.get(used);
      if (s === 'visiting') {
        const chain = [...stack.slice(stack.indexOf(used)), used];
        const head = chain[0]!;
        const at = usedComponents(defs.get(head)!).get(chain[1]!)!;
        c.add(indexPath(keyPath(keyPath('components', head), 'nodes'), at), `component "${head}" contains itself: ${chain.join(' → ')}`);
        for (const x of chain) onCycle.add(x);
      } else if (s === undefined) visit(used);
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of defs.keys()) if (!state.has(id)) visit(id);
  return onCycle;
}

/** Builds one definition into `set`; false (problems reported) when it cannot be built. */
function checkDefinition(id: string, raw: Record<string, unknown>, c: Checks, set: ComponentSet, brokenComponents: ReadonlySet<string>): boolean {
  const p = keyPath('components', id);
  const before = c.issues.length;
  const name = own(raw, 'name');
  const description = own(raw, 'description');
  if (name !== undefined && typeof name !== 'string') c.add(keyPath(p, 'name'), `expected a string, got ${describe(name)}`);
  if (description !== undefined && typeof description !== 'string') c.add(keyPath(p, 'description'), `expected a string, got ${describe(description)}`);
  const { extra } = checkExtraKeys(raw, p, COMPONENT_FIELD_KEYS, c);
  const graph = new Graph(c.registry, { components: set });
  const broken = checkNodeList(own(raw, 'nodes'), keyPath(p, 'nodes'), graph, c, brokenComponents);
  checkEdgeList(own(raw, 'edges'), keyPath(p, 'edges'), graph, broken, c);
  checkBoundaryNames(graph, p, own(raw, 'nodes'), c);
  const params = checkPromoted(own(raw, 'params'), keyPath(p, 'params'), id, graph, c);
  if (c.issues.length > before) return false;
  set.set({
    id,
    name: typeof name === 'string' ? name : id,
    ...(typeof description === 'string' ? { description } : {}),
    graph,
    params,
    extra,
  });
  return true;
}

/** Two graph.input (or two graph.output) nodes of one definition may not share a name. */
function checkBoundaryNames(graph: Graph, p: string, rawNodes: unknown, c: Checks): void {
  const indexOf = (id: string): number => (Array.isArray(rawNodes) ? rawNodes.findIndex((n) => isPlainObject(n) && own(n, 'id') === id) : -1);
  for (const [type, what] of [
    [GRAPH_INPUT_TYPE, 'inputs'],
    [GRAPH_OUTPUT_TYPE, 'outputs'],
  ] as const) {
    const seen = new Map<string, string>();
    for (const nid of boundaryNodes(graph, type)) {
      const nm = boundaryName(graph, nid);
      const first = seen.get(nm);
      if (first !== undefined) {
        c.add(keyPath(keyPath(indexPath(keyPath(p, 'nodes'), indexOf(nid)), 'params'), 'name'), `two graph ${what} are named "${nm}" (also ${indexPath('nodes', indexOf(first))}); an instance's sockets need distinct names`);
      } else seen.set(nm, nid);
    }
  }
}

/** The definition's promoted params: each names an inner node's param, names are distinct. */
function checkPromoted(raw: unknown, p: string, component: string, graph: Graph, c: Checks): PromotedParam[] {
  const out: PromotedParam[] = [];
  if (raw === undefined) return out;
  if (!Array.isArray(raw)) {
    c.add(p, `expected an array of promoted params [{ "name", "node", "param" }], got ${describe(raw)}`);
    return out;
  }
  const firstIndex = new Map<string, number>();
  raw.forEach((e: unknown, i) => {
    const ep = indexPath(p, i);
    if (!isPlainObject(e)) {
      c.add(ep, `expected { "name", "node", "param" }, got ${describe(e)}`);
      return;
    }
    for (const k of Object.keys(e)) if (k !== 'name' && k !== 'node' && k !== 'param') c.add(keyPath(ep, k), 'unexpected key; a promoted param has "name", "node" and "param"');
    const name = own(e, 'name');
    const node = own(e, 'node');
    const param = own(e, 'param');
    let ok = true;
    for (const [k, v] of [
      ['name', name],
      ['node', node],
      ['param', param],
    ] as const) {
      if (typeof v !== 'string' || v.length === 0 || v === FORBIDDEN_KEY) {
        c.add(keyPath(ep, k), v === undefined ? 'missing; expected a non-empty string' : `expected a non-empty string, got ${describe(v)}`);
        ok = false;
      }
    }
    if (!ok) return;
    const n = name as string;
    const first = firstIndex.get(n);
    if (first !== undefined) {
      c.add(keyPath(ep, 'name'), `two promoted params are named "${n}" (also ${indexPath('params', first)}); an instance's params need distinct names`);
      return;
    }
    firstIndex.set(n, i);
    const inner = graph.getNode(node as string);
    if (!inner) {
      const guess = closest(node as string, graph.nodeIds());
      c.add(keyPath(ep, 'node'), `no node "${node as string}" in component "${component}"${guess ? ` (did you mean "${guess}"?)` : ''}`);
      return;
    }
    const def = graph.definitionOf(node as string);
    if (!def) {
      c.add(keyPath(ep, 'node'), `node "${node as string}" has the unknown type "${inner.type}"; its params cannot be promoted`);
      return;
    }
    if (!hasOwn(def.params, param as string)) {
      const names = Object.keys(def.params);
      c.add(keyPath(ep, 'param'), `node "${node as string}" (${inner.type}) has no param "${param as string}"; its params: ${names.length ? names.join(', ') : 'none'}`);
      return;
    }
    out.push({ name: n, node: node as string, param: param as string });
  });
  return out;
}
