/**
 * The evaluator (DESIGN.md §4): lazy pull over a graph, a signature cache that owns its
 * tensors, async resource loads, cancellation by newer requests, per-node status events.
 *
 * Ownership: cache entries own their tensors. A result pins the entries it exposes until
 * release(). Outputs that are not fresh tensors of the node's compute (an input, a resource
 * tensor) are cloned, so no tensor is owned twice. Load resources are shared by every node
 * with the same (type, version, params) and disposed on clearCache()/dispose() or when no
 * node of the last evaluated graph uses them any more (resources.ts). Bypass and mute are
 * decided in modes.ts; the engine's error classes are in errors.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Tensor } from '@tensorflow/tfjs-core';
import { TensorCache, DEFAULT_CACHE_BUDGET_BYTES, type CacheEntry } from './cache';
import { Cancelled, GraphError, MemoryBudgetError, NodeExecutionError, UpstreamFailure } from './errors';
import { effectiveParams, hasOwn, validateParams } from './params';
import type { NodeRegistry } from './registry';
import { inputSignature, nodeSignature } from './signature';
import { modeOutcome, passThroughPorts, type PassedSource } from './modes';
import { ResourcePool } from './resources';
import { flattenGraph } from './flatten';
import { outputsFromStore, storeKey, storedFromOutputs, type ResultStore, type StoredValue } from './resultStore';
import { Run } from './run';
import { flatTargets, instanceEvents, instanceView } from './instances';
import { Graph } from './graph';

export { passThroughPorts } from './modes';
export { formatBytes, MemoryBudgetError, UpstreamFailure } from './errors';
import { definitionIn, type AnyNodeDefinition, type GraphReadModel, type Host, type NodeStatus, type OutputValue, type Resource, type Value } from './types';

export type Target = string | { node: string; port?: string };

export type EngineEvent =
  | { type: 'status'; node: string; status: NodeStatus; ms?: number; error?: NodeExecutionError; summary?: string }
  | { type: 'progress'; done: number; total: number; node?: string };

export interface EvaluateOptions {
  signal?: AbortSignal;
  onEvent?: (e: EngineEvent) => void;
}

export interface EvaluationResult {
  readonly backend: string;
  /**
   * Outputs of every node evaluated in this run (targets and ancestors) that succeeded.
   * Tensors stay owned by the engine cache and are pinned until release(); clone to keep
   * them longer. Throws after release(). A bypassed node's outputs are the values it passes
   * through (an output with no input of its type to pass is absent); a muted node has none.
   */
  outputs(node: string): Readonly<Record<string, Value>> | undefined;
  value(node: string, port: string): Value | undefined;
  /** Failing nodes AND their descendants (the cause names the failed ancestor). */
  readonly errors: ReadonlyMap<string, NodeExecutionError>;
  readonly status: ReadonlyMap<string, NodeStatus>;
  /** Nodes not evaluated because of a mute → the muted node that stopped them (itself when muted). */
  readonly muted: ReadonlyMap<string, string>;
  /** ms per node evaluated in this run (load + compute + readback; a cache hit's lookup time). */
  readonly timings: ReadonlyMap<string, number>;
  release(): void;
}

export interface EngineOptions {
  registry: NodeRegistry;
  host: Host;
  /** Memory budget of the result cache in bytes (default 512 MiB). */
  cacheBudgetBytes?: number;
  /** Largest tensor data one node may output, in bytes (default 1 GiB); see Engine.maxOutputBytes. */
  maxOutputBytes?: number;
  /** How the user raises maxOutputBytes, appended to its errors (CLI: `raise it with --max-memory`). */
  memoryHint?: string;
  /** Persistent results (resultStore.ts): used instead of computing, and filled by every computation. */
  store?: ResultStore;
}

export const DEFAULT_MAX_OUTPUT_BYTES = 1024 ** 3;

/** Yield to the event loop (a macrotask) at most this often during a run. */
const YIELD_EVERY_MS = 10;
const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

function describe(v: unknown): string {
  if (v instanceof Tensor) return `a ${v.dtype} tensor of shape [${v.shape.join(', ')}]`;
  if (typeof v === 'number') return `the number ${v}`;
  if (v === null) return 'null';
  return `a value of type ${typeof v}`;
}

function tensorsOf(values: Readonly<Record<string, unknown>>): Set<Tensor> {
  const s = new Set<Tensor>();
  for (const v of Object.values(values)) if (v instanceof Tensor) s.add(v);
  return s;
}


class Result implements EvaluationResult {
  private released = false;
  constructor(
    readonly backend: string,
    private readonly outputsOf: (node: string) => Readonly<Record<string, Value>> | undefined,
    readonly errors: ReadonlyMap<string, NodeExecutionError>,
    readonly status: ReadonlyMap<string, NodeStatus>,
    readonly muted: ReadonlyMap<string, string>,
    readonly timings: ReadonlyMap<string, number>,
    private readonly onRelease: (r: Result) => void,
  ) {}

  outputs(node: string): Readonly<Record<string, Value>> | undefined {
    if (this.released) throw new Error(`evaluation result was released; outputs of node "${node}" are no longer available`);
    return this.outputsOf(node);
  }

  value(node: string, port: string): Value | undefined {
    const o = this.outputs(node);
    return o && hasOwn(o, port) ? o[port] : undefined;
  }

  get isReleased(): boolean {
    return this.released;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease(this);
  }

  /** The engine went away: the result is dead without unpinning anything. */
  invalidate(): void {
    this.released = true;
  }
}

interface NodeOutcome {
  entry: CacheEntry;
  sig: string;
  hit: boolean;
  /** The node's resource's line for the editor, when it has one. */
  summary?: string | undefined;
}


export class Engine {
  readonly stats = { computes: 0, loads: 0, hits: 0, restored: 0, stored: 0, storeErrors: 0 };
  private readonly store: ResultStore | undefined;
  private readonly registry: NodeRegistry;
  private readonly cache: TensorCache;
  private readonly resources: ResourcePool;
  private readonly live = new Map<Result, CacheEntry[]>();
  private current: Run | null = null;
  private lastBackend: string | undefined;
  private lastYield = 0;
  private disposed = false;
  /**
   * The memory budget: the most tensor data (bytes) one node may output. A node whose
   * definition estimates more (`outputBytes`) fails before it runs; any node whose outputs
   * take more fails after compute and its outputs are disposed. The error names the size.
   */
  maxOutputBytes: number;
  memoryHint: string | undefined;

  constructor(opts: EngineOptions) {
    if (!opts?.registry) throw new Error('Engine: options.registry is required');
    if (!opts.host) throw new Error('Engine: options.host is required');
    this.registry = opts.registry;
    this.resources = new ResourcePool(this.registry, opts.host);
    this.cache = new TensorCache(opts.cacheBudgetBytes ?? DEFAULT_CACHE_BUDGET_BYTES);
    this.maxOutputBytes = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    this.memoryHint = opts.memoryHint;
    this.store = opts.store;
  }

  cacheInfo(): { entries: number; bytes: number; budget: number } {
    return { entries: this.cache.size, bytes: this.cache.bytes, budget: this.cache.budget };
  }

  /** Disposes every unpinned cached tensor (pinned ones when released) and every load resource. */
  clearCache(): void {
    this.cache.clear();
    this.resources.dropAll();
  }

  /** Cancels the running evaluation, disposes every tensor and resource; the engine is unusable after. */
  dispose(): void {
    if (this.disposed) return;
    this.current?.cancel();
    for (const r of this.live.keys()) r.invalidate();
    this.live.clear();
    this.cache.disposeAll();
    this.resources.dropAll();
    this.disposed = true;
  }

  /**
   * Lazily computes only the ancestors of targets. A newer evaluate() call cancels the older
   * one, whose promise rejects with Cancelled. Unknown target → GraphError.
   */
  async evaluate(graph: GraphReadModel, targets: readonly Target[], opts: EvaluateOptions = {}): Promise<EvaluationResult> {
    if (this.disposed) throw new Error('Engine.evaluate: the engine was disposed');
    if (graph instanceof Graph) {
      // Component instances run as their expanded nodes (flatten.ts); targets and results
      // may name instances and paths into them (`s1`, `s1/blur`).
      const flat = flattenGraph(graph);
      if (flat.graph !== graph) {
        const onEvent = opts.onEvent ? instanceEvents(flat, opts.onEvent) : undefined;
        return instanceView(await this.evaluateFlat(flat.graph, flatTargets(flat, targets), { ...opts, ...(onEvent ? { onEvent } : {}) }), flat);
      }
    }
    return this.evaluateFlat(graph, targets, opts);
  }

  private async evaluateFlat(graph: GraphReadModel, targets: readonly Target[], opts: EvaluateOptions): Promise<EvaluationResult> {
    const planned = this.plan(graph, targets);
    this.current?.cancel();
    const run = new Run(planned, opts.onEvent);
    this.current = run;
    const signal = opts.signal;
    const onAbort = (): void => run.cancel();
    if (signal) {
      if (signal.aborted) run.cancel();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
    try {
      return await this.execute(run, graph, planned);
    } catch (e) {
      for (const entry of run.pinned) this.cache.unpin(entry);
      run.pinned.length = 0;
      if (run.cancelled) throw e instanceof Cancelled ? e : new Cancelled();
      throw e;
    } finally {
      run.finished = true;
      signal?.removeEventListener('abort', onAbort);
      if (this.current === run) this.current = null;
    }
  }

  /** Ancestors of the targets (and the targets), each after all of its inputs. */
  private plan(graph: GraphReadModel, targets: readonly Target[]): string[] {
    if (!Array.isArray(targets)) throw new GraphError('evaluate: targets must be an array of node ids or { node, port }');
    const roots: string[] = [];
    for (const t of targets) {
      const id: unknown = typeof t === 'string' ? t : (t as { node?: unknown } | null)?.node;
      const node = typeof id === 'string' ? graph.getNode(id) : undefined;
      if (typeof id !== 'string' || !node) throw new GraphError(`evaluate: unknown target node ${JSON.stringify(id)}`);
      if (typeof t !== 'string' && t.port !== undefined) {
        const def = definitionIn(this.registry, graph, id);
        if (def && !hasOwn(def.outputs, t.port)) {
          throw new GraphError(`evaluate: target node "${id}" (${node.type}) has no output "${t.port}" (outputs: ${Object.keys(def.outputs).join(', ') || 'none'})`);
        }
      }
      roots.push(id);
    }
    const parentsOf = (id: string): string[] => {
      const node = graph.getNode(id);
      const def = node && definitionIn(this.registry, graph, id);
      // A muted node needs nothing; a bypassed one only the inputs it passes through.
      if (!def || node.mode === 'mute') return [];
      const ps: string[] = [];
      const ports = node.mode === 'bypass' ? [...new Set(Object.values(passThroughPorts(def)).filter((p): p is string => p !== null))] : Object.keys(def.inputs);
      for (const port of ports) {
        const e = graph.edgeInto(id, port);
        if (e && graph.getNode(e.from.node)) ps.push(e.from.node);
      }
      return ps;
    };
    const order: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    for (const root of roots) {
      if (state.has(root)) continue;
      state.set(root, 'visiting');
      const stack: { id: string; parents: string[]; i: number }[] = [{ id: root, parents: parentsOf(root), i: 0 }];
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        if (top.i < top.parents.length) {
          const p = top.parents[top.i++]!;
          const s = state.get(p);
          if (s === 'done') continue;
          if (s === 'visiting') throw new GraphError(`evaluate: the graph has a cycle through node "${p}"`);
          state.set(p, 'visiting');
          stack.push({ id: p, parents: parentsOf(p), i: 0 });
        } else {
          stack.pop();
          state.set(top.id, 'done');
          order.push(top.id);
        }
      }
    }
    return order;
  }

  private async execute(run: Run, graph: GraphReadModel, planned: readonly string[]): Promise<EvaluationResult> {
    run.check();
    const backend = tf.getBackend();
    // Cached tensors belong to the backend that made them: a switch starts afresh.
    if (this.lastBackend !== undefined && this.lastBackend !== backend) this.clearCache();
    this.lastBackend = backend;

    const total = planned.length;
    for (const id of planned) run.emit({ type: 'status', node: id, status: 'queued' });
    run.emit({ type: 'progress', done: 0, total });

    const entries = new Map<string, CacheEntry>();
    const sigs = new Map<string, string>();
    const errors = new Map<string, NodeExecutionError>();
    const roots = new Map<string, string>();
    const status = new Map<string, NodeStatus>();
    const timings = new Map<string, number>();
    for (const id of planned) status.set(id, 'queued');
    /** Bypassed node → output → where its value comes from (resolved through bypassed chains). */
    const passed = new Map<string, Map<string, PassedSource>>();
    /** Node not evaluated because of a mute → the muted node. */
    const muted = new Map<string, string>();
    const outputsOf = (node: string): Readonly<Record<string, Value>> | undefined => {
      const routes = passed.get(node);
      if (!routes) return entries.get(node)?.outputs;
      const out: Record<string, Value> = {};
      for (const [port, src] of routes) {
        const v = 'none' in src ? undefined : entries.get(src.node)?.outputs[src.port];
        if (v !== undefined) out[port] = v;
      }
      return out;
    };

    for (const id of planned) {
      run.check();
      await this.yieldTurn();
      run.check();
      const mode = modeOutcome(this.registry, graph, id, passed, muted);
      if (mode) {
        status.set(id, mode);
        timings.set(id, 0);
        run.unfinished.delete(id);
        run.done++;
        run.emit({ type: 'status', node: id, status: mode, ms: 0 });
        run.emit({ type: 'progress', done: run.done, total, node: id });
        continue;
      }
      const t0 = now();
      status.set(id, 'running');
      run.emit({ type: 'status', node: id, status: 'running' });
      const info = { type: graph.getNode(id)?.type ?? '?', params: (graph.getNode(id)?.params ?? {}) as Readonly<Record<string, unknown>> };
      let st: NodeStatus;
      let error: NodeExecutionError | undefined;
      let summary: string | undefined;
      try {
        const out = await this.evaluateNode(run, graph, id, entries, sigs, roots, passed, info, total);
        this.cache.pin(out.entry);
        run.pinned.push(out.entry);
        entries.set(id, out.entry);
        sigs.set(id, out.sig);
        st = out.hit ? 'cached' : 'ok';
        summary = out.summary;
      } catch (e) {
        if (e instanceof Cancelled || run.cancelled) throw e instanceof Cancelled ? e : new Cancelled();
        error = e instanceof NodeExecutionError ? e : new NodeExecutionError(id, info.type, info.params, e);
        const cause = error.cause;
        roots.set(id, cause instanceof UpstreamFailure ? cause.root : id);
        errors.set(id, error);
        st = 'error';
      }
      const ms = now() - t0;
      timings.set(id, ms);
      status.set(id, st);
      run.unfinished.delete(id);
      run.done++;
      run.emit(error ? { type: 'status', node: id, status: st, ms, error } : { type: 'status', node: id, status: st, ms, ...(summary ? { summary } : {}) });
      run.emit({ type: 'progress', done: run.done, total, node: id });
    }
    run.check();
    run.finished = true;

    this.resources.collect(graph);
    const pinned = [...run.pinned];
    run.pinned.length = 0;
    const result = new Result(backend, outputsOf, errors, status, muted, timings, (r) => this.releaseResult(r));
    this.live.set(result, pinned);
    this.cache.evictToBudget();
    return result;
  }

  private releaseResult(r: Result): void {
    const pinned = this.live.get(r);
    if (!pinned) return;
    this.live.delete(r);
    for (const e of pinned) this.cache.unpin(e);
    this.cache.evictToBudget();
  }

  private async yieldTurn(): Promise<void> {
    if (now() - this.lastYield >= YIELD_EVERY_MS) {
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      this.lastYield = now();
    } else {
      await Promise.resolve();
    }
  }

  private async evaluateNode(
    run: Run,
    graph: GraphReadModel,
    id: string,
    entries: ReadonlyMap<string, CacheEntry>,
    sigs: ReadonlyMap<string, string>,
    roots: ReadonlyMap<string, string>,
    passed: ReadonlyMap<string, ReadonlyMap<string, PassedSource>>,
    info: { type: string; params: Readonly<Record<string, unknown>> },
    total: number,
  ): Promise<NodeOutcome> {
    const node = graph.getNode(id);
    if (!node) throw new Error(`node "${id}" is not in the graph`);
    const def = definitionIn(this.registry, graph, id);
    if (!def) throw new Error(`unknown node type ${node.type} (placeholder kept)`);

    const problems = validateParams(def, node.params);
    if (problems.length > 0) {
      throw new Error(
        problems.map((p) => (p.param && !p.message.includes(`"${p.param}"`) ? `parameter "${p.param}": ${p.message}` : p.message)).join('; '),
      );
    }
    const params = effectiveParams(def, node.params);
    info.params = params;

    const inputs: Record<string, Value | undefined> = {};
    const inSigs: Record<string, string | null> = {};
    for (const [port, spec] of Object.entries(def.inputs)) {
      const edge = graph.edgeInto(id, port);
      if (!edge) {
        if (!spec.optional) throw new Error(`input "${port}" is not connected`);
        inputs[port] = undefined;
        inSigs[port] = null;
        continue;
      }
      // Through bypassed nodes to the output that really feeds this input.
      const src = passed.get(edge.from.node)?.get(edge.from.port) ?? edge.from;
      if ('none' in src) throw new Error(`input "${port}" comes from output "${edge.from.port}" of node "${edge.from.node}": ${src.none}`);
      const up = src.node;
      const upPort = src.port;
      const root = roots.get(up);
      if (root !== undefined) throw new UpstreamFailure(port, up, root);
      const upEntry = entries.get(up);
      const upSig = sigs.get(up);
      if (!upEntry || upSig === undefined) {
        throw new Error(graph.getNode(up) ? `input "${port}": node "${up}" was not evaluated` : `input "${port}" comes from node "${up}", which does not exist`);
      }
      if (!hasOwn(upEntry.outputs, upPort)) {
        throw new Error(`input "${port}" is wired to output "${upPort}" of node "${up}", which has no such output`);
      }
      const v = upEntry.outputs[upPort]!;
      if ((spec.type === 'number') !== (typeof v === 'number')) {
        throw new Error(`input "${port}" (${spec.type}) got ${describe(v)} from output "${upPort}" of node "${up}"`);
      }
      inputs[port] = v;
      inSigs[port] = inputSignature(upSig, upPort);
    }

    let resource: Resource | undefined;
    if (def.load) {
      resource = await this.resources.get(def, params, id, {
        race: (p) => run.race(p),
        onProgress: (f) => run.emit({ type: 'progress', done: run.done + f, total, node: id }),
        onLoad: () => this.stats.loads++,
      });
      run.check();
    }
    const sig = nodeSignature(def.type, def.version, params, inSigs, resource?.signature);
    const hit = this.cache.get(sig);
    if (hit) {
      this.stats.hits++;
      return { entry: hit, sig, hit: true, summary: resource?.summary };
    }
    if (def.outputBytes) {
      const estimate = def.outputBytes(params as never, inputs);
      if (Number.isFinite(estimate) && estimate > this.maxOutputBytes) throw new MemoryBudgetError(estimate, this.maxOutputBytes, 'before', this.memoryHint);
    }
    const restored = this.store ? await this.restore(run, def, sig) : null;
    if (restored) return { entry: restored, sig, hit: true, summary: resource?.summary };
    this.stats.computes++;
    const entry = await this.computeNode(run, def, id, inputs, params, resource, sig);
    if (this.store) await this.keep(def, sig, entry);
    return { entry, sig, hit: false, summary: resource?.summary };
  }

  /** The node's outputs from the persistent store, adopted by the cache; null when not stored (or unusable). */
  private async restore(run: Run, def: AnyNodeDefinition, sig: string): Promise<CacheEntry | null> {
    let stored: Readonly<Record<string, StoredValue>> | null;
    try {
      stored = await run.race(this.store!.get(storeKey(sig, tf.getBackend())));
    } catch (e) {
      if (e instanceof Cancelled) throw e;
      this.stats.storeErrors++;
      return null;
    }
    const outputs = stored ? outputsFromStore(stored, def.outputs) : null;
    if (!outputs) return null;
    this.stats.restored++;
    return this.cache.set(sig, outputs, 0);
  }

  /** Puts a computed result into the persistent store; a failing store costs nothing but the copy. */
  private async keep(def: AnyNodeDefinition, sig: string, entry: CacheEntry): Promise<void> {
    try {
      const out = await storedFromOutputs(entry.outputs, def.outputs);
      if (!out) return;
      await this.store!.put(storeKey(sig, tf.getBackend()), out);
      this.stats.stored++;
    } catch {
      this.stats.storeErrors++;
    }
  }

  /** Runs compute inside tf.tidy, checks and reads back its outputs, and caches them. */
  private async computeNode(
    run: Run,
    def: AnyNodeDefinition,
    id: string,
    inputs: Readonly<Record<string, Value | undefined>>,
    params: Readonly<Record<string, unknown>>,
    resource: Resource | undefined,
    sig: string,
  ): Promise<CacheEntry> {
    const t0 = now();
    // Tensor ids grow monotonically: anything below firstNew existed before compute (inputs,
    // resources) and is cloned so that the cache owns every tensor it holds exactly once.
    const probe = tf.scalar(0);
    const firstNew = probe.id + 1;
    probe.dispose();
    const backend = tf.getBackend();
    const adopt = (out: unknown): Record<string, OutputValue> => {
      if (out === null || typeof out !== 'object' || out instanceof Tensor) {
        throw new Error(`compute returned ${describe(out)}, expected an object of outputs (${Object.keys(def.outputs).join(', ')})`);
      }
      const res: Record<string, OutputValue> = {};
      for (const [k, v] of Object.entries(out as Record<string, unknown>)) {
        res[k] = (v instanceof Tensor && !v.isDisposed && v.id < firstNew ? tf.clone(v) : v) as OutputValue;
      }
      return res;
    };
    let produced: Record<string, OutputValue>;
    if (def.computeAsync) {
      // Not raced: the node sees the abort through its signal, and whatever it still returns
      // after a cancellation is disposed here rather than leaked.
      const out: unknown = await def.computeAsync({ nodeId: id, inputs, params: params as never, resource, backend, signal: run.controller.signal });
      if (run.cancelled) {
        if (out !== null && typeof out === 'object') {
          for (const v of Object.values(out as Record<string, unknown>)) if (v instanceof Tensor && v.id >= firstNew && !v.isDisposed) v.dispose();
        }
        throw new Cancelled();
      }
      const fresh = out !== null && typeof out === 'object' ? Object.values(out as Record<string, unknown>).filter((v): v is Tensor => v instanceof Tensor && v.id >= firstNew) : [];
      try {
        produced = adopt(out);
      } catch (e) {
        for (const t of fresh) if (!t.isDisposed) t.dispose();
        throw e;
      }
    } else {
      produced = tf.tidy(() => adopt(def.compute!({ nodeId: id, inputs, params: params as never, resource, backend })));
    }

    const owned = tensorsOf(produced);
    try {
      const outputs: Record<string, Value> = {};
      for (const [port, spec] of Object.entries(def.outputs)) {
        const v: unknown = hasOwn(produced, port) ? produced[port] : undefined;
        if (v === undefined) throw new Error(`compute did not return output "${port}"`);
        if (v instanceof Tensor && v.isDisposed) throw new Error(`output "${port}" was disposed inside compute`);
        if (spec.type === 'number') {
          if (typeof v === 'number') {
            outputs[port] = v;
          } else if (v instanceof Tensor) {
            if (v.size !== 1) throw new Error(`output "${port}" is a number but compute returned ${describe(v)}`);
            const data = await v.data();
            outputs[port] = Number(data[0]);
          } else {
            throw new Error(`output "${port}" must be a number or a rank-0 tensor, got ${describe(v)}`);
          }
        } else {
          if (!(v instanceof Tensor)) throw new Error(`output "${port}" (${spec.type}) must be a tensor, got ${describe(v)}`);
          outputs[port] = v;
        }
      }
      const kept = tensorsOf(outputs);
      let bytes = 0;
      for (const t of kept) bytes += t.size * 4;
      if (bytes > this.maxOutputBytes) throw new MemoryBudgetError(bytes, this.maxOutputBytes, 'after', this.memoryHint);
      for (const t of kept) owned.delete(t);
      return this.cache.set(sig, outputs, now() - t0);
    } finally {
      // Number tensors, undeclared outputs, or everything when a check failed.
      for (const t of owned) if (!t.isDisposed) t.dispose();
    }
  }
}
