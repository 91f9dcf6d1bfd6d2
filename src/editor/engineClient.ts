/**
 * The editor's handle on the evaluation worker (src/worker/worker.ts): typed requests over
 * src/engine/protocol.ts. Plain TypeScript (no Vue); the Worker is created by
 * `createEngineWorker()` or injected (tests pass a fake).
 */
import type { BackendPreference } from '../engine/backend';
import type { GraphDocument } from '../engine/format';
import type { BackendInfo, FromWorker, ToWorker } from '../engine/protocol';
import type { NodeCatalogEntry } from '../engine/registry';

/** What EngineClient needs from a Worker. */
export interface WorkerPort {
  postMessage(message: ToWorker, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<FromWorker>) => void): void;
  addEventListener(type: 'error', listener: (e: ErrorEvent) => void): void;
  addEventListener(type: 'messageerror', listener: (e: MessageEvent) => void): void;
  terminate?(): void;
}

export interface OutputData {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  /** HWC float32. */
  readonly data: Float32Array;
  /** Set when the worker subsampled a large image: the full size and the step between sent pixels. */
  readonly fullWidth?: number;
  readonly fullHeight?: number;
  readonly stride?: number;
}

export interface GetOutputOptions {
  /** The node's current evaluation key: a result computed for another version of the node is refused. */
  readonly key?: string;
  /** Largest number of pixels to receive (the worker subsamples larger images). */
  readonly maxPixels?: number;
}

export interface EvaluateTarget {
  readonly node: string;
  readonly port?: string;
}

export interface EvaluateOptions {
  /** Longest thumbnail side in pixels (default 192). */
  readonly thumbSize?: number;
  /** URL relative image.load sources resolve against. */
  readonly baseUrl?: string;
  /** Ask the worker to send every preview again. */
  readonly resend?: boolean;
}

export type EngineListener = (m: FromWorker) => void;

export const DEFAULT_THUMB_SIZE = 192;

/** Starts the module worker (bundled by Vite; tfjs lives only in that chunk). */
export function createEngineWorker(): WorkerPort {
  return new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'pixel-loom-engine' }) as unknown as WorkerPort;
}

let prestarted: WorkerPort | null = null;

/**
 * Starts the worker early (src/app/main.ts calls this before the editor's code has loaded),
 * so its startup overlaps the page's. The worker says nothing before it gets `init`, so
 * nothing is lost until an EngineClient takes it.
 */
export function prestartEngineWorker(): void {
  if (!prestarted && typeof Worker !== 'undefined') prestarted = createEngineWorker();
}

function takeWorker(): WorkerPort {
  const w = prestarted ?? createEngineWorker();
  prestarted = null;
  return w;
}

export class EngineClient {
  private readonly port: WorkerPort;
  private readonly listeners = new Set<EngineListener>();
  private nextRequest = 1;
  private nextRun = 1;
  private readonly outputs = new Map<number, { resolve: (d: OutputData) => void; reject: (e: Error) => void }>();
  private readonly assets = new Map<number, { resolve: (id: string) => void; reject: (e: Error) => void }>();
  private readonly readyPromise: Promise<{ catalog: NodeCatalogEntry[]; backend: BackendInfo }>;
  private readonly catalogPromise: Promise<NodeCatalogEntry[]>;
  private backendInfo: BackendInfo | null = null;
  private catalogList: NodeCatalogEntry[] = [];
  /** The run id of the latest evaluate request. */
  latestRun = 0;
  /**
   * The instance whose inside the canvas shows, as a node-path prefix (`s1/`, `s1/inner/`;
   * '' at the top, DESIGN.md §2b). Node ids given to and reported by this client are
   * relative to it: the worker evaluates the whole graph and reports paths.
   */
  private scope = '';

  constructor(opts: { backend?: BackendPreference; port?: WorkerPort; firstRunId?: number; kernelThreads?: number } = {}) {
    this.port = opts.port ?? takeWorker();
    if (opts.firstRunId !== undefined) this.nextRun = opts.firstRunId;
    this.readyPromise = new Promise((resolve, reject) => {
      const off = this.on((m) => {
        if (m.type === 'ready') {
          off();
          resolve({ catalog: [...m.catalog], backend: m.backend });
        } else if (m.type === 'fatal' && !this.backendInfo) {
          off();
          reject(new Error(m.message));
        }
      });
    });
    this.readyPromise.catch(() => undefined);
    this.catalogPromise = new Promise((resolve, reject) => {
      const off = this.on((m) => {
        if (m.type === 'catalog' || m.type === 'ready') {
          off();
          resolve([...m.catalog]);
        } else if (m.type === 'fatal') {
          off();
          reject(new Error(m.message));
        }
      });
    });
    this.catalogPromise.catch(() => undefined);
    this.port.addEventListener('message', (e) => this.receive(e.data));
    this.port.addEventListener('error', (e) => this.receive({ type: 'fatal', message: `the evaluation worker failed: ${e.message || 'unknown error'}` }));
    // A reply that cannot be deserialized would otherwise vanish, leaving a run that never ends.
    this.port.addEventListener('messageerror', () => this.receive({ type: 'done', runId: this.latestRun, cancelled: false, ms: 0, error: 'a message from the evaluation worker could not be read' }));
    this.post({ type: 'init', backend: opts.backend ?? 'auto', wasmPath: '', ...(opts.kernelThreads !== undefined ? { kernelThreads: opts.kernelThreads } : {}) });
  }

  /** Resolves with the node catalogue and the active backend once the worker has started. */
  ready(): Promise<{ catalog: NodeCatalogEntry[]; backend: BackendInfo }> {
    return this.readyPromise;
  }

  /**
   * Resolves with the node catalogue as soon as the worker runs, before its backend is
   * chosen (the canvas can be built meanwhile; evaluation waits for the backend).
   */
  catalogReady(): Promise<NodeCatalogEntry[]> {
    return this.catalogPromise;
  }

  get backend(): BackendInfo | null {
    return this.backendInfo;
  }

  get catalog(): readonly NodeCatalogEntry[] {
    return this.catalogList;
  }

  /**
   * Evaluates `targets` of `doc`; cancels the previous run. Returns the run id. When the
   * request cannot be sent (e.g. a value the structured clone refuses), the run ends with a
   * `done` message carrying the reason, like a run that failed in the worker.
   */
  evaluate(doc: GraphDocument, targets: readonly EvaluateTarget[], opts: EvaluateOptions = {}): number {
    const runId = this.nextRun++;
    this.latestRun = runId;
    this.send(runId, {
      type: 'evaluate',
      runId,
      graph: doc,
      targets: targets.map((t) => (t.port === undefined ? { node: this.scope + t.node } : { node: this.scope + t.node, port: t.port })),
      thumbSize: opts.thumbSize ?? DEFAULT_THUMB_SIZE,
      ...(opts.baseUrl !== undefined ? { baseUrl: opts.baseUrl } : {}),
      ...(opts.resend ? { resend: true } : {}),
    });
    return runId;
  }

  private send(runId: number, m: ToWorker): void {
    try {
      this.post(m);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      queueMicrotask(() => this.receive({ type: 'done', runId, cancelled: false, ms: 0, error: `the graph could not be sent to the evaluation worker: ${reason}` }));
    }
  }

  /** Sets the memory budget: the most tensor data one node may output (bytes). */
  setLimits(maxOutputBytes: number): void {
    this.post({ type: 'setLimits', maxOutputBytes });
  }

  /** Cancels the run (default: the latest). */
  cancel(runId = this.latestRun): void {
    this.post({ type: 'cancel', runId });
  }

  /** Float data of an output of the last finished run (subsampled above `maxPixels`). */
  getOutput(node: string, port: string, opts: GetOutputOptions = {}): Promise<OutputData> {
    const requestId = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.outputs.set(requestId, { resolve, reject });
      this.post({
        type: 'getOutput',
        requestId,
        node: this.scope + node,
        port,
        ...(opts.key !== undefined ? { key: opts.key } : {}),
        ...(opts.maxPixels !== undefined ? { maxPixels: opts.maxPixels } : {}),
      });
    });
  }

  /** Registers image bytes with the worker; resolves with the source id `asset:<hash>`. */
  putAsset(bytes: ArrayBuffer | Uint8Array, name: string): Promise<string> {
    const requestId = this.nextRequest++;
    // Copy: the buffer is transferred, and the caller may still use its own.
    const copy = bytes instanceof Uint8Array ? bytes.slice().buffer : bytes.slice(0);
    return new Promise((resolve, reject) => {
      this.assets.set(requestId, { resolve, reject });
      this.post({ type: 'putAsset', requestId, bytes: copy, name }, [copy]);
    });
  }

  /** Kept previews: `info` reports their size, `clear` deletes them, `cap` sets the size cap; the worker answers with a `results` message. */
  results(action: 'info' | 'clear' | 'cap', cap?: number): void {
    this.post({ type: 'results', action, ...(cap !== undefined ? { cap } : {}) });
  }

  /** Switches the backend; the worker answers with a `backend` message (see on()). */
  setBackend(pref: BackendPreference): void {
    this.post({ type: 'setBackend', backend: pref });
  }

  /** Shows the inside of instance path `prefix` ('' for the top level); see `scope`. */
  setScope(prefix: string): void {
    this.scope = prefix;
  }

  /** `m` with its node relative to the scope; null for a node outside it (its bitmap closed). */
  private scoped(m: FromWorker): FromWorker | null {
    if (!this.scope || !('node' in m) || typeof m.node !== 'string' || m.type === 'output') return m;
    const rest = m.node.startsWith(this.scope) ? m.node.slice(this.scope.length) : '';
    if (rest && !rest.includes('/')) return { ...m, node: rest };
    if (m.type === 'preview') m.thumbnail.close?.();
    return null;
  }

  /** Subscribes to every worker message; returns the unsubscribe function. */
  on(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  dispose(): void {
    this.port.terminate?.();
    for (const p of this.outputs.values()) p.reject(new Error('the engine was stopped'));
    for (const p of this.assets.values()) p.reject(new Error('the engine was stopped'));
    this.outputs.clear();
    this.assets.clear();
    this.listeners.clear();
  }

  private post(m: ToWorker, transfer: Transferable[] = []): void {
    this.port.postMessage(m, transfer);
  }

  private receive(m: FromWorker): void {
    if (m.type === 'ready') {
      this.backendInfo = m.backend;
      this.catalogList = [...m.catalog];
    } else if (m.type === 'catalog') {
      this.catalogList = [...m.catalog];
    } else if (m.type === 'backend') {
      this.backendInfo = m.backend;
    } else if (m.type === 'output') {
      const p = this.outputs.get(m.requestId);
      if (p) {
        this.outputs.delete(m.requestId);
        if (m.error !== undefined || !m.data) p.reject(new Error(m.error ?? `no data for ${m.node}.${m.port}`));
        else {
          const sub = m.stride !== undefined && m.stride > 1 ? { fullWidth: m.fullWidth ?? 0, fullHeight: m.fullHeight ?? 0, stride: m.stride } : {};
          p.resolve({ width: m.width ?? 0, height: m.height ?? 0, channels: m.channels ?? 1, data: m.data, ...sub });
        }
      }
    } else if (m.type === 'asset') {
      const p = this.assets.get(m.requestId);
      if (p) {
        this.assets.delete(m.requestId);
        if (m.error !== undefined) p.reject(new Error(m.error));
        else p.resolve(m.id);
      }
    }
    const seen = this.scoped(m);
    if (!seen) return;
    for (const l of [...this.listeners]) {
      try {
        l(seen);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
