/**
 * What the worker reports, as reactive state for the canvas: per-node status, error,
 * timings, thumbnails, number values, and the global progress. Messages are queued and
 * applied once per animation frame, so a burst of status messages from a 200-node run costs
 * one Vue update, not hundreds.
 */
import { markRaw, reactive } from 'vue';
import type { BackendInfo, FromWorker, ImageStats } from '../../engine/protocol';
import type { NodeStatus } from '../../engine/types';

export interface PortPreview {
  readonly bitmap: ImageBitmap;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly stats: ImageStats;
  /** Increments whenever this port's image changes (the thumbnail's data-revision). */
  readonly revision: number;
  /** The node's evaluation key when this image was computed (src/engine/evalKey.ts). */
  readonly key: string;
}

export type NumberValue = number | 'Infinity' | '-Infinity' | 'NaN';

export interface NodeRunState {
  /**
   * The evaluation key the status, error, timing, values and latents below belong to (null:
   * nothing reported yet). A message for another key replaces them all.
   */
  key: string | null;
  /**
   * True when what is held was computed for another key than the node's current one (it was
   * edited since): the canvas then shows no value, status or error of it, and previews only
   * dimmed as outdated until the new result arrives.
   */
  stale: boolean;
  status: NodeStatus;
  error: string | null;
  /** The node's own line about its input (image.load: the file's size and orientation). */
  summary?: string | null;
  /** Why the node is not evaluated yet (an input is not wired), or null. */
  waiting: string | null;
  ms: number | null;
  /** Fraction done while a long load runs, else null. */
  progress: number | null;
  previews: Record<string, PortPreview>;
  values: Record<string, NumberValue>;
  latents: Record<string, readonly number[]>;
}

export interface GlobalRunState {
  running: boolean;
  done: number;
  total: number;
  /** ms of the last finished (not cancelled) evaluation. */
  lastMs: number | null;
  /**
   * Why the last evaluation (or sending it) failed as a whole, or null: shown in the status
   * bar and the errors panel, never dropped.
   */
  lastError: string | null;
  /** The last run was stopped by the user (Stop). */
  stopped: boolean;
  /** Increments on every finished run (PreviewPanel re-fetches). */
  revision: number;
  /** Increments whenever a batch of messages was applied or nodes were added/forgotten. */
  version: number;
  backend: BackendInfo | null;
  fatal: string | null;
  /** Node computations since the page opened (results from a cache — memory or kept — not counted). */
  executions: number;
  /** The kept previews (persistent results): size, cap, and why they are kept in memory only. */
  results: { bytes: number; entries: number; cap: number; off: string | null } | null;
}

type Scheduler = (flush: () => void) => void;

/**
 * Calls `fn` once, on the next animation frame or after `timeoutMs` when that comes first:
 * requestAnimationFrame does not run in background tabs, and the timeout keeps state moving
 * there. Without requestAnimationFrame (tests), after 16 ms.
 */
export function nextFrame(fn: () => void, timeoutMs = 100): void {
  if (typeof requestAnimationFrame !== 'function') {
    setTimeout(fn, 16);
    return;
  }
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    fn();
  };
  requestAnimationFrame(once);
  setTimeout(once, timeoutMs);
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

const defaultScheduler: Scheduler = (flush) => nextFrame(flush);

export class RunState {
  /** Per-node state (each entry reactive; the map itself is not: read `global.version` to follow it). */
  readonly nodes = new Map<string, NodeRunState>();
  readonly global: GlobalRunState = reactive({ running: false, done: 0, total: 0, lastMs: null, lastError: null, stopped: false, revision: 0, version: 0, backend: null, fatal: null, executions: 0, results: null });
  private queue: FromWorker[] = [];
  private scheduled = false;
  private previewRevision = 0;
  /** Highest run id requested / finished. */
  private requested = 0;
  private finished = 0;
  private idleWaiters: (() => void)[] = [];
  /** The evaluation key of every node of the graph as the editor shows it now (null: not known yet). */
  private current: ReadonlyMap<string, string> | null = null;

  constructor(private readonly schedule: Scheduler = defaultScheduler) {}

  node(id: string): NodeRunState {
    let s = this.nodes.get(id);
    if (!s) {
      s = reactive({ key: null, stale: false, status: 'idle', error: null, waiting: null, ms: null, progress: null, previews: {}, values: {}, latents: {} }) as NodeRunState;
      this.nodes.set(id, s);
    }
    return s;
  }

  /** The node's current evaluation key (undefined before the first setCurrentKeys or for an unknown node). */
  currentKey(id: string): string | undefined {
    return this.current?.get(id);
  }

  /**
   * The graph changed: `keys` are the evaluation keys of its nodes now. Nodes no longer in
   * the graph are forgotten (a node added later under the same id starts empty); nodes whose
   * key changed hold stale results until the worker reports the new ones.
   */
  setCurrentKeys(keys: ReadonlyMap<string, string>): void {
    this.current = keys;
    for (const [id, s] of this.nodes) {
      if (!keys.has(id)) {
        if (s.key !== null || Object.keys(s.previews).length) this.forget(id);
        continue;
      }
      const stale = s.key !== null && s.key !== keys.get(id);
      if (s.stale !== stale) s.stale = stale;
    }
    this.global.version++;
  }

  /** True when a preview was computed for the node as it is now. */
  isCurrent(id: string, preview: { readonly key: string }): boolean {
    const k = this.current?.get(id);
    return k === undefined || preview.key === k;
  }

  /**
   * The state for a message about node `id` computed for `key`. A new key replaces what was
   * held (previews stay, each marked with its own key, so the canvas can show them as
   * outdated while the new one computes). Returns null for a message about an older version
   * of a node whose current result is already held.
   */
  private forKey(id: string, key: string): NodeRunState | null {
    const s = this.node(id);
    const now = this.current?.get(id);
    if (now !== undefined && key !== now && s.key === now) return null;
    if (s.key !== key) {
      Object.assign(s, { key, status: 'idle', error: null, ms: null, progress: null, values: {}, latents: {} });
    }
    const stale = now !== undefined && key !== now;
    if (s.stale !== stale) s.stale = stale;
    return s;
  }

  /** A run was sent to the worker. */
  started(runId: number): void {
    this.requested = Math.max(this.requested, runId);
    this.global.running = true;
    this.global.stopped = false;
  }

  /**
   * Evaluation failed before or outside the worker's run (the scheduler threw, the message
   * could not be sent): shown like a failed run, never silently dropped.
   */
  failed(message: string): void {
    this.global.lastError = message;
    this.global.running = false;
    this.global.version++;
  }

  /** The user stopped the running evaluation; its `done (cancelled)` message follows. */
  stop(): void {
    this.global.stopped = true;
  }

  /**
   * The worker running the outstanding runs was replaced (Stop of a node that did not stop):
   * no `done` will come for them. Queued and running nodes go back to idle.
   */
  abandon(): void {
    this.queue = [];
    this.finished = this.requested;
    this.global.running = false;
    this.global.stopped = true;
    for (const s of this.nodes.values()) {
      if (s.status === 'queued' || s.status === 'running') {
        s.status = 'idle';
        s.progress = null;
      }
    }
    this.global.version++;
    this.settle();
  }

  /** Queues a worker message; applied at the next frame. */
  push(m: FromWorker): void {
    this.queue.push(m);
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => this.flush());
    }
  }

  /** Applies queued messages now. */
  flush(): void {
    this.scheduled = false;
    const q = this.queue;
    this.queue = [];
    for (const m of q) this.apply(m);
    if (q.length) this.global.version++;
    this.settle();
  }

  /** True when no run is outstanding and no message waits to be applied. */
  get idle(): boolean {
    return this.finished >= this.requested && this.queue.length === 0;
  }

  /** Resolves when idle (see `idle`). */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Marks nodes that wait for an input (not evaluated) and clears the mark on the rest. */
  setWaiting(waiting: ReadonlyMap<string, string>, all: Iterable<string>): void {
    for (const id of all) {
      const reason = waiting.get(id) ?? null;
      const s = this.node(id);
      if (s.waiting !== reason) s.waiting = reason;
      if (reason !== null && s.status !== 'idle') {
        s.status = 'idle';
        s.error = null;
      }
    }
    this.global.version++;
  }

  /**
   * Resets a node's state (a new graph was loaded). The state object stays: node components
   * hold it, and a node with the same id in the new graph shows its results there.
   */
  forget(id: string): void {
    if (this.reset(id)) this.global.version++;
  }

  /** Forgets every node; one version step (each step re-checks every node component). */
  clear(): void {
    let changed = false;
    for (const id of [...this.nodes.keys()]) changed = this.reset(id) || changed;
    if (changed) this.global.version++;
  }

  /** Resets a node's state; false when there was nothing to reset (a state just created). */
  private reset(id: string): boolean {
    const s = this.nodes.get(id);
    if (!s) return false;
    const pristine = s.key === null && !s.stale && s.status === 'idle' && s.error === null && s.waiting === null && s.ms === null && s.progress === null && isEmpty(s.previews) && isEmpty(s.values) && isEmpty(s.latents);
    if (pristine) return false;
    for (const p of Object.values(s.previews)) p.bitmap.close?.();
    Object.assign(s, { key: null, stale: false, status: 'idle', error: null, waiting: null, ms: null, progress: null, previews: {}, values: {}, latents: {} });
    return true;
  }

  private apply(m: FromWorker): void {
    switch (m.type) {
      case 'ready':
        this.global.backend = m.backend;
        break;
      case 'catalog':
        break;
      case 'backend':
        this.global.backend = m.backend;
        break;
      case 'fatal':
        // The worker cannot go on: no outstanding run will finish; say why where runs report.
        this.global.fatal = m.message;
        this.global.lastError = m.message;
        this.global.running = false;
        this.finished = this.requested;
        break;
      case 'status': {
        const s = this.forKey(m.node, m.key);
        if (!s) break;
        s.status = m.status;
        s.error = m.status === 'error' ? (m.error ?? 'failed') : null;
        if (m.ms !== undefined) s.ms = m.ms;
        if (m.status === 'ok' || m.status === 'cached' || m.status === 'error') s.summary = m.summary ?? null;
        if (m.status !== 'running') s.progress = null;
        break;
      }
      case 'progress': {
        if (m.node !== undefined) {
          // A node's load progress in [0, 1].
          const s = m.key !== undefined ? this.forKey(m.node, m.key) : this.node(m.node);
          if (!s) break;
          s.progress = s.status === 'running' && m.done < 1 ? Math.max(0, m.done) : null;
        } else {
          this.global.done = m.done;
          this.global.total = m.total;
        }
        break;
      }
      case 'preview': {
        const s = this.forKey(m.node, m.key);
        if (!s) {
          m.thumbnail.close?.();
          break;
        }
        const old = s.previews[m.port];
        if (old && old.bitmap !== m.thumbnail) old.bitmap.close?.();
        s.previews = {
          ...s.previews,
          [m.port]: { bitmap: markRaw(m.thumbnail), width: m.width, height: m.height, channels: m.channels, stats: m.stats, revision: ++this.previewRevision, key: m.key },
        };
        break;
      }
      case 'value': {
        const s = this.forKey(m.node, m.key);
        if (!s) break;
        if (s.values[m.port] !== m.value) s.values = { ...s.values, [m.port]: m.value };
        break;
      }
      case 'latent': {
        const s = this.forKey(m.node, m.key);
        if (!s) break;
        s.latents = { ...s.latents, [m.port]: m.shape };
        break;
      }
      case 'results':
        this.global.results = { bytes: m.bytes, entries: m.entries, cap: m.cap, off: m.off };
        break;
      case 'done': {
        if (m.computes) this.global.executions += m.computes;
        this.finished = Math.max(this.finished, m.runId);
        if (m.runId >= this.requested) {
          this.global.running = false;
          if (!m.cancelled) {
            this.global.lastMs = m.ms;
            this.global.lastError = m.error ?? null;
            this.global.stopped = false;
          }
        }
        if (!m.cancelled) this.global.revision++;
        break;
      }
      default:
        break;
    }
  }

  /** Nodes in error with their message (the errors panel). */
  errors(): { node: string; message: string }[] {
    void this.global.version;
    const out: { node: string; message: string }[] = [];
    for (const [id, s] of this.nodes) if (s.status === 'error' && s.waiting === null && !s.stale) out.push({ node: id, message: s.error ?? 'failed' });
    return out;
  }

  private settle(): void {
    if (!this.idle) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Number values as { node: { port: value } } (the preview panel's `values`). */
  valuesByNode(): Record<string, Record<string, NumberValue>> {
    void this.global.version;
    const out: Record<string, Record<string, NumberValue>> = {};
    for (const [id, s] of this.nodes) if (!s.stale && Object.keys(s.values).length) out[id] = s.values;
    return out;
  }
}
