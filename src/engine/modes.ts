/**
 * Bypass and mute in evaluation (graph format version 2, a node's `mode`): which input a
 * bypassed node passes to each output, and what a node's mode means for a run before it
 * would compute.
 */
import type { NodeRegistry } from './registry';
import { definitionIn, type AnyNodeDefinition, type GraphReadModel } from './types';

/**
 * A bypassed node's routing: for each output, the first input port of the same port type
 * (in declaration order), or null when it has none.
 */
export function passThroughPorts(def: AnyNodeDefinition): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  const inputs = Object.entries(def.inputs);
  for (const [port, spec] of Object.entries(def.outputs)) out[port] = inputs.find(([, i]) => i.type === spec.type)?.[0] ?? null;
  return out;
}

/** Where a bypassed node's output comes from: an output of an evaluated node, or nothing (why). */
export type PassedSource = { readonly node: string; readonly port: string } | { readonly none: string };

/**
 * Mute and bypass, decided before a node would run: 'muted' when the node is muted or a
 * wired input (followed through bypassed nodes) comes from a muted node; 'bypassed' when
 * it is bypassed (its routes are recorded in `passed`); null when it runs normally.
 */
export function modeOutcome(registry: NodeRegistry, graph: GraphReadModel, id: string, passed: Map<string, Map<string, PassedSource>>, muted: Map<string, string>): 'muted' | 'bypassed' | null {
  const node = graph.getNode(id);
  const def = node && definitionIn(registry, graph, id);
  if (!node || !def) return null;
  if (node.mode === 'mute') {
    muted.set(id, id);
    return 'muted';
  }
  const resolve = (from: { node: string; port: string }): PassedSource => passed.get(from.node)?.get(from.port) ?? from;
  const ports = node.mode === 'bypass' ? passThroughPorts(def) : null;
  const needed = ports ? Object.values(ports).filter((p): p is string => p !== null) : Object.keys(def.inputs);
  for (const port of needed) {
    const e = graph.edgeInto(id, port);
    if (!e) continue;
    const src = resolve(e.from);
    const root = 'none' in src ? undefined : muted.get(src.node);
    if (root !== undefined) {
      muted.set(id, root);
      return 'muted';
    }
  }
  if (!ports) return null;
  const routes = new Map<string, PassedSource>();
  for (const [out, port] of Object.entries(ports)) {
    const e = port === null ? undefined : graph.edgeInto(id, port);
    const type = def.outputs[out]!.type;
    if (e) routes.set(out, resolve(e.from));
    else if (port === null) routes.set(out, { none: `node "${id}" is bypassed and has no ${type} input to pass to its output "${out}"` });
    else routes.set(out, { none: `node "${id}" is bypassed and its input "${port}", which would pass to its output "${out}", is not connected` });
  }
  passed.set(id, routes);
  return 'bypassed';
}
