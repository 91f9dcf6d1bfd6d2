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
 * `__proto__` keys are refused anywhere in a document; see checks.ts. Each part of a
 * document has its own checker: the header here, nodes and edges in formatChecks.ts, the
 * components (format version 3) in formatComponents.ts.
 */
import { FORBIDDEN_KEY, describe, forbiddenKeyMessage, isPlainObject, jsonDataProblem, keyPath, setOwn, cloneData } from './checks';
import { ComponentSet } from './components';
import { GraphError, GraphFileError, type FileIssue } from './errors';
import { GRAPH_FIELD_KEYS, Graph } from './graph';
import { FORMAT_VERSION, migrateDocument, type JsonDocument } from './migrations';
import { Checks, checkEdgeList, checkNodeList, own, type ParseOptions } from './formatChecks';
import { checkComponents } from './formatComponents';
import { hasOwn } from './params';
import type { NodeRegistry } from './registry';
import { type NodeMode, type Position } from './types';

export { FORMAT_VERSION } from './migrations';
export type { ParseOptions } from './formatChecks';
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
