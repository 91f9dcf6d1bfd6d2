/**
 * The checkers of a graph document's node and edge lists (DESIGN.md §2), shared by the
 * top-level graph and every component definition (formatComponents.ts): each problem is
 * collected with its JSON path in a Checks context; format.ts runs them.
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
  type PathIssue,
} from './checks';
import { COMPONENT_TYPE, instanceDefinition } from './components';
import { EDGE_FIELD_KEYS, Graph, NODE_FIELD_KEYS, modeProblem } from './graph';
import { hasOwn, validateParams } from './params';
import type { NodeRegistry } from './registry';
import { NODE_MODES, type AnyNodeDefinition, type NodeMode, type Position } from './types';
import type { PortRefDocument } from './format';

export interface ParseOptions {
  /**
   * Param values that break a node's schema (range, pattern, a cross-param `check`) are not
   * file problems: the node keeps them and the evaluator reports them as that node's error,
   * so the rest of the graph still evaluates (the editor's worker). Structure problems
   * (ids, types, edges, non-JSON values) still refuse the document.
   */
  readonly deferParamChecks?: boolean;
}

/** `o[k]` when `o` has its own key `k`. */
export function own(o: Record<string, unknown>, k: string): unknown {
  return hasOwn(o, k) ? o[k] : undefined;
}

/**
 * The problems found so far and the options of one validation. Each part of a document
 * (header, components, nodes, edges) has its own checker below taking this context; the
 * node and edge checkers run for the top-level graph and for every component definition,
 * with the JSON path of the list they check.
 */
export class Checks {
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

// ---- nodes ----------------------------------------------------------------------------

/**
 * Checks and adds the nodes of `list` (at JSON path `path`) to `graph`. Returns the ids
 * present whose node could not be built, so edges to them are not reported again.
 * Instances of components in `brokenComponents` (already reported) are skipped silently.
 */
export function checkNodeList(list: unknown, path: string, graph: Graph, c: Checks, brokenComponents: ReadonlySet<string>): Set<string> {
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
export function checkExtraKeys(o: Record<string, unknown>, p: string, fieldKeys: readonly string[], c: Checks): { extra: Record<string, unknown>; ok: boolean } {
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
export function checkEdgeList(list: unknown, path: string, graph: Graph, broken: ReadonlySet<string>, c: Checks): void {
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
