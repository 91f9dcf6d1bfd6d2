/**
 * `pixel-loom nodes <graph.json>`: the components of one graph (DESIGN.md §2b) — each
 * definition's ports and promoted params (with the inner param they stand for and its
 * range), and the instances that use it — so a script knows what `--set s1.sigma=…` and
 * `--input s1/load=…` may name.
 */
import type { ComponentDefinition } from '../engine/components';
import { instanceDefinition } from '../engine/components';
import type { Graph } from '../engine/graph';
import type { ParamSpec, PortSpec } from '../engine/types';
import { createRegistry } from '../nodes';
import type { CliIO } from './main';
import { loadGraphFile } from './execute';

interface ComponentListing {
  id: string;
  name: string;
  inputs: Record<string, PortSpec>;
  outputs: Record<string, PortSpec>;
  params: { name: string; node: string; param: string; spec: ParamSpec }[];
  /** Paths of the nodes that are instances of it (in the graph and inside other components). */
  instances: string[];
}

function instancesOf(g: Graph, component: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const id of g.nodeIds()) {
    const n = g.getNode(id)!;
    if (n.component === undefined) continue;
    if (n.component === component) out.push(prefix + id);
    const def = g.components.get(n.component);
    if (def) out.push(...instancesOf(def.graph, component, `${prefix}${id}/`));
  }
  return out;
}

function listing(g: Graph, c: ComponentDefinition): ComponentListing {
  const def = instanceDefinition(c);
  return {
    id: c.id,
    name: c.name,
    inputs: { ...def.inputs },
    outputs: { ...def.outputs },
    params: c.params.map((p) => ({ name: p.name, node: p.node, param: p.param, spec: def.params[p.name] as ParamSpec })).filter((p) => p.spec !== undefined),
    instances: instancesOf(g, c.id),
  };
}

function range(p: ParamSpec): string {
  if (p.kind === 'float' || p.kind === 'int') return ` [${p.min ?? '−∞'} … ${p.max ?? '∞'}]`;
  if (p.kind === 'enum') return ` {${p.options.join('|')}}`;
  return '';
}

export async function listComponents(file: string, json: boolean, io: CliIO): Promise<number> {
  const { outer } = await loadGraphFile(file, [], createRegistry());
  const list = outer.components.ids().map((id) => listing(outer, outer.components.get(id)!));
  if (json) {
    io.stdout(JSON.stringify(list, null, 2));
    return 0;
  }
  if (list.length === 0) {
    io.stdout(`${file}: no components`);
    return 0;
  }
  for (const c of list) {
    const ins = Object.entries(c.inputs).map(([k, p]) => `${k}:${p.type}${p.optional ? '?' : ''}`);
    const outs = Object.entries(c.outputs).map(([k, p]) => `${k}:${p.type}`);
    io.stdout(`${c.id.padEnd(22)} "${c.name}" (${ins.join(', ')}) → (${outs.join(', ')})`);
    for (const p of c.params) io.stdout(`    ${p.name}: ${p.spec.kind}${range(p.spec)} = ${JSON.stringify(p.spec.default)}  (${p.node}.${p.param})`);
    io.stdout(`    instances: ${c.instances.length ? c.instances.join(', ') : 'none'}`);
  }
  return 0;
}
