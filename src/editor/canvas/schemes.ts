/** Rete view objects of the editor: one per graph node and edge, mirroring src/engine/graph.ts. */
import { ClassicPreset, type GetSchemes } from 'rete';
import type { NodeCatalogEntry } from '../../engine/registry';
import type { Graph } from '../../engine/graph';
import type { NodeMode, PortType } from '../../engine/types';

export type SocketType = PortType | 'any';

export class PortSocket extends ClassicPreset.Socket {
  constructor(readonly portType: SocketType) {
    super(portType);
  }
}

export class EditorNode extends ClassicPreset.Node<Record<string, PortSocket>, Record<string, PortSocket>, Record<string, never>> {
  /** Measured size (minimap, auto-arrange, visibility). */
  width = 248;
  height = 200;
  /** Explicit params: kept equal to the graph node's, so undo of a removal restores them. */
  params: Record<string, unknown>;
  extra: Record<string, unknown>;
  /** Bypassed or muted (kept equal to the graph node's, so undo of a removal restores it). */
  mode: NodeMode | undefined = undefined;
  /** A component instance's definition id (kept equal to the graph node's, for undo). */
  component: string | undefined = undefined;

  constructor(
    id: string,
    readonly type: string,
    readonly entry: NodeCatalogEntry | undefined,
    params: Record<string, unknown>,
    extra: Record<string, unknown> = {},
    placeholderPorts: { inputs: string[]; outputs: string[] } = { inputs: [], outputs: [] },
  ) {
    super(entry?.title ?? type);
    this.id = id;
    this.params = params;
    this.extra = extra;
    if (entry) {
      for (const [name, spec] of Object.entries(entry.inputs)) this.addInput(name, new ClassicPreset.Input(new PortSocket(spec.type), spec.label ?? name, false));
      for (const [name, spec] of Object.entries(entry.outputs)) this.addOutput(name, new ClassicPreset.Output(new PortSocket(spec.type), spec.label ?? name, true));
    } else {
      for (const name of placeholderPorts.inputs) this.addInput(name, new ClassicPreset.Input(new PortSocket('any'), name, false));
      for (const name of placeholderPorts.outputs) this.addOutput(name, new ClassicPreset.Output(new PortSocket('any'), name, true));
    }
  }

  get placeholder(): boolean {
    return this.entry === undefined;
  }
}

export function connectionId(from: { node: string; port: string }, to: { node: string; port: string }): string {
  return `${from.node}.${from.port}->${to.node}.${to.port}`;
}

export class EditorConnection extends ClassicPreset.Connection<EditorNode, EditorNode> {
  isLoop?: boolean;
  constructor(
    source: EditorNode,
    sourceOutput: string,
    target: EditorNode,
    targetInput: string,
    readonly portType: SocketType,
  ) {
    super(source, sourceOutput as never, target, targetInput as never);
    this.id = connectionId({ node: source.id, port: sourceOutput }, { node: target.id, port: targetInput });
  }
}

export type Schemes = GetSchemes<EditorNode, EditorConnection>;

/** Ports of placeholder nodes, taken from the edges that touch them. */
export function placeholderPorts(graph: Graph): Map<string, { inputs: string[]; outputs: string[] }> {
  const out = new Map<string, { inputs: string[]; outputs: string[] }>();
  const get = (id: string) => {
    let p = out.get(id);
    if (!p) out.set(id, (p = { inputs: [], outputs: [] }));
    return p;
  };
  for (const e of graph.edges) {
    if (graph.isPlaceholder(e.from.node)) {
      const p = get(e.from.node);
      if (!p.outputs.includes(e.from.port)) p.outputs.push(e.from.port);
    }
    if (graph.isPlaceholder(e.to.node)) {
      const p = get(e.to.node);
      if (!p.inputs.includes(e.to.port)) p.inputs.push(e.to.port);
    }
  }
  return out;
}
