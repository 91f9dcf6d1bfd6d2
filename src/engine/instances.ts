/**
 * A graph with component instances seen through its flat graph (flatten.ts, DESIGN.md §2b):
 * targets that name instances or node paths as targets of the flat graph, instance statuses
 * that add up their inner nodes' (in the run's events and in its result), and the result of
 * the flat run as the graph with instances sees it (an instance's outputs are the flat
 * outputs they stand for). Engine.evaluate uses these for every graph with instances.
 */
import { GraphError } from './errors';
import type { EngineEvent, EvaluationResult, Target } from './evaluate';
import type { FlatGraph } from './flatten';
import { hasOwn } from './params';
import type { NodeStatus, Value } from './types';

/** Targets naming instances or paths, as targets of the flat graph. */
export function flatTargets(flat: FlatGraph, targets: readonly Target[]): Target[] {
  if (!Array.isArray(targets)) return targets as Target[];
  const out: Target[] = [];
  const sinks = new Set(flat.graph.sinks());
  for (const t of targets) {
    const id: unknown = typeof t === 'string' ? t : (t as { node?: unknown } | null)?.node;
    if (typeof id !== 'string' || flat.graph.getNode(id)) {
      out.push(t);
      continue;
    }
    const port = typeof t === 'string' ? undefined : t.port;
    const ports = port !== undefined ? [port] : flat.isInstance(id) ? flat.instanceOutputs(id) : ['value'];
    let found = flat.isInstance(id);
    for (const p of ports) {
      // an inner graph.output (no output of its own) stands for what is wired into it
      const own = flat.resolve(id, p);
      if (own) found = true;
      const ref = own && !flat.graph.getNode(own.node) ? flat.resolveInput(id, 'value') : own;
      if (ref) out.push(ref);
    }
    // An instance's inner sinks (its image.save nodes) run when the instance is a target.
    if (port === undefined) for (const inner of flat.inside(id)) if (sinks.has(inner)) out.push(inner);
    if (!found) throw new GraphError(`evaluate: unknown target node ${JSON.stringify(id)}`);
  }
  return out;
}

/** How an instance's status follows the statuses of the nodes inside it (events and results alike). */
function instanceStatus(inner: readonly NodeStatus[]): NodeStatus {
  if (inner.includes('error')) return 'error';
  if (inner.includes('running')) return 'running';
  // Some done, some waiting: the instance is under way.
  if (inner.includes('queued')) return inner.some((x) => x === 'ok' || x === 'cached') ? 'running' : 'queued';
  if (inner.length && inner.every((x) => x === 'muted')) return 'muted';
  if (inner.every((x) => x === 'idle')) return 'idle';
  if (inner.every((x) => x === 'cached' || x === 'muted' || x === 'bypassed' || x === 'idle')) return 'cached';
  return 'ok';
}

/**
 * The run's events with each instance's status added: whenever a node inside an instance
 * changes status, every instance around it reports the status its inner nodes add up to.
 */
export function instanceEvents(flat: FlatGraph, onEvent: (e: EngineEvent) => void): (e: EngineEvent) => void {
  const owners = new Map<string, string[]>();
  for (const inst of flat.instances()) for (const p of flat.inside(inst)) owners.set(p, [...(owners.get(p) ?? []), inst]);
  const seen = new Map<string, NodeStatus>();
  const last = new Map<string, NodeStatus>();
  return (e) => {
    onEvent(e);
    if (e.type !== 'status') return;
    seen.set(e.node, e.status);
    for (const inst of owners.get(e.node) ?? []) {
      const sts = flat.inside(inst).filter((p) => seen.has(p)).map((p) => seen.get(p)!);
      const st = instanceStatus(sts);
      if (last.get(inst) === st) continue;
      last.set(inst, st);
      const failed = st === 'error' ? e.error : undefined;
      onEvent({ type: 'status', node: inst, status: st, ...(failed ? { error: failed } : {}) });
    }
  };
}

/**
 * A flat graph's result seen from the graph with instances: an instance's outputs are the
 * flat outputs they stand for; its status is `error` when a node inside failed (its error
 * is the first inner one, naming the path), else `cached` when every node inside was, else
 * `ok`; its time is the sum of theirs.
 */
export function instanceView(base: EvaluationResult, flat: FlatGraph): EvaluationResult {
  const errors = new Map(base.errors);
  const status = new Map(base.status);
  const timings = new Map(base.timings);
  const muted = new Map(base.muted);
  for (const path of [...flat.instances()].reverse()) {
    const inner = flat.inside(path).filter((p) => status.has(p));
    if (inner.length === 0) continue;
    const failed = inner.find((p) => errors.has(p));
    if (failed !== undefined) errors.set(path, errors.get(failed)!);
    const sts = inner.map((p) => status.get(p)!);
    status.set(path, instanceStatus(sts));
    timings.set(path, inner.reduce((a, p) => a + (timings.get(p) ?? 0), 0));
    const mutedBy = inner.map((p) => muted.get(p)).find((m) => m !== undefined);
    if (mutedBy !== undefined && sts.every((x) => x === 'muted')) muted.set(path, mutedBy);
  }
  const outputs = (node: string): Readonly<Record<string, Value>> | undefined => {
    if (flat.graph.getNode(node)) return base.outputs(node);
    const ports = flat.isInstance(node) ? flat.instanceOutputs(node) : ['value'];
    const out: Record<string, Value> = {};
    let any = false;
    for (const p of ports) {
      const ref = flat.resolve(node, p);
      const v = ref ? base.value(ref.node, ref.port) : undefined;
      if (v !== undefined) {
        out[p] = v;
        any = true;
      }
    }
    return any || flat.isInstance(node) ? out : undefined;
  };
  return {
    backend: base.backend,
    outputs,
    value: (node, port) => {
      const o = outputs(node);
      return o && hasOwn(o, port) ? o[port] : undefined;
    },
    errors,
    status,
    muted,
    timings,
    release: () => base.release(),
  };
}
