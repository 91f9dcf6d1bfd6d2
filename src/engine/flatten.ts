/**
 * Component instances expanded before evaluation (DESIGN.md §2b). The flat graph has only
 * registry node types; a node inside instance `s1` is `s1/blur` (nested: `s1/inner/blur`).
 * A graph.input inside an instance is replaced by the wire into the instance's input of its
 * name (kept as a node only when nothing feeds it: a number input then gives its default),
 * a graph.output by the wire into it. Promoted params of an instance become the inner
 * node's params. So an instance evaluates exactly as the hand-flattened graph: the same
 * nodes, params and wires give the same signatures, the same bits, and two instances with
 * the same inputs and params compute once (the signature cache).
 *
 * A muted instance mutes every node inside it; a bypassed one is not expanded and each of
 * its outputs passes the first instance input of the same type, as for any node.
 */
import { COMPONENT_TYPE, GRAPH_INPUT_TYPE, GRAPH_OUTPUT_TYPE, boundaryName, boundaryNodes, instanceDefinition, type ComponentDefinition } from './components';
import { GraphError } from './errors';
import { Graph } from './graph';
import { passThroughPorts } from './modes';
import { hasOwn } from './params';
import type { GraphNode, PortRef } from './types';

export interface FlatGraph {
  /** The expanded graph: registry node types only, ids are node paths. */
  readonly graph: Graph;
  /**
   * The flat output that output `port` of node `path` (a top-level id or a path into
   * instances, e.g. `s1` or `s1/inner`) stands for; null when nothing flows there (an
   * unconnected graph.output, a bypassed node with no input to pass).
   */
  resolve(path: string, port: string): PortRef | null;
  /** The flat output that feeds input `port` of node `path` (e.g. an inner graph.output's wire); null when unwired. */
  resolveInput(path: string, port: string): PortRef | null;
  /** The flat node paths inside instance `path` (every depth), in graph order; [] for other nodes. */
  inside(path: string): readonly string[];
  /** True when `path` is a component instance (at any depth). */
  isInstance(path: string): boolean;
  /** Every instance path (at any depth), outer before inner. */
  instances(): readonly string[];
  /** The output port names of instance `path` ([] for other nodes). */
  instanceOutputs(path: string): readonly string[];
}

/** Flat graph → how it was made, for callers that get only the flat graph (file planning). */
const origins = new WeakMap<Graph, FlatGraph>();

/** The FlatGraph a flat graph came from (undefined for a graph flattenGraph did not make). */
export function flatOrigin(g: Graph): FlatGraph | undefined {
  return origins.get(g);
}

/** One graph being expanded: the top level, or a definition inside an instance. */
interface Level {
  readonly graph: Graph;
  /** '' at the top, else the instance path followed by '/'. */
  readonly prefix: string;
  readonly parent?: Level;
  /** The instance node in the parent (absent at the top). */
  readonly instance?: GraphNode;
}

/**
 * The graph with every component instance expanded (the input graph is not changed; a graph
 * without instances is returned as it is).
 */
export function flattenGraph(g: Graph): FlatGraph {
  if (!g.nodeIds().some((id) => g.getNode(id)!.type === COMPONENT_TYPE)) {
    // Nothing to expand: the graph itself (callers that change the flat graph own it).
    return {
      graph: g,
      resolve: (path, port) => (g.getNode(path) ? { node: path, port } : null),
      resolveInput: (path, port) => {
        const e = g.edgeInto(path, port);
        return e ? { ...e.from } : null;
      },
      inside: () => [],
      isInstance: () => false,
      instances: () => [],
      instanceOutputs: () => [],
    };
  }
  const flat = new Graph(g.registry, { name: g.name, ...(g.description !== undefined ? { description: g.description } : {}) });
  const levels = new Map<string, Level>();
  const insideOf = new Map<string, string[]>();
  const top: Level = { graph: g, prefix: '' };

  const addFlat = (path: string, n: GraphNode, params: Record<string, unknown>, mute: boolean, owners: readonly string[]): void => {
    if (flat.getNode(path)) throw new GraphError(`node path "${path}" names two nodes (an instance's inner node and a node of that id); rename one`);
    flat.addNode({
      id: path,
      type: n.type,
      params,
      position: n.position,
      ...(mute ? { mode: 'mute' as const } : n.mode ? { mode: n.mode } : {}),
      allowUnknownType: true,
      deferParamChecks: true,
    });
    for (const o of owners) insideOf.get(o)!.push(path);
  };

  const expand = (level: Level, overrides: ReadonlyMap<string, Record<string, unknown>>, mute: boolean, owners: readonly string[]): void => {
    const { graph, prefix } = level;
    for (const id of graph.nodeIds()) {
      const n = graph.getNode(id)!;
      const path = prefix + id;
      const params = { ...n.params, ...(overrides.get(id) ?? {}) };
      if (n.type === COMPONENT_TYPE) {
        const def = n.component === undefined ? undefined : g.components.get(n.component);
        if (!def) throw new GraphError(`node "${path}": unknown component "${n.component ?? ''}"`);
        insideOf.set(path, []);
        const inner: Level = { graph: def.graph, prefix: `${path}/`, parent: level, instance: { ...n, params } };
        levels.set(path, inner);
        if (n.mode === 'bypass') continue;
        expand(inner, promotedOverrides(def, params), mute || n.mode === 'mute', [...owners, path]);
      } else if (level.parent && n.type === GRAPH_INPUT_TYPE) {
        // Kept only when nothing feeds the instance's input of this name.
        if (!level.parent.graph.edgeInto(level.instance!.id, boundaryName(graph, id))) addFlat(path, n, params, mute, owners);
      } else if (level.parent && n.type === GRAPH_OUTPUT_TYPE) {
        continue;
      } else addFlat(path, n, params, mute, owners);
    }
  };

  const resolveIn = (level: Level, node: string, port: string): PortRef | null => {
    const n = level.graph.getNode(node);
    if (!n) return null;
    const path = level.prefix + node;
    if (n.type === GRAPH_INPUT_TYPE && level.parent) {
      const e = level.parent.graph.edgeInto(level.instance!.id, boundaryName(level.graph, node));
      return e ? resolveIn(level.parent, e.from.node, e.from.port) : { node: path, port };
    }
    if (n.type === COMPONENT_TYPE) {
      const inner = levels.get(path)!;
      const def = g.components.get(n.component!)!;
      if (n.mode === 'bypass') {
        const route = passThroughPorts(instanceDefinition(def))[port];
        const e = route ? level.graph.edgeInto(node, route) : undefined;
        return e ? resolveIn(level, e.from.node, e.from.port) : null;
      }
      const out = boundaryNodes(def.graph, GRAPH_OUTPUT_TYPE).find((o) => boundaryName(def.graph, o) === port);
      const e = out === undefined ? undefined : def.graph.edgeInto(out, 'value');
      return e ? resolveIn(inner, e.from.node, e.from.port) : null;
    }
    return { node: path, port };
  };

  const connect = (level: Level): void => {
    const { graph, prefix } = level;
    for (const e of graph.edges) {
      const to = graph.getNode(e.to.node)!;
      // Wires into an instance are followed from inside it; into an inner graph.output, from its consumers.
      if (to.type === COMPONENT_TYPE || (level.parent && to.type === GRAPH_OUTPUT_TYPE)) continue;
      const src = resolveIn(level, e.from.node, e.from.port);
      if (!src || !flat.getNode(src.node)) continue;
      const target = { node: prefix + e.to.node, port: e.to.port };
      const problem = flat.checkConnect(src, target);
      if (problem) throw new GraphError(`wire ${src.node}.${src.port} → ${target.node}.${target.port}: ${problem.message}`);
      flat.connect(src, target);
    }
    for (const id of graph.nodeIds()) {
      const n = graph.getNode(id)!;
      if (n.type === COMPONENT_TYPE && n.mode !== 'bypass') connect(levels.get(prefix + id)!);
    }
  };

  expand(top, new Map(), false, []);
  connect(top);
  for (const [k, v] of Object.entries(g.extras)) flat.setExtra(k, v);
  const result: FlatGraph = {
    graph: flat,
    resolve(path, port) {
      const slash = path.lastIndexOf('/');
      const level = slash < 0 ? top : levels.get(path.slice(0, slash));
      return level ? resolveIn(level, slash < 0 ? path : path.slice(slash + 1), port) : null;
    },
    resolveInput(path, port) {
      const slash = path.lastIndexOf('/');
      const level = slash < 0 ? top : levels.get(path.slice(0, slash));
      const e = level?.graph.edgeInto(slash < 0 ? path : path.slice(slash + 1), port);
      return level && e ? resolveIn(level, e.from.node, e.from.port) : null;
    },
    inside: (path) => insideOf.get(path) ?? [],
    isInstance: (path) => levels.has(path),
    instances: () => [...levels.keys()],
    instanceOutputs(path) {
      const level = levels.get(path);
      return level ? boundaryNodes(level.graph, GRAPH_OUTPUT_TYPE).map((o) => boundaryName(level.graph, o)) : [];
    },
  };
  origins.set(flat, result);
  return result;
}

/** Inner node id → the params an instance's promoted values set on it. */
function promotedOverrides(def: ComponentDefinition, instanceParams: Readonly<Record<string, unknown>>): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const p of def.params) {
    if (!hasOwn(instanceParams, p.name)) continue;
    let o = out.get(p.node);
    if (!o) out.set(p.node, (o = {}));
    o[p.param] = instanceParams[p.name];
  }
  return out;
}
