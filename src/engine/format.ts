/**
 * The graph file format (DESIGN.md §2): parse → migrate → validate → Graph, and canonical
 * serialization back to JSON.
 *
 * Validation collects every problem with its JSON path (`nodes[2].params.sigma: -1 is below
 * the minimum 0`). Structural rules are the Graph commands' own (shared checks in
 * checks.ts and Graph.checkConnect), so a file is accepted exactly when the same graph
 * could be built by commands.
 *
 * Canonical form (what serializeGraph writes; load → save of a canonical file is the
 * identity): top-level keys `format, version, name, description?, components?, nodes,
 * edges`, then the extras (`groups`, `comments`, `ui`, unknown keys) in their original
 * order; a component `name, description?, nodes, edges, params`, then unknown keys; node
 * keys `id, type, component?, params, position, mode?`, then unknown keys; params of known types in the
 * definition's order (only explicitly set ones), placeholder params verbatim; edges
 * `{ from: { node, port }, to: { node, port }, …unknown keys }`; 2-space indent and a
 * trailing newline.
 *
 * `__proto__` keys are refused anywhere in a document; see checks.ts.
 */
import {
  FORBIDDEN_KEY,
  closest,
  describe,
  forbiddenKeyMessage,
  indexPath,
  isPlainObject,
  jsonDataProblem,
  keyPath,
  nodeIdProblem,
  portNameProblem,
  positionProblems,
  setOwn,
  cloneData,
  type PathIssue,
} from './checks';
import { COMPONENT_TYPE, ComponentSet, GRAPH_INPUT_TYPE, GRAPH_OUTPUT_TYPE, boundaryName, boundaryNodes, instanceDefinition, type PromotedParam } from './components';
import { GraphError, GraphFileError, type FileIssue } from './errors';
import { EDGE_FIELD_KEYS, GRAPH_FIELD_KEYS, Graph, NODE_FIELD_KEYS, modeProblem } from './graph';
import { FORMAT_VERSION, migrateDocument, type JsonDocument } from './migrations';
import { hasOwn, validateParams } from './params';
import type { NodeRegistry } from './registry';
import { NODE_MODES, type AnyNodeDefinition, type NodeMode, type Position } from './types';

export { FORMAT_VERSION } from './migrations';
export const FORMAT_ID = 'pixel-loom.graph';

export interface PortRefDocument {
  node: string;
  port: string;
}
export interface EdgeDocument {
  from: PortRefDocument;
  to: PortRefDocument;
  [key: string]: unknown;
}
export interface NodeDocument {
  id: string;
  type: string;
  /** Format version 3: the definition a `component` node is an instance of. */
  component?: string;
  params: Record<string, unknown>;
  position: Position;
  /** Format version 2: `bypass` or `mute`; absent = active. */
  mode?: NodeMode;
  [key: string]: unknown;
}
/** Format version 3: one component definition (DESIGN.md §2b). */
export interface ComponentDocument {
  name: string;
  description?: string;
  nodes: NodeDocument[];
  edges: EdgeDocument[];
  params: { name: string; node: string; param: string }[];
  [key: string]: unknown;
}
export interface GraphDocument {
  format: typeof FORMAT_ID;
  version: number;
  name: string;
  description?: string;
  /** Format version 3: component definitions by id. */
  components?: Record<string, ComponentDocument>;
  nodes: NodeDocument[];
  edges: EdgeDocument[];
  groups?: unknown[];
  comments?: unknown[];
  ui?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Expected shapes of the optional known top-level keys. */
const OPTIONAL_SHAPES: Readonly<Record<string, 'array' | 'object'>> = { groups: 'array', comments: 'array', ui: 'object' };

function own(o: Record<string, unknown>, k: string): unknown {
  return hasOwn(o, k) ? o[k] : undefined;
}

/** JSON.parse with a GraphFileError naming line and column of a syntax error. */
function parseJson(text: string): unknown {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(src) as unknown;
  } catch (e) {
    const raw = e instanceof Error ? e.message : String(e);
    let pos: number | undefined;
    const m = /at position (\d+)/.exec(raw);
    if (m) pos = Number(m[1]);
    else if (/end of JSON input/i.test(raw)) pos = src.length;
    const reason = raw
      .replace(/\s*\(line \d+ column \d+\)/, '')
      .replace(/ in JSON at position \d+/, '')
      .replace(/ after JSON at position \d+/, ' after the JSON value')
      .replace(/, ".*" is not valid JSON$/s, '')
      .trim();
    let where = '';
    if (pos !== undefined) {
      const before = src.slice(0, pos);
      const line = before.split('\n').length;
      const column = pos - (before.lastIndexOf('\n') + 1) + 1;
      where = ` at line ${line}, column ${column}`;
    }
    throw new GraphFileError([{ path: '', message: `malformed JSON${where}: ${reason || raw}` }]);
  }
}

interface LoadResult {
  issues: FileIssue[];
  graph?: Graph;
}

export interface ParseOptions {
  /**
   * Param values that break a node's schema (range, pattern, a cross-param `check`) are not
   * file problems: the node keeps them and the evaluator reports them as that node's error,
   * so the rest of the graph still evaluates (the editor's worker). Structure problems
   * (ids, types, edges, non-JSON values) still refuse the document.
   */
  readonly deferParamChecks?: boolean;
}

/** migrate → validate → build. Returns every issue; a graph only when there are none. */
function loadDocument(input: unknown, registry: NodeRegistry, opts: ParseOptions = {}): LoadResult {
  if (!isPlainObject(input)) {
    return { issues: [{ path: '', message: `expected a JSON object with "format": "${FORMAT_ID}", got ${describe(input)}` }] };
  }
  const format = own(input, 'format');
  if (format !== FORMAT_ID) {
    const message = format === undefined ? `missing; expected "${FORMAT_ID}" (is this a pixel-loom graph file?)` : `expected "${FORMAT_ID}", got ${describe(format)}`;
    return { issues: [{ path: 'format', message }] };
  }
  let doc: JsonDocument;
  try {
    doc = migrateDocument(input);
  } catch (e) {
    if (e instanceof GraphFileError) return { issues: [...e.issues] };
    throw e;
  }
  return validateCurrent(doc, registry, opts);
}

/**
 * The problems found so far and the options of one validation. Each part of a document
 * (header, components, nodes, edges) has its own checker below taking this context; the
 * node and edge checkers run for the top-level graph and for every component definition,
 * with the JSON path of the list they check.
 */
class Checks {
  readonly issues: PathIssue[] = [];
  constructor(
    readonly registry: NodeRegistry,
    readonly opts: ParseOptions,
  ) {}
  add(path: string, message: string): void {
    this.issues.push({ path, message });
  }
  push(issue: PathIssue | null | undefined): boolean {
    if (!issue) return false;
    this.issues.push(issue);
    return true;
  }
}

function validateCurrent(doc: JsonDocument, registry: NodeRegistry, opts: ParseOptions): LoadResult {
  const c = new Checks(registry, opts);
  const header = checkHeader(doc, c);
  const components = new ComponentSet();
  const brokenComponents = checkComponents(own(doc, 'components'), c, components);
  const graph = new Graph(registry, { ...header.meta, components });
  for (const [k, v] of header.extras) graph.setExtra(k, v);
  const broken = checkNodeList(own(doc, 'nodes'), 'nodes', graph, c, brokenComponents);
  checkEdgeList(own(doc, 'edges'), 'edges', graph, broken, c);
  return c.issues.length ? { issues: c.issues } : { issues: c.issues, graph };
}

// ---- header ---------------------------------------------------------------------------

/** name, description and the extras (optional known keys and unknown ones, in file order). */
function checkHeader(doc: JsonDocument, c: Checks): { meta: { name?: string; description?: string }; extras: [string, unknown][] } {
  const extras: [string, unknown][] = [];
  for (const key of Object.keys(doc)) {
    const value = doc[key];
    if (key === FORBIDDEN_KEY) {
      c.add(keyPath('', key), forbiddenKeyMessage());
    } else if (key === 'name' || key === 'description') {
      if (typeof value !== 'string') c.add(key, `expected a string, got ${describe(value)}`);
    } else if (!GRAPH_FIELD_KEYS.includes(key)) {
      const shape = hasOwn(OPTIONAL_SHAPES, key) ? OPTIONAL_SHAPES[key] : undefined;
      if (shape === 'array' && !Array.isArray(value)) c.add(key, `expected an array, got ${describe(value)}`);
      else if (shape === 'object' && !isPlainObject(value)) c.add(key, `expected an object, got ${describe(value)}`);
      else if (!c.push(jsonDataProblem(value, keyPath('', key)))) extras.push([key, value]);
    }
  }
  const name = own(doc, 'name');
  const description = own(doc, 'description');
  return {
    meta: { ...(typeof name === 'string' ? { name } : {}), ...(typeof description === 'string' ? { description } : {}) },
    extras,
  };
}

// ---- nodes ----------------------------------------------------------------------------

/**
 * Checks and adds the nodes of `list` (at JSON path `path`) to `graph`. Returns the ids
 * present whose node could not be built, so edges to them are not reported again.
 * Instances of components in `brokenComponents` (already reported) are skipped silently.
 */
function checkNodeList(list: unknown, path: string, graph: Graph, c: Checks, brokenComponents: ReadonlySet<string>): Set<string> {
  const broken = new Set<string>();
  if (list === undefined) c.add(path, 'missing; expected an array of nodes');
  else if (!Array.isArray(list)) c.add(path, `expected an array of nodes, got ${describe(list)}`);
  else {
    const firstIndex = new Map<string, number>();
    list.forEach((n: unknown, i) => checkNode(n, indexPath(path, i), { graph, c, broken, firstIndex, listPath: path, brokenComponents }));
  }
  return broken;
}

interface NodeListState {
  readonly graph: Graph;
  readonly c: Checks;
  readonly broken: Set<string>;
  readonly firstIndex: Map<string, number>;
  readonly listPath: string;
  readonly brokenComponents: ReadonlySet<string>;
}

/** The node's id: its problem reported, duplicates refused; undefined when unusable. */
function checkNodeId(n: Record<string, unknown>, p: string, i: number, s: NodeListState): { id: string | undefined; holder: boolean } {
  const id = own(n, 'id');
  const idStr = typeof id === 'string' ? id : undefined;
  const idProblem = id === undefined ? 'missing; expected a node id string' : nodeIdProblem(id);
  if (idProblem) {
    s.c.add(keyPath(p, 'id'), idProblem);
    if (idStr !== undefined) s.broken.add(idStr);
    return { id: undefined, holder: false };
  }
  const first = s.firstIndex.get(idStr!);
  if (first !== undefined) {
    s.c.add(keyPath(p, 'id'), `duplicate node id "${idStr!}" (first used by ${indexPath(s.listPath, first)})`);
    return { id: undefined, holder: false };
  }
  s.firstIndex.set(idStr!, i);
  return { id: idStr, holder: true };
}

/** The node's params (own keys copied) checked against `def` (or as JSON data); ok false on a problem. */
function checkNodeParams(n: Record<string, unknown>, p: string, def: AnyNodeDefinition | undefined, c: Checks): { params: Record<string, unknown>; ok: boolean } {
  const rawParams = hasOwn(n, 'params') ? n.params : {};
  const params: Record<string, unknown> = {};
  const pp = keyPath(p, 'params');
  if (!isPlainObject(rawParams)) {
    c.add(pp, `expected an object of params, got ${describe(rawParams)}`);
    return { params, ok: false };
  }
  let ok = true;
  for (const k of Object.keys(rawParams)) {
    if (k === FORBIDDEN_KEY) {
      c.add(keyPath(pp, k), forbiddenKeyMessage());
      ok = false;
    } else setOwn(params, k, rawParams[k]);
  }
  if (def && !c.opts.deferParamChecks) {
    for (const prob of validateParams(def, params)) {
      c.add(prob.param === null ? pp : keyPath(pp, prob.param), prob.message);
      ok = false;
    }
  } else {
    for (const k of Object.keys(params)) if (c.push(jsonDataProblem(params[k], keyPath(pp, k)))) ok = false;
  }
  return { params, ok };
}

/** A `component` node's `component` key: present, a string, a definition of this file. */
function checkInstanceRef(n: Record<string, unknown>, p: string, type: unknown, s: NodeListState): { component?: string; ok: boolean; silent?: boolean } {
  const has = hasOwn(n, 'component');
  const ref = has ? n.component : undefined;
  if (type !== COMPONENT_TYPE) {
    if (has) s.c.add(keyPath(p, 'component'), `only a "${COMPONENT_TYPE}" node names a component (this node is ${describe(type)})`);
    return { ok: !has };
  }
  if (typeof ref !== 'string') {
    s.c.add(keyPath(p, 'component'), ref === undefined ? 'missing; a "component" node names its definition in "components"' : `expected a component id string, got ${describe(ref)}`);
    return { ok: false };
  }
  if (s.brokenComponents.has(ref)) return { ok: false, silent: true };
  if (!s.graph.components.has(ref)) {
    const ids = s.graph.components.ids();
    const guess = closest(ref, ids);
    s.c.add(keyPath(p, 'component'), `unknown component "${ref}"${guess ? ` (did you mean "${guess}"?)` : ''}; components in this file: ${ids.length ? ids.join(', ') : 'none'}`);
    return { ok: false };
  }
  return { component: ref, ok: true };
}

/** Unknown node keys (JSON data, kept verbatim). */
function checkExtraKeys(o: Record<string, unknown>, p: string, fieldKeys: readonly string[], c: Checks): { extra: Record<string, unknown>; ok: boolean } {
  const extra: Record<string, unknown> = {};
  let ok = true;
  for (const k of Object.keys(o)) {
    if (fieldKeys.includes(k)) continue;
    if (k === FORBIDDEN_KEY) {
      c.add(keyPath(p, k), forbiddenKeyMessage());
      ok = false;
    } else if (c.push(jsonDataProblem(o[k], keyPath(p, k)))) ok = false;
    else setOwn(extra, k, o[k]);
  }
  return { extra, ok };
}

function checkNode(n: unknown, p: string, s: NodeListState): void {
  const { c, graph, broken } = s;
  if (!isPlainObject(n)) {
    c.add(p, `expected a node object, got ${describe(n)}`);
    return;
  }
  const index = Number(/\[(\d+)\]$/.exec(p)![1]);
  const { id, holder } = checkNodeId(n, p, index, s);
  let ok = id !== undefined;
  const type = own(n, 'type');
  if (typeof type !== 'string' || type.length === 0) {
    c.add(keyPath(p, 'type'), type === undefined ? 'missing; expected a node type string' : `expected a non-empty node type string, got ${describe(type)}`);
    if (holder) broken.add(id!);
    ok = false;
  }
  const ref = checkInstanceRef(n, p, type, s);
  if (!ref.ok) {
    if (holder) broken.add(id!);
    ok = false;
    if (ref.silent) return;
  }
  const componentDef = ref.component !== undefined ? graph.components.get(ref.component) : undefined;
  const def = componentDef ? instanceDefinition(componentDef) : typeof type === 'string' && type !== COMPONENT_TYPE ? c.registry.get(type) : undefined;
  const params = checkNodeParams(n, p, def, c);

  let position: Position | undefined;
  if (hasOwn(n, 'position')) {
    const bad = positionProblems(n.position, keyPath(p, 'position'));
    c.issues.push(...bad);
    if (bad.length === 0) position = n.position as Position;
  }
  let mode: NodeMode | undefined;
  if (hasOwn(n, 'mode')) {
    if (NODE_MODES.includes(n.mode as NodeMode)) mode = n.mode as NodeMode;
    else c.add(keyPath(p, 'mode'), modeProblem(n.mode));
  }
  const { extra } = checkExtraKeys(n, p, NODE_FIELD_KEYS, c);

  if (!ok || id === undefined || typeof type !== 'string') return;
  try {
    graph.addNode({
      id,
      type,
      ...(ref.component !== undefined ? { component: ref.component } : {}),
      params: params.ok ? params.params : {},
      ...(position ? { position } : {}),
      ...(mode ? { mode } : {}),
      extra,
      allowUnknownType: true,
      ...(c.opts.deferParamChecks ? { deferParamChecks: true } : {}),
    });
  } catch (e) {
    // Not expected (the checks above mirror addNode's), but never lose a problem.
    c.add(p, e instanceof Error ? e.message : String(e));
    broken.add(id);
  }
}

// ---- edges ----------------------------------------------------------------------------

/** Checks and connects the edges of `list` (at JSON path `path`) in `graph`. */
function checkEdgeList(list: unknown, path: string, graph: Graph, broken: ReadonlySet<string>, c: Checks): void {
  if (list === undefined) c.add(path, 'missing; expected an array of edges');
  else if (!Array.isArray(list)) c.add(path, `expected an array of edges, got ${describe(list)}`);
  else list.forEach((e: unknown, i) => checkEdge(e, indexPath(path, i), graph, broken, c));
}

/** One side of an edge: `{ node, port }` with nothing else. */
function checkPortRef(r: unknown, sp: string, c: Checks): PortRefDocument | undefined {
  if (!isPlainObject(r)) {
    c.add(sp, r === undefined ? 'missing; expected { "node": id, "port": name }' : `expected { "node": id, "port": name }, got ${describe(r)}`);
    return undefined;
  }
  let ok = true;
  for (const k of Object.keys(r)) {
    if (k !== 'node' && k !== 'port') {
      c.add(keyPath(sp, k), 'unexpected key; a port reference has only "node" and "port"');
      ok = false;
    }
  }
  const node = own(r, 'node');
  const port = own(r, 'port');
  if (typeof node !== 'string') {
    c.add(keyPath(sp, 'node'), node === undefined ? 'missing; expected a node id string' : `expected a node id string, got ${describe(node)}`);
    ok = false;
  }
  const portProblem = port === undefined ? 'missing; expected a port name string' : portNameProblem(port);
  if (portProblem) {
    c.add(keyPath(sp, 'port'), portProblem);
    ok = false;
  }
  return ok && typeof node === 'string' && typeof port === 'string' ? { node, port } : undefined;
}

function checkEdge(e: unknown, p: string, graph: Graph, broken: ReadonlySet<string>, c: Checks): void {
  if (!isPlainObject(e)) {
    c.add(p, `expected an edge object { "from": {…}, "to": {…} }, got ${describe(e)}`);
    return;
  }
  const from = checkPortRef(own(e, 'from'), keyPath(p, 'from'), c);
  const to = checkPortRef(own(e, 'to'), keyPath(p, 'to'), c);
  const { extra, ok } = checkExtraKeys(e, p, EDGE_FIELD_KEYS, c);
  if (!ok || !from || !to) return;
  if (broken.has(from.node) || broken.has(to.node)) return;
  const problem = graph.checkConnect(from, to);
  if (problem) {
    c.add(problem.field ? `${p}.${problem.field}` : p, problem.message);
    return;
  }
  graph.connect(from, to, Object.keys(extra).length ? extra : undefined);
}

// ---- components (format version 3, DESIGN.md §2b) ------------------------------------------

const COMPONENT_FIELD_KEYS: readonly string[] = ['name', 'description', 'nodes', 'edges', 'params'];

/**
 * Checks the `components` object and builds every definition into `set`, each after the
 * components it uses. Returns the ids whose definition could not be built (their problems
 * are reported; instances of them are not reported again).
 */
function checkComponents(raw: unknown, c: Checks, set: ComponentSet): Set<string> {
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

/**
 * Every problem of a graph document (after migrating it), with JSON paths; empty when the
 * document loads. Accepts a parsed object (or JSON text).
 */
export function validateGraphDocument(doc: unknown, registry: NodeRegistry): FileIssue[] {
  if (typeof doc === 'string') {
    try {
      doc = parseJson(doc);
    } catch (e) {
      if (e instanceof GraphFileError) return [...e.issues];
      throw e;
    }
  }
  return loadDocument(doc, registry).issues;
}

/**
 * Loads a graph from JSON text or a parsed document: migrate → validate → Graph. Unknown
 * node types become placeholder nodes. Throws GraphFileError listing every problem.
 */
export function parseGraph(input: string | unknown, registry: NodeRegistry, opts: ParseOptions = {}): Graph {
  const doc = typeof input === 'string' ? parseJson(input) : input;
  const { issues, graph } = loadDocument(doc, registry, opts);
  if (!graph) throw new GraphFileError(issues);
  return graph;
}

/** The graph as a plain document in canonical key order (deep copies; safe to mutate). */
export function graphToDocument(g: Graph): GraphDocument {
  const doc = {} as GraphDocument;
  setOwn(doc, 'format', FORMAT_ID);
  setOwn(doc, 'version', FORMAT_VERSION);
  setOwn(doc, 'name', g.name);
  if (g.description !== undefined) setOwn(doc, 'description', g.description);
  if (g.components.size > 0) setOwn(doc, 'components', componentsToDocument(g));
  setOwn(doc, 'nodes', nodesToDocument(g));
  setOwn(doc, 'edges', edgesToDocument(g));
  for (const k of Object.keys(g.extras)) {
    if (GRAPH_FIELD_KEYS.includes(k) || k === FORBIDDEN_KEY) throw new GraphError(`graph extra key "${k}" cannot be written (it is reserved)`);
    const bad = jsonDataProblem(g.extras[k], k);
    if (bad) throw new GraphError(`graph extra ${bad.path}: ${bad.message}`);
    setOwn(doc, k, cloneData(g.extras[k]));
  }
  return doc;
}

/** Definitions in set order: `name, description?, nodes, edges, params`, then unknown keys. */
function componentsToDocument(g: Graph): Record<string, ComponentDocument> {
  const out: Record<string, ComponentDocument> = {};
  for (const id of g.components.ids()) {
    const c = g.components.get(id)!;
    const cd = {} as ComponentDocument;
    setOwn(cd, 'name', c.name);
    if (c.description !== undefined) setOwn(cd, 'description', c.description);
    setOwn(cd, 'nodes', nodesToDocument(c.graph));
    setOwn(cd, 'edges', edgesToDocument(c.graph));
    setOwn(cd, 'params', c.params.map((p) => ({ name: p.name, node: p.node, param: p.param })));
    for (const k of Object.keys(c.extra)) setOwn(cd, k, cloneData(c.extra[k]));
    setOwn(out, id, cd);
  }
  return out;
}

function nodesToDocument(g: Graph): NodeDocument[] {
  const nodes: NodeDocument[] = [];
  for (const id of g.nodeIds()) {
    const n = g.getNode(id)!;
    const def = g.definitionOf(id);
    const params: Record<string, unknown> = {};
    const order = def ? Object.keys(def.params).filter((k) => hasOwn(n.params, k)) : Object.keys(n.params);
    for (const k of order) setOwn(params, k, cloneData(n.params[k]));
    const nd = {} as NodeDocument;
    setOwn(nd, 'id', n.id);
    setOwn(nd, 'type', n.type);
    if (n.component !== undefined) setOwn(nd, 'component', n.component);
    setOwn(nd, 'params', params);
    setOwn(nd, 'position', { x: n.position.x, y: n.position.y });
    if (n.mode) setOwn(nd, 'mode', n.mode);
    for (const k of Object.keys(n.extra)) setOwn(nd, k, cloneData(n.extra[k]));
    nodes.push(nd);
  }
  return nodes;
}

function edgesToDocument(g: Graph): EdgeDocument[] {
  return g.edges.map((e) => {
    const ed = { from: { node: e.from.node, port: e.from.port }, to: { node: e.to.node, port: e.to.port } } as EdgeDocument;
    for (const k of Object.keys(e.extra ?? {})) setOwn(ed, k, cloneData(e.extra![k]));
    return ed;
  });
}

/**
 * The layout of graph file text: 2-space indent, trailing newline. Applied to a document in
 * canonical key order (graphToDocument, or a parsed canonical file) it gives canonical text.
 */
export function documentText(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Canonical JSON text of the graph: 2-space indent, trailing newline. */
export function serializeGraph(g: Graph): string {
  return documentText(graphToDocument(g));
}
