/**
 * A tiny GraphReadModel for engine tests, independent of src/engine/graph.ts. No validation:
 * tests wire it correctly (or deliberately wrongly).
 */
import type { Edge, GraphNode, GraphReadModel, NodeMode } from '../../src/engine/types';

export class ToyGraph implements GraphReadModel {
  private readonly nodes = new Map<string, GraphNode>();
  edges: Edge[] = [];

  getNode(id: string): GraphNode | undefined {
    return this.nodes.get(id);
  }

  nodeIds(): readonly string[] {
    return [...this.nodes.keys()];
  }

  edgeInto(node: string, port: string): Edge | undefined {
    return this.edges.find((e) => e.to.node === node && e.to.port === port);
  }

  add(id: string, type: string, params: Record<string, unknown> = {}): this {
    this.nodes.set(id, { id, type, params: { ...params }, position: { x: 0, y: 0 }, extra: {} });
    return this;
  }

  /** Wires `from.fromPort` into `to.toPort` (replacing an edge already there). */
  connect(from: string, fromPort: string, to: string, toPort: string): this {
    this.edges = this.edges.filter((e) => !(e.to.node === to && e.to.port === toPort));
    this.edges.push({ from: { node: from, port: fromPort }, to: { node: to, port: toPort } });
    return this;
  }

  /** Sets one param; `undefined` removes it (back to the default). */
  set(id: string, name: string, value: unknown): this {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    const params: Record<string, unknown> = { ...n.params };
    if (value === undefined) delete params[name];
    else params[name] = value;
    this.nodes.set(id, { ...n, params });
    return this;
  }

  /** Bypasses or mutes a node; `undefined` makes it active. */
  mode(id: string, mode: NodeMode | undefined): this {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    const { mode: _old, ...rest } = n;
    void _old;
    this.nodes.set(id, mode ? { ...rest, mode } : rest);
    return this;
  }
}
