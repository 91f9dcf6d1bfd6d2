/**
 * Load resources of the evaluator (DESIGN.md §4: async work such as decoding an image or
 * loading a model goes in a node's `load`, whose resource has `dispose()`). One resource is
 * shared by every node with the same (type, version, load params); it is disposed when no
 * node of the last evaluated graph uses it any more, on clearCache() and on dispose(). A
 * resource dropped while it loads is loaded again for whoever still waits for it.
 */
import { Cancelled } from './errors';
import { effectiveParams, validateParams } from './params';
import type { NodeRegistry } from './registry';
import { hashValue } from './signature';
import type { AnyNodeDefinition, GraphReadModel, Host, Resource } from './types';

interface ResourceRecord {
  readonly key: string;
  state: 'pending' | 'ready' | 'dropped';
  /** Dropped by the engine (clearCache / GC / dispose), not failed. */
  droppedByEngine: boolean;
  resource: Resource | undefined;
  promise: Promise<Resource | undefined>;
  readonly controller: AbortController;
}

/** What the run asking for a resource provides. */
export interface ResourceRequest {
  /** Awaits a promise, or rejects with Cancelled as soon as the run is cancelled. */
  race<T>(p: Promise<T>): Promise<T>;
  /** A started load reports the fraction done (finite, clamped to [0, 1]). */
  onProgress(fraction: number): void;
  /** A load starts (counted in Engine.stats.loads). */
  onLoad(): void;
}

export class ResourcePool {
  private readonly records = new Map<string, ResourceRecord>();

  constructor(
    private readonly registry: NodeRegistry,
    private readonly host: Host,
  ) {}

  /** The shared resource of (type, version, load params), loading it if needed. */
  async get(def: AnyNodeDefinition, params: Record<string, unknown>, nodeId: string, req: ResourceRequest): Promise<Resource | undefined> {
    const key = this.keyOf(def, params);
    for (let attempt = 0; attempt < 3; attempt++) {
      let rec = this.records.get(key);
      if (rec?.state === 'ready') return rec.resource;
      rec ??= this.startLoad(key, def, params, nodeId, req);
      try {
        const resource = await req.race(rec.promise);
        if (rec.state === 'ready') return resource;
      } catch (e) {
        if (e instanceof Cancelled || !rec.droppedByEngine) throw e;
      }
      // The cache was cleared while this resource loaded: load it again.
    }
    throw new Error('its resource was released while loading, three times in a row');
  }

  /** Disposes every resource (a pending load disposes its own when it settles). */
  dropAll(): void {
    for (const rec of [...this.records.values()]) this.drop(rec);
  }

  /** Disposes resources that no node of the graph uses any more. */
  collect(graph: GraphReadModel): void {
    if (this.records.size === 0) return;
    const keep = new Set<string>();
    for (const id of graph.nodeIds()) {
      const node = graph.getNode(id);
      const def = node && this.registry.get(node.type);
      if (!node || !def?.load) continue;
      if (validateParams(def, node.params).length > 0) continue;
      keep.add(this.keyOf(def, effectiveParams(def, node.params)));
    }
    for (const rec of [...this.records.values()]) if (!keep.has(rec.key)) this.drop(rec);
  }

  private keyOf(def: AnyNodeDefinition, params: Readonly<Record<string, unknown>>): string {
    const p = def.loadParams ? Object.fromEntries(def.loadParams.map((k) => [k, params[k]])) : params;
    return hashValue({ t: def.type, v: def.version, p });
  }

  private startLoad(key: string, def: AnyNodeDefinition, params: Record<string, unknown>, nodeId: string, req: ResourceRequest): ResourceRecord {
    const controller = new AbortController();
    const rec: ResourceRecord = { key, state: 'pending', droppedByEngine: false, resource: undefined, promise: Promise.resolve(undefined), controller };
    req.onLoad();
    const load = def.load!.bind(def);
    rec.promise = (async () =>
      (await load(params as never, {
        host: this.host,
        nodeId,
        signal: controller.signal,
        onProgress: (f: number) => {
          if (Number.isFinite(f)) req.onProgress(Math.min(1, Math.max(0, f)));
        },
      })) as Resource | undefined)().then(
      (r) => {
        if (rec.state === 'dropped') {
          r?.dispose();
        } else {
          rec.state = 'ready';
          rec.resource = r;
        }
        return r;
      },
      (e: unknown) => {
        if (this.records.get(key) === rec) this.records.delete(key);
        rec.state = 'dropped';
        throw e;
      },
    );
    // Nobody may be waiting (the run was cancelled): never an unhandled rejection.
    rec.promise.catch(() => undefined);
    this.records.set(key, rec);
    return rec;
  }

  private drop(rec: ResourceRecord): void {
    if (this.records.get(rec.key) === rec) this.records.delete(rec.key);
    if (rec.state === 'dropped') return;
    const wasReady = rec.state === 'ready';
    rec.state = 'dropped';
    rec.droppedByEngine = true;
    rec.controller.abort();
    if (wasReady) rec.resource?.dispose();
    // A pending load disposes its resource when it settles.
  }
}
