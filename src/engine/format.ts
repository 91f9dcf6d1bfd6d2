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
 * identity): top-level keys `format, version, name, description?, nodes, edges`, then the
 * extras (`groups`, `comments`, `ui`, unknown keys) in their original order; node keys
 * `id, type, params, position`, then unknown keys; params of known types in the
 * definition's order (only explicitly set ones), placeholder params verbatim; edges
 * `{ from: { node, port }, to: { node, port }, …unknown keys }`; 2-space indent and a
 * trailing newline.
 *
 * `__proto__` keys are refused anywhere in a document; see checks.ts.
 */
import {
  FORBIDDEN_KEY,
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
import { GraphError, GraphFileError, type FileIssue } from './errors';
import { EDGE_FIELD_KEYS, GRAPH_FIELD_KEYS, Graph, NODE_FIELD_KEYS, modeProblem } from './graph';
import { FORMAT_VERSION, migrateDocument, type JsonDocument } from './migrations';
import { hasOwn, validateParams } from './params';
import type { NodeRegistry } from './registry';
import { NODE_MODES, type NodeMode, type Position } from './types';

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
  params: Record<string, unknown>;
  position: Position;
  /** Format version 2: `bypass` or `mute`; absent = active. */
  mode?: NodeMode;
  [key: string]: unknown;
}
export interface GraphDocument {
  format: typeof FORMAT_ID;
  version: number;
  name: string;
  description?: string;
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

function validateCurrent(doc: JsonDocument, registry: NodeRegistry, opts: ParseOptions): LoadResult {
  const issues: PathIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });

  // ---- top level
  const extras: [string, unknown][] = [];
  for (const key of Object.keys(doc)) {
    const value = doc[key];
    if (key === FORBIDDEN_KEY) {
      add(keyPath('', key), forbiddenKeyMessage());
    } else if (key === 'name' || key === 'description') {
      if (typeof value !== 'string') add(key, `expected a string, got ${describe(value)}`);
    } else if (!GRAPH_FIELD_KEYS.includes(key)) {
      const shape = hasOwn(OPTIONAL_SHAPES, key) ? OPTIONAL_SHAPES[key] : undefined;
      if (shape === 'array' && !Array.isArray(value)) add(key, `expected an array, got ${describe(value)}`);
      else if (shape === 'object' && !isPlainObject(value)) add(key, `expected an object, got ${describe(value)}`);
      else {
        const bad = jsonDataProblem(value, keyPath('', key));
        if (bad) issues.push(bad);
        else extras.push([key, value]);
      }
    }
  }
  const name = own(doc, 'name');
  const description = own(doc, 'description');
  const graph = new Graph(registry, {
    ...(typeof name === 'string' ? { name } : {}),
    ...(typeof description === 'string' ? { description } : {}),
  });
  for (const [k, v] of extras) graph.setExtra(k, v);

  // ---- nodes
  /** Ids present in the file whose node could not be built: edges to them are not reported again. */
  const broken = new Set<string>();
  const firstIndex = new Map<string, number>();
  const nodes = own(doc, 'nodes');
  if (nodes === undefined) add('nodes', 'missing; expected an array of nodes');
  else if (!Array.isArray(nodes)) add('nodes', `expected an array of nodes, got ${describe(nodes)}`);
  else {
    nodes.forEach((n: unknown, i) => {
      const p = indexPath('nodes', i);
      if (!isPlainObject(n)) {
        add(p, `expected a node object, got ${describe(n)}`);
        return;
      }
      let ok = true;
      const id = own(n, 'id');
      const idStr = typeof id === 'string' ? id : undefined;
      const idProblem = id === undefined ? 'missing; expected a node id string' : nodeIdProblem(id);
      /** This node is the first holder of its (valid) id. */
      let holder = false;
      if (idProblem) {
        add(keyPath(p, 'id'), idProblem);
        if (idStr !== undefined) broken.add(idStr);
        ok = false;
      } else if (firstIndex.has(idStr!)) {
        add(keyPath(p, 'id'), `duplicate node id "${idStr!}" (first used by ${indexPath('nodes', firstIndex.get(idStr!)!)})`);
        ok = false;
      } else {
        firstIndex.set(idStr!, i);
        holder = true;
      }
      const type = own(n, 'type');
      if (typeof type !== 'string' || type.length === 0) {
        add(keyPath(p, 'type'), type === undefined ? 'missing; expected a node type string' : `expected a non-empty node type string, got ${describe(type)}`);
        if (holder) broken.add(idStr!);
        ok = false;
      }
      const def = typeof type === 'string' ? registry.get(type) : undefined;

      // params
      const rawParams = hasOwn(n, 'params') ? n.params : {};
      const params: Record<string, unknown> = {};
      let paramsOk = true;
      if (!isPlainObject(rawParams)) {
        add(keyPath(p, 'params'), `expected an object of params, got ${describe(rawParams)}`);
        paramsOk = false;
      } else {
        for (const k of Object.keys(rawParams)) {
          if (k === FORBIDDEN_KEY) {
            add(keyPath(keyPath(p, 'params'), k), forbiddenKeyMessage());
            paramsOk = false;
          } else setOwn(params, k, rawParams[k]);
        }
        if (def && !opts.deferParamChecks) {
          for (const prob of validateParams(def, params)) {
            add(prob.param === null ? keyPath(p, 'params') : keyPath(keyPath(p, 'params'), prob.param), prob.message);
            paramsOk = false;
          }
        } else {
          for (const k of Object.keys(params)) {
            const bad = jsonDataProblem(params[k], keyPath(keyPath(p, 'params'), k));
            if (bad) {
              issues.push(bad);
              paramsOk = false;
            }
          }
        }
      }

      // position
      let position: Position | undefined;
      if (hasOwn(n, 'position')) {
        const bad = positionProblems(n.position, keyPath(p, 'position'));
        issues.push(...bad);
        if (bad.length === 0) position = n.position as Position;
      }

      // mode (format version 2)
      let mode: NodeMode | undefined;
      if (hasOwn(n, 'mode')) {
        if (NODE_MODES.includes(n.mode as NodeMode)) mode = n.mode as NodeMode;
        else add(keyPath(p, 'mode'), modeProblem(n.mode));
      }

      // unknown keys
      const extra: Record<string, unknown> = {};
      for (const k of Object.keys(n)) {
        if (NODE_FIELD_KEYS.includes(k)) continue;
        if (k === FORBIDDEN_KEY) {
          add(keyPath(p, k), forbiddenKeyMessage());
          continue;
        }
        const bad = jsonDataProblem(n[k], keyPath(p, k));
        if (bad) issues.push(bad);
        else setOwn(extra, k, n[k]);
      }

      if (!ok || idStr === undefined || typeof type !== 'string') return;
      try {
        graph.addNode({
          id: idStr,
          type,
          params: paramsOk ? params : {},
          ...(position ? { position } : {}),
          ...(mode ? { mode } : {}),
          extra,
          allowUnknownType: true,
          ...(opts.deferParamChecks ? { deferParamChecks: true } : {}),
        });
      } catch (e) {
        // Not expected (the checks above mirror addNode's), but never lose a problem.
        add(p, e instanceof Error ? e.message : String(e));
        broken.add(idStr);
      }
    });
  }

  // ---- edges
  const edges = own(doc, 'edges');
  if (edges === undefined) add('edges', 'missing; expected an array of edges');
  else if (!Array.isArray(edges)) add('edges', `expected an array of edges, got ${describe(edges)}`);
  else {
    edges.forEach((e: unknown, i) => {
      const p = indexPath('edges', i);
      if (!isPlainObject(e)) {
        add(p, `expected an edge object { "from": {…}, "to": {…} }, got ${describe(e)}`);
        return;
      }
      let ok = true;
      const refs: Record<'from' | 'to', { node: string; port: string } | undefined> = { from: undefined, to: undefined };
      for (const side of ['from', 'to'] as const) {
        const sp = keyPath(p, side);
        const r = own(e, side);
        if (!isPlainObject(r)) {
          add(sp, r === undefined ? 'missing; expected { "node": id, "port": name }' : `expected { "node": id, "port": name }, got ${describe(r)}`);
          ok = false;
          continue;
        }
        for (const k of Object.keys(r)) {
          if (k !== 'node' && k !== 'port') {
            add(keyPath(sp, k), 'unexpected key; a port reference has only "node" and "port"');
            ok = false;
          }
        }
        const node = own(r, 'node');
        const port = own(r, 'port');
        if (typeof node !== 'string') {
          add(keyPath(sp, 'node'), node === undefined ? 'missing; expected a node id string' : `expected a node id string, got ${describe(node)}`);
          ok = false;
        }
        const portProblem = port === undefined ? 'missing; expected a port name string' : portNameProblem(port);
        if (portProblem) {
          add(keyPath(sp, 'port'), portProblem);
          ok = false;
        }
        if (typeof node === 'string' && typeof port === 'string') refs[side] = { node, port };
      }
      const extra: Record<string, unknown> = {};
      for (const k of Object.keys(e)) {
        if (EDGE_FIELD_KEYS.includes(k)) continue;
        if (k === FORBIDDEN_KEY) {
          add(keyPath(p, k), forbiddenKeyMessage());
          ok = false;
          continue;
        }
        const bad = jsonDataProblem(e[k], keyPath(p, k));
        if (bad) {
          issues.push(bad);
          ok = false;
        } else setOwn(extra, k, e[k]);
      }
      const { from, to } = refs;
      if (!ok || !from || !to) return;
      if (broken.has(from.node) || broken.has(to.node)) return;
      const problem = graph.checkConnect(from, to);
      if (problem) {
        add(problem.field ? `${p}.${problem.field}` : p, problem.message);
        return;
      }
      graph.connect(from, to, Object.keys(extra).length ? extra : undefined);
    });
  }

  return issues.length ? { issues } : { issues, graph };
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
    setOwn(nd, 'params', params);
    setOwn(nd, 'position', { x: n.position.x, y: n.position.y });
    if (n.mode) setOwn(nd, 'mode', n.mode);
    for (const k of Object.keys(n.extra)) setOwn(nd, k, cloneData(n.extra[k]));
    nodes.push(nd);
  }
  setOwn(doc, 'nodes', nodes);
  const edges: EdgeDocument[] = g.edges.map((e) => {
    const ed = { from: { node: e.from.node, port: e.from.port }, to: { node: e.to.node, port: e.to.port } } as EdgeDocument;
    for (const k of Object.keys(e.extra ?? {})) setOwn(ed, k, cloneData(e.extra![k]));
    return ed;
  });
  setOwn(doc, 'edges', edges);
  for (const k of Object.keys(g.extras)) {
    if (GRAPH_FIELD_KEYS.includes(k) || k === FORBIDDEN_KEY) throw new GraphError(`graph extra key "${k}" cannot be written (it is reserved)`);
    const bad = jsonDataProblem(g.extras[k], k);
    if (bad) throw new GraphError(`graph extra ${bad.path}: ${bad.message}`);
    setOwn(doc, k, cloneData(g.extras[k]));
  }
  return doc;
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
