/**
 * Components (DESIGN.md §2b, format version 3): a graph used as one node. A file's
 * definitions live in one ComponentSet shared by the top-level graph and every definition's
 * inner graph, so instances anywhere resolve the same (linked) definition. An instance is a
 * node of type `component` whose `component` key names its definition; its ports are the
 * definition's `graph.input` / `graph.output` nodes (in node order) and its params are the
 * definition's promoted params, with the inner param's schema and the definition's value
 * as default. Instances never compute: flatten.ts expands them before evaluation.
 */
import type { Graph } from './graph';
import type { AnyNodeDefinition, ParamSpec, PortSpec, PortType } from './types';

export const COMPONENT_TYPE = 'component';
export const GRAPH_INPUT_TYPE = 'graph.input';
export const GRAPH_OUTPUT_TYPE = 'graph.output';
const PORT_TYPES: readonly PortType[] = ['image', 'mask', 'latent', 'number'];

/** An inner param shown on every instance under `name`. */
export interface PromotedParam {
  readonly name: string;
  /** Id of the inner node (may itself be an instance: then `param` is one of its promoted names). */
  readonly node: string;
  readonly param: string;
}

export interface ComponentDefinition {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  /** The inner graph; shares its ComponentSet with the graph that uses the component. */
  readonly graph: Graph;
  /** Promoted params, in the order instances show them. */
  readonly params: readonly PromotedParam[];
  /** Unknown keys of the definition object, preserved and written back. */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** The component definitions of one file, by id. */
export class ComponentSet {
  private readonly defs = new Map<string, ComponentDefinition>();

  get(id: string): ComponentDefinition | undefined {
    return this.defs.get(id);
  }
  has(id: string): boolean {
    return this.defs.has(id);
  }
  ids(): string[] {
    return [...this.defs.keys()];
  }
  get size(): number {
    return this.defs.size;
  }
  /** Adds or replaces a definition. */
  set(def: ComponentDefinition): void {
    this.defs.set(def.id, def);
  }
  delete(id: string): boolean {
    return this.defs.delete(id);
  }
}

/** The port type of a graph.input node's `kind` param (image when unset or unknown). */
export function inputKindType(kind: unknown): PortType {
  return PORT_TYPES.includes(kind as PortType) ? (kind as PortType) : 'image';
}

/** The socket name of a graph.input / graph.output node. */
export function boundaryName(graph: Graph, id: string): string {
  const name = graph.effectiveParams(id).name;
  return typeof name === 'string' ? name : '';
}

/** Ids of the definition's graph.input (or graph.output) nodes, in node order. */
export function boundaryNodes(graph: Graph, type: typeof GRAPH_INPUT_TYPE | typeof GRAPH_OUTPUT_TYPE): string[] {
  return graph.nodeIds().filter((id) => graph.getNode(id)!.type === type);
}

/** The type flowing out of `node.port` in `graph` (image when it cannot be told). */
export function sourceType(graph: Graph, node: string, port: string): PortType {
  const def = graph.definitionOf(node);
  const spec = def && Object.prototype.hasOwnProperty.call(def.outputs, port) ? def.outputs[port] : undefined;
  return spec?.type ?? 'image';
}

function noCompute(): never {
  throw new Error('a component instance is expanded into its nodes before it runs (engine/flatten.ts)');
}

/** The node definition every instance of `def` has: its ports and promoted params. */
export function instanceDefinition(def: ComponentDefinition): AnyNodeDefinition {
  const g = def.graph;
  const inputs: Record<string, PortSpec> = {};
  for (const id of boundaryNodes(g, GRAPH_INPUT_TYPE)) {
    const p = g.effectiveParams(id);
    const type = inputKindType(p.kind);
    const name = boundaryName(g, id);
    if (!Object.prototype.hasOwnProperty.call(inputs, name)) inputs[name] = { type, ...(type === 'number' ? { optional: true } : {}) };
  }
  const outputs: Record<string, PortSpec> = {};
  for (const id of boundaryNodes(g, GRAPH_OUTPUT_TYPE)) {
    const e = g.edgeInto(id, 'value');
    const name = boundaryName(g, id);
    if (!Object.prototype.hasOwnProperty.call(outputs, name)) outputs[name] = { type: e ? sourceType(g, e.from.node, e.from.port) : 'image' };
  }
  const params: Record<string, ParamSpec> = {};
  for (const p of def.params) {
    const inner = g.definitionOf(p.node);
    const spec = inner && Object.prototype.hasOwnProperty.call(inner.params, p.param) ? (inner.params[p.param] as ParamSpec) : undefined;
    if (!spec || Object.prototype.hasOwnProperty.call(params, p.name)) continue;
    const value = g.effectiveParams(p.node)[p.param];
    params[p.name] = { ...spec, default: value, label: p.name } as ParamSpec;
  }
  return Object.freeze({
    type: COMPONENT_TYPE,
    title: def.name,
    category: 'Components',
    description: def.description ?? `Component "${def.id}"`,
    version: 1,
    inputs: Object.freeze(inputs),
    outputs: Object.freeze(outputs),
    params: Object.freeze(params),
    compute: noCompute,
  });
}

/**
 * The components `def` uses directly: component id → index of the first inner node that
 * is an instance of it.
 */
export function directUses(graph: Graph): Map<string, string> {
  const uses = new Map<string, string>();
  for (const id of graph.nodeIds()) {
    const n = graph.getNode(id)!;
    if (n.type === COMPONENT_TYPE && n.component !== undefined && !uses.has(n.component)) uses.set(n.component, id);
  }
  return uses;
}

/**
 * The chain `a → b → … → target` when definition `from` uses `target` (directly or through
 * others), else null. Used to refuse an edit that would make a component contain itself.
 */
export function usesChain(set: ComponentSet, from: string, target: string): string[] | null {
  const seen = new Set<string>();
  const walk = (id: string): string[] | null => {
    if (seen.has(id)) return null;
    seen.add(id);
    const def = set.get(id);
    if (!def) return null;
    for (const used of directUses(def.graph).keys()) {
      if (used === target) return [id, target];
      const rest = walk(used);
      if (rest) return [id, ...rest];
    }
    return null;
  };
  return walk(from);
}
