/**
 * The graph model: nodes, edges, graph metadata, and the commands that change them.
 * Every command validates and throws a GraphError naming the node, port or param and the
 * reason; a successful command emits a GraphEvent. Node and edge objects are immutable
 * (frozen, replaced on change) and `edges` is a fresh frozen array after every change, so
 * an evaluation can hold a consistent snapshot while the user keeps editing.
 *
 * Nodes whose type the registry does not know are kept as placeholders (when added with
 * `allowUnknownType`, as the file loader does): their params and extra keys are preserved
 * verbatim, and edges touching them are accepted without port checks.
 */
import {
  FORBIDDEN_KEY,
  closest,
  cloneData,
  clonePosition,
  dataEqual,
  deepFreeze,
  describe,
  emptyRecord,
  forbiddenKeyMessage,
  isPlainObject,
  jsonDataProblem,
  nodeIdProblem,
  portNameProblem,
  positionProblems,
  setOwn,
} from './checks';
import { COMPONENT_TYPE, ComponentSet, GRAPH_INPUT_TYPE, GRAPH_OUTPUT_TYPE, inputKindType, instanceDefinition } from './components';
import { GraphError } from './errors';
import { effectiveParams, hasOwn, validateParams } from './params';
import type { NodeRegistry } from './registry';
import { NODE_MODES, canConnect } from './types';
import type { AnyNodeDefinition, Edge, GraphNode, GraphReadModel, NodeMode, PortRef, PortSpec, Position } from './types';

export type GraphEvent =
  | { kind: 'nodeAdded'; node: GraphNode }
  | { kind: 'nodeRemoved'; id: string }
  | { kind: 'connected'; edge: Edge }
  | { kind: 'disconnected'; edge: Edge }
  | { kind: 'paramChanged'; id: string; name: string; value: unknown }
  | { kind: 'positionChanged'; id: string; position: Position }
  | { kind: 'modeChanged'; id: string; mode: NodeMode | undefined }
  /** An edge's extra keys changed (view data such as reroute points; results are unchanged). */
  | { kind: 'edgeChanged'; edge: Edge }
  | { kind: 'metaChanged' };

export interface AddNodeInput {
  /** Defaults to the first unused `n1`, `n2`, … */
  id?: string;
  type: string;
  /** For a `component` node: the id of its definition in the graph's ComponentSet. */
  component?: string;
  /** Explicitly set params; omitted ones take their defaults. */
  params?: Record<string, unknown>;
  position?: Position;
  /** `bypass` or `mute`; omitted = active. */
  mode?: NodeMode;
  /** Unknown keys of the node object in a file, preserved and written back. */
  extra?: Record<string, unknown>;
  /** Keep a node of a type the registry does not know as a placeholder instead of refusing it. */
  allowUnknownType?: boolean;
  /**
   * Keep param values that break the node's schema (out of range, a cross-param `check`) as
   * they are, as long as they are JSON data: the evaluator reports them as that node's error.
   * Used where one bad value must not stop the rest of a graph (the editor's evaluation).
   */
  deferParamChecks?: boolean;
}

/** Why an edge cannot be added. `field` is where in the edge the problem is ('' = the edge as a whole). */
export interface ConnectProblem {
  readonly field: '' | 'from' | 'to' | 'from.node' | 'from.port' | 'to.node' | 'to.port';
  readonly message: string;
}

/** Top-level document keys that are graph fields, not extras. */
export const GRAPH_FIELD_KEYS: readonly string[] = ['format', 'version', 'name', 'description', 'components', 'nodes', 'edges'];
/** Node keys that are node fields, not extras. */
export const NODE_FIELD_KEYS: readonly string[] = ['id', 'type', 'component', 'params', 'position', 'mode'];
/** Edge keys that are edge fields, not extras. */
export const EDGE_FIELD_KEYS: readonly string[] = ['from', 'to'];

const ORIGIN: Position = Object.freeze({ x: 0, y: 0 });

export function formatPortRef(r: PortRef): string {
  return `${r.node}.${r.port}`;
}

/** Why a value is not a node mode. */
export function modeProblem(v: unknown): string {
  return `expected "bypass" or "mute" (or no "mode" for an active node), got ${describe(v)}`;
}

function portList(ports: Readonly<Record<string, PortSpec>>): string {
  const names = Object.keys(ports);
  return names.length ? names.join(', ') : 'none';
}

export class Graph implements GraphReadModel {
  readonly registry: NodeRegistry;
  /**
   * The file's component definitions (format version 3), shared with the inner graphs of
   * those definitions: an instance anywhere resolves its definition here.
   */
  readonly components: ComponentSet;
  /** Optional/unknown top-level file keys (groups, comments, ui, unknown ones), in file order. */
  readonly extras: Record<string, unknown> = emptyRecord();

  private _name: string;
  private _description: string | undefined;
  private readonly nodes = new Map<string, GraphNode>();
  private edgeList: readonly Edge[] = Object.freeze([]);
  /** node → port → the edge into that input. */
  private readonly into = new Map<string, Map<string, Edge>>();
  /** node → edges leaving it, in edge order. */
  private readonly out = new Map<string, Edge[]>();
  private readonly listeners = new Set<(e: GraphEvent) => void>();
  private autoId = 1;

  constructor(registry: NodeRegistry, init: { name?: string; description?: string; components?: ComponentSet } = {}) {
    this.registry = registry;
    this.components = init.components ?? new ComponentSet();
    this._name = 'Untitled';
    if (init.name !== undefined) this.name = init.name;
    if (init.description !== undefined) this.description = init.description;
  }

  // ---- metadata -------------------------------------------------------------------------

  get name(): string {
    return this._name;
  }
  set name(v: string) {
    if (typeof v !== 'string') throw new GraphError(`the graph name must be a string, got ${describe(v)}`);
    if (v === this._name) return;
    this._name = v;
    this.emit({ kind: 'metaChanged' });
  }

  get description(): string | undefined {
    return this._description;
  }
  set description(v: string | undefined) {
    if (v !== undefined && typeof v !== 'string') throw new GraphError(`the graph description must be a string, got ${describe(v)}`);
    if (v === this._description) return;
    this._description = v;
    this.emit({ kind: 'metaChanged' });
  }

  /** Sets (or, with `undefined`, removes) a top-level extra such as `ui` or `groups`; emits metaChanged. */
  setExtra(key: string, value: unknown): void {
    if (GRAPH_FIELD_KEYS.includes(key)) throw new GraphError(`"${key}" is a graph field, not an extra key`);
    if (key === FORBIDDEN_KEY) throw new GraphError(forbiddenKeyMessage());
    if (value === undefined) {
      if (!hasOwn(this.extras, key)) return;
      delete this.extras[key];
    } else {
      const p = jsonDataProblem(value, key);
      if (p) throw new GraphError(`graph extra ${p.path}: ${p.message}`);
      setOwn(this.extras, key, cloneData(value));
    }
    this.emit({ kind: 'metaChanged' });
  }

  // ---- reading --------------------------------------------------------------------------

  getNode(id: string): GraphNode | undefined {
    return this.nodes.get(id);
  }

  nodeIds(): readonly string[] {
    return [...this.nodes.keys()];
  }

  get edges(): readonly Edge[] {
    return this.edgeList;
  }

  edgeInto(node: string, port: string): Edge | undefined {
    return this.into.get(node)?.get(port);
  }

  edgesFrom(node: string): Edge[] {
    return [...(this.out.get(node) ?? [])];
  }

  /** The node's definition; undefined for placeholders (unknown type) and unknown ids. */
  definitionOf(id: string): AnyNodeDefinition | undefined {
    const n = this.nodes.get(id);
    return n ? this.defOf(n) : undefined;
  }

  /** True when the node's type is unknown to the registry (kept verbatim, cannot run). */
  isPlaceholder(id: string): boolean {
    const n = this.nodes.get(id);
    return n !== undefined && !this.defOf(n);
  }

  /** Params with defaults filled in (placeholders: their stored params). */
  effectiveParams(id: string): Record<string, unknown> {
    const n = this.requireNode(id);
    const def = this.defOf(n);
    if (!def) return cloneData({ ...n.params });
    return effectiveParams(def, n.params);
  }

  /** Nodes none of whose outputs feed anything, plus every `image.save`; placeholders included. */
  sinks(): string[] {
    const result: string[] = [];
    for (const [id, n] of this.nodes) {
      if (n.type === 'image.save' || (this.out.get(id)?.length ?? 0) === 0) result.push(id);
    }
    return result;
  }

  // ---- commands -------------------------------------------------------------------------

  addNode(n: AddNodeInput): GraphNode {
    if (!isPlainObject(n)) throw new GraphError(`addNode expects an object, got ${describe(n)}`);
    const type: unknown = n.type;
    if (typeof type !== 'string' || type.length === 0) throw new GraphError(`a node type must be a non-empty string, got ${describe(type)}`);
    let id: string;
    if (n.id === undefined) {
      while (this.nodes.has(`n${this.autoId}`)) this.autoId++;
      id = `n${this.autoId++}`;
    } else {
      const bad = nodeIdProblem(n.id);
      if (bad) throw new GraphError(`invalid node id: ${bad}`);
      id = n.id;
      const existing = this.nodes.get(id);
      if (existing) throw new GraphError(`duplicate node id "${id}": a ${existing.type} node already has it`);
    }
    const component = this.checkedComponent(id, type, n.component);
    const def = component === undefined ? this.registry.get(type) : instanceDefinition(this.components.get(component)!);
    if (!def && !n.allowUnknownType) {
      const guess = closest(type, [...this.registry.list().map((d) => d.type), COMPONENT_TYPE]);
      throw new GraphError(`unknown node type "${type}" for node "${id}"${guess ? ` (did you mean ${guess}?)` : ''}`);
    }
    const params = this.checkedParams(id, n.deferParamChecks ? undefined : def, n.params ?? {});
    let position = ORIGIN;
    if (n.position !== undefined) {
      const bad = positionProblems(n.position, 'position');
      if (bad.length) throw new GraphError(`node "${id}" ${bad[0]!.path}: ${bad[0]!.message}`);
      position = clonePosition(n.position);
    }
    if (n.mode !== undefined && !NODE_MODES.includes(n.mode)) throw new GraphError(`node "${id}" mode: ${modeProblem(n.mode)}`);
    const extra = emptyRecord();
    if (n.extra !== undefined) {
      if (!isPlainObject(n.extra)) throw new GraphError(`node "${id}" extra: expected an object, got ${describe(n.extra)}`);
      for (const k of Object.keys(n.extra)) {
        if (NODE_FIELD_KEYS.includes(k)) throw new GraphError(`node "${id}" extra key "${k}" collides with the node field of that name`);
        const bad = jsonDataProblem(n.extra[k], k);
        if (bad) throw new GraphError(`node "${id}" ${bad.path}: ${bad.message}`);
        setOwn(extra, k, deepFreeze(cloneData(n.extra[k])));
      }
    }
    const node: GraphNode = Object.freeze({ id, type, ...(component !== undefined ? { component } : {}), params, position, ...(n.mode ? { mode: n.mode } : {}), extra: Object.freeze(extra) });
    this.nodes.set(id, node);
    this.emit({ kind: 'nodeAdded', node });
    return node;
  }

  /** Removes a node and every edge touching it (emitting `disconnected` for each first). */
  removeNode(id: string): void {
    this.requireNode(id);
    const touching = this.edgeList.filter((e) => e.from.node === id || e.to.node === id);
    for (const e of touching) this.removeEdge(e);
    this.nodes.delete(id);
    this.into.delete(id);
    this.out.delete(id);
    // Mutate first, then notify, so a throwing listener cannot leave a half-removed node.
    this.emitAll([...touching.map((edge): GraphEvent => ({ kind: 'disconnected', edge })), { kind: 'nodeRemoved', id }]);
  }

  /**
   * Why `from → to` cannot be connected, or null if it can: missing node or port, port
   * type mismatch, an input that already has an edge, a self-loop or a cycle. With
   * `replacing`, an existing edge into `to` is not a problem (the caller removes it first,
   * as the editor does when a wire is dropped on an occupied input).
   */
  checkConnect(from: PortRef, to: PortRef, opts: { replacing?: boolean } = {}): ConnectProblem | null {
    for (const [side, ref] of [['from', from], ['to', to]] as const) {
      if (!isPlainObject(ref)) return { field: side, message: `expected { node, port }, got ${describe(ref)}` };
      if (typeof ref.node !== 'string') return { field: `${side}.node`, message: `expected a node id string, got ${describe(ref.node)}` };
      const bad = portNameProblem(ref.port);
      if (bad) return { field: `${side}.port`, message: bad };
    }
    const fromNode = this.nodes.get(from.node);
    if (!fromNode) return { field: 'from.node', message: this.noNode(from.node) };
    const toNode = this.nodes.get(to.node);
    if (!toNode) return { field: 'to.node', message: this.noNode(to.node) };
    const fromDef = this.defOf(fromNode);
    const toDef = this.defOf(toNode);
    const outSpec = fromDef && hasOwn(fromDef.outputs, from.port) ? fromDef.outputs[from.port] : undefined;
    if (fromDef && !outSpec) {
      return { field: 'from.port', message: `node "${from.node}" (${fromNode.type}) has no output port "${from.port}"; its outputs: ${portList(fromDef.outputs)}` };
    }
    const inSpec = toDef && hasOwn(toDef.inputs, to.port) ? toDef.inputs[to.port] : undefined;
    if (toDef && !inSpec) {
      return { field: 'to.port', message: `node "${to.node}" (${toNode.type}) has no input port "${to.port}"; its inputs: ${portList(toDef.inputs)}` };
    }
    if (from.node === to.node) {
      return { field: '', message: `connecting ${formatPortRef(from)} → ${formatPortRef(to)} would connect node "${from.node}" to itself` };
    }
    const existing = opts.replacing ? undefined : this.edgeInto(to.node, to.port);
    if (existing) {
      return { field: 'to', message: `input ${formatPortRef(to)} already has an edge from ${formatPortRef(existing.from)}; an input takes one edge` };
    }
    // A graph.output takes any type: the instance's output gets the type wired into it.
    if (outSpec && inSpec && toNode.type !== GRAPH_OUTPUT_TYPE && !canConnect(outSpec.type, inSpec.type)) {
      return { field: '', message: `cannot connect ${outSpec.type} output ${formatPortRef(from)} to ${inSpec.type} input ${formatPortRef(to)}` };
    }
    const path = this.findPath(to.node, from.node);
    if (path) {
      return { field: '', message: `connecting ${formatPortRef(from)} → ${formatPortRef(to)} would close the cycle ${[from.node, ...path].join(' → ')}` };
    }
    return null;
  }

  connect(from: PortRef, to: PortRef, extra?: Record<string, unknown>): Edge {
    const problem = this.checkConnect(from, to);
    if (problem) {
      const whole = problem.field === '' || problem.field === 'to';
      const label = isPlainObject(from) && isPlainObject(to) ? `${formatPortRef(from)} → ${formatPortRef(to)}` : 'edge';
      throw new GraphError(whole ? problem.message : `connect ${label}: ${problem.message}`);
    }
    let edgeExtra: Record<string, unknown> | undefined;
    if (extra !== undefined) {
      if (!isPlainObject(extra)) throw new GraphError(`edge ${formatPortRef(from)} → ${formatPortRef(to)} extra: expected an object, got ${describe(extra)}`);
      for (const k of Object.keys(extra)) {
        if (EDGE_FIELD_KEYS.includes(k)) throw new GraphError(`edge ${formatPortRef(from)} → ${formatPortRef(to)} extra key "${k}" collides with the edge field of that name`);
        const bad = jsonDataProblem(extra[k], k);
        if (bad) throw new GraphError(`edge ${formatPortRef(from)} → ${formatPortRef(to)} ${bad.path}: ${bad.message}`);
        edgeExtra ??= emptyRecord();
        setOwn(edgeExtra, k, deepFreeze(cloneData(extra[k])));
      }
    }
    const edge: Edge = Object.freeze({
      from: Object.freeze({ node: from.node, port: from.port }),
      to: Object.freeze({ node: to.node, port: to.port }),
      ...(edgeExtra ? { extra: Object.freeze(edgeExtra) } : {}),
    });
    this.edgeList = Object.freeze([...this.edgeList, edge]);
    let ports = this.into.get(to.node);
    if (!ports) this.into.set(to.node, (ports = new Map()));
    ports.set(to.port, edge);
    const outs = this.out.get(from.node);
    if (outs) outs.push(edge);
    else this.out.set(from.node, [edge]);
    this.emit({ kind: 'connected', edge });
    return edge;
  }

  /**
   * Sets (or, with `undefined`, removes) an extra key of the edge feeding input `to`: view
   * data kept with the edge in the file, such as its reroute points. Emits edgeChanged.
   */
  setEdgeExtra(to: PortRef, key: string, value: unknown): void {
    if (!isPlainObject(to) || typeof to.node !== 'string' || typeof to.port !== 'string') throw new GraphError(`setEdgeExtra expects { node, port }, got ${describe(to)}`);
    const edge = this.edgeInto(to.node, to.port);
    if (!edge) throw new GraphError(`input ${formatPortRef(to)} has no edge`);
    const label = `edge ${formatPortRef(edge.from)} → ${formatPortRef(edge.to)}`;
    if (EDGE_FIELD_KEYS.includes(key) || key === FORBIDDEN_KEY) throw new GraphError(`${label} extra key "${key}" cannot be set (it is reserved)`);
    const extra = emptyRecord();
    for (const k of Object.keys(edge.extra ?? {})) if (k !== key) setOwn(extra, k, edge.extra![k]);
    if (value !== undefined) {
      const bad = jsonDataProblem(value, key);
      if (bad) throw new GraphError(`${label} ${bad.path}: ${bad.message}`);
      setOwn(extra, key, deepFreeze(cloneData(value)));
    } else if (!hasOwn(edge.extra ?? {}, key)) return;
    const next: Edge = Object.freeze({ from: edge.from, to: edge.to, ...(Object.keys(extra).length ? { extra: Object.freeze(extra) } : {}) });
    this.edgeList = Object.freeze(this.edgeList.map((e) => (e === edge ? next : e)));
    this.into.get(to.node)!.set(to.port, next);
    const outs = this.out.get(edge.from.node)!;
    outs[outs.indexOf(edge)] = next;
    this.emit({ kind: 'edgeChanged', edge: next });
  }

  /** Removes the edge feeding input `to`. */
  disconnect(to: PortRef): void {
    if (!isPlainObject(to) || typeof to.node !== 'string' || typeof to.port !== 'string') {
      throw new GraphError(`disconnect expects { node, port }, got ${describe(to)}`);
    }
    this.requireNode(to.node);
    const edge = this.edgeInto(to.node, to.port);
    if (!edge) throw new GraphError(`input ${formatPortRef(to)} has no edge to disconnect`);
    this.removeEdge(edge);
    this.emit({ kind: 'disconnected', edge });
  }

  /** Sets a param (validated against its spec and the node's cross-param check); `undefined` resets it to the default. */
  setParam(id: string, name: string, value: unknown): void {
    const node = this.requireNode(id);
    const def = this.defOf(node);
    if (!def) throw new GraphError(`node "${id}" has unknown type "${node.type}" (placeholder); its params cannot be changed`);
    if (typeof name !== 'string' || !hasOwn(def.params, name)) {
      const names = Object.keys(def.params);
      throw new GraphError(`node "${id}" (${node.type}) has no param ${describe(name)}; its params: ${names.length ? names.join(', ') : 'none'}`);
    }
    const next = emptyRecord();
    for (const k of Object.keys(node.params)) if (k !== name) setOwn(next, k, node.params[k]);
    if (value !== undefined) setOwn(next, name, value);
    if (hasOwn(node.params, name) === (value !== undefined) && (value === undefined || dataEqual(node.params[name], value))) return;
    const params = this.checkedParams(id, def, next);
    this.replaceNode({ ...node, params });
    this.emit({ kind: 'paramChanged', id, name, value: params[name] });
  }

  setPosition(id: string, p: Position): void {
    const node = this.requireNode(id);
    const bad = positionProblems(p, 'position');
    if (bad.length) throw new GraphError(`node "${id}" ${bad[0]!.path}: ${bad[0]!.message}`);
    const position = clonePosition(p);
    if (position.x === node.position.x && position.y === node.position.y) return;
    this.replaceNode({ ...node, position });
    this.emit({ kind: 'positionChanged', id, position });
  }

  /** Bypasses or mutes a node; `undefined` makes it active again. Emits modeChanged. */
  setMode(id: string, mode: NodeMode | undefined): void {
    const node = this.requireNode(id);
    if (mode !== undefined && !NODE_MODES.includes(mode)) throw new GraphError(`node "${id}" mode: ${modeProblem(mode)}`);
    if (node.mode === mode) return;
    const { mode: _old, ...rest } = node;
    void _old;
    this.replaceNode(mode ? { ...rest, mode } : rest);
    this.emit({ kind: 'modeChanged', id, mode });
  }

  /** Subscribes to graph events; returns the unsubscribe function. */
  on(listener: (e: GraphEvent) => void): () => void {
    const wrapped = (e: GraphEvent) => listener(e);
    this.listeners.add(wrapped);
    return () => {
      this.listeners.delete(wrapped);
    };
  }

  // ---- internals ------------------------------------------------------------------------

  /**
   * The node's definition: the registry's; for a graph.input, with the output type its
   * `kind` says; for a component instance, its definition's ports and promoted params.
   */
  private defOf(n: GraphNode): AnyNodeDefinition | undefined {
    if (n.type === COMPONENT_TYPE) {
      const c = n.component === undefined ? undefined : this.components.get(n.component);
      return c ? instanceDefinition(c) : undefined;
    }
    const def = this.registry.get(n.type);
    if (def && n.type === GRAPH_INPUT_TYPE) {
      const type = inputKindType(hasOwn(n.params, 'kind') ? n.params.kind : def.params.kind?.default);
      if (type !== 'image') return { ...def, outputs: { value: { type } } };
    }
    return def;
  }

  /** The `component` of a new node: required (and known) for a `component` node, refused on others. */
  private checkedComponent(id: string, type: string, component: unknown): string | undefined {
    if (type !== COMPONENT_TYPE) {
      if (component !== undefined) throw new GraphError(`node "${id}" (${type}) has a "component" key; only a "${COMPONENT_TYPE}" node names a component`);
      return undefined;
    }
    if (typeof component !== 'string') throw new GraphError(`node "${id}" is a component instance without a "component" id (got ${describe(component)})`);
    if (!this.components.has(component)) {
      const ids = this.components.ids();
      throw new GraphError(`node "${id}": unknown component "${component}" (components: ${ids.length ? ids.join(', ') : 'none'})`);
    }
    return component;
  }

  private requireNode(id: string): GraphNode {
    const n = typeof id === 'string' ? this.nodes.get(id) : undefined;
    if (!n) throw new GraphError(this.noNode(id));
    return n;
  }

  private noNode(id: unknown): string {
    if (typeof id !== 'string') return `no node ${describe(id)}`;
    const guess = closest(id, this.nodes.keys());
    return `no node "${id}"${guess ? ` (did you mean "${guess}"?)` : ''}`;
  }

  /** Validates explicit params; returns a frozen, null-prototype copy in the given order. */
  private checkedParams(id: string, def: AnyNodeDefinition | undefined, params: unknown): Readonly<Record<string, unknown>> {
    if (!isPlainObject(params)) throw new GraphError(`node "${id}" params: expected an object, got ${describe(params)}`);
    if (hasOwn(params, FORBIDDEN_KEY)) throw new GraphError(`node "${id}" param ${FORBIDDEN_KEY}: ${forbiddenKeyMessage()}`);
    if (def) {
      const problems = validateParams(def, params);
      if (problems.length) {
        throw new GraphError(problems.map((p) => (p.param === null ? `node "${id}": ${p.message}` : `node "${id}" param ${p.param}: ${p.message}`)).join('; '));
      }
    } else {
      for (const k of Object.keys(params)) {
        const bad = jsonDataProblem(params[k], k);
        if (bad) throw new GraphError(`node "${id}" param ${bad.path}: ${bad.message}`);
      }
    }
    const out = emptyRecord();
    for (const k of Object.keys(params)) setOwn(out, k, deepFreeze(cloneData(params[k])));
    return Object.freeze(out);
  }

  /**
   * Puts the nodes in `order` (ids not listed keep their order after those listed). Node
   * order is the file's and, in a definition, the order of the instance's ports.
   */
  reorder(order: readonly string[]): void {
    const rank = new Map(order.map((id, i) => [id, i]));
    const all = [...this.nodes.entries()].map(([id, n], i) => ({ id, n, r: rank.get(id) ?? order.length + i }));
    all.sort((a, b) => a.r - b.r);
    this.nodes.clear();
    for (const { id, n } of all) this.nodes.set(id, n);
    this.emit({ kind: 'metaChanged' });
  }

  private replaceNode(n: GraphNode): void {
    this.nodes.set(n.id, Object.freeze(n));
  }

  private removeEdge(edge: Edge): void {
    this.edgeList = Object.freeze(this.edgeList.filter((e) => e !== edge));
    const ports = this.into.get(edge.to.node);
    if (ports?.get(edge.to.port) === edge) ports.delete(edge.to.port);
    const outs = this.out.get(edge.from.node);
    if (outs) {
      const i = outs.indexOf(edge);
      if (i >= 0) outs.splice(i, 1);
    }
  }

  /** Node ids of a directed path start → … → goal along edges, or null. */
  private findPath(start: string, goal: string): string[] | null {
    const parent = new Map<string, string | null>([[start, null]]);
    const queue = [start];
    for (let qi = 0; qi < queue.length; qi++) {
      const cur = queue[qi]!;
      if (cur === goal) {
        const path: string[] = [];
        for (let at: string | null = cur; at !== null; at = parent.get(at) ?? null) path.push(at);
        return path.reverse();
      }
      for (const e of this.out.get(cur) ?? []) {
        if (!parent.has(e.to.node)) {
          parent.set(e.to.node, cur);
          queue.push(e.to.node);
        }
      }
    }
    return null;
  }

  private emit(e: GraphEvent): void {
    this.emitAll([e]);
  }

  /** Delivers events to every listener; a throwing listener does not stop the others (the first error is rethrown after). */
  private emitAll(events: readonly GraphEvent[]): void {
    let firstError: unknown;
    let failed = false;
    const listeners = [...this.listeners];
    for (const e of events) {
      for (const l of listeners) {
        try {
          l(e);
        } catch (err) {
          if (!failed) {
            failed = true;
            firstError = err;
          }
        }
      }
    }
    if (failed) throw firstError;
  }
}
