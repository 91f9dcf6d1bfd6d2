/**
 * The evaluation worker (DESIGN.md §5): the engine, the node implementations and tfjs live
 * here, never on the main thread. Implements src/engine/protocol.ts.
 *
 * One Engine and its signature cache live as long as the worker. Every `evaluate` carries
 * the whole document; it is parsed into a fresh Graph (cheap) and the engine's cache makes
 * the unchanged part of a re-run a lookup. A newer evaluate cancels the older run. After a
 * run, each target's outputs are reported: image/mask ports as a thumbnail ImageBitmap
 * (transferred) with min/max/mean, numbers as values, latents as shapes. A thumbnail is only
 * rebuilt when the output tensor changed since it was last sent.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { Engine, type EvaluationResult } from '../engine/evaluate';
import { GraphFileError, isCancelled } from '../engine/errors';
import { nodeAtPath, pathKeys } from '../engine/paths';
import { parseGraph } from '../engine/format';
import type { Graph } from '../engine/graph';
import { hashBytes } from '../engine/signature';
import type { BackendPreference } from '../engine/backend';
import type { BackendInfo, FromWorker, ToWorker } from '../engine/protocol';
import { initKernels } from '../kernels';
import { startBrowserKernelThreads } from './kernelThreads';

/** Kernel helper threads running (0 until they start, or where the page is not isolated). */
let kernelThreads = 0;
import { createRegistry } from '../nodes/index';
import { chooseBackend } from './backend';
import { ASSET_PREFIX, createBrowserHost } from './host';
import { strideFor, subsample } from './subsample';
import { DEFAULT_RESULTS_CAP, IdbResultStore } from './idbStore';
import { thumbnailPixels, toBitmap } from './thumbnail';

interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;

const registry = createRegistry();
const host = createBrowserHost();
// Results persist in IndexedDB: a reopened graph shows its previews without computing.
const results = new IdbResultStore(DEFAULT_RESULTS_CAP, () => void postResults());
const engine = new Engine({ registry, host, memoryHint: 'raise the memory limit in the status bar', store: results });

async function postResults(): Promise<void> {
  post({ type: 'results', ...(await results.info()) });
}

function post(m: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(m, transfer);
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

let backend: BackendInfo | null = null;
/** Resolves when the backend is usable; replaced while a switch is in progress. */
let backendReady: Promise<void> = new Promise(() => undefined);
let initStarted = false;

/** Latest run id seen; older evaluate requests that arrive late are dropped. */
let latestRun = 0;
let current: { runId: number; controller: AbortController } | null = null;
/** Results of one batch of a run, with the evaluation keys of that run's document. */
interface KeyedResult {
  readonly result: EvaluationResult;
  readonly keyOf: (node: string) => string;
}
/** The last finished run's results (one per batch), kept (pinned) for getOutput until the next run finishes. */
let lastResults: KeyedResult[] = [];
/** Results of the run in progress so far. */
let currentResults: KeyedResult[] = [];
/**
 * Targets are evaluated in batches of this many, each batch's previews sent as soon as it is
 * done: a big graph fills in progressively instead of all at the end. Later batches find the
 * shared ancestors in the cache.
 */
const BATCH = 6;

function releaseAll(list: KeyedResult[]): void {
  for (const r of list) r.result.release();
}
/** node.port → the evaluation key and tensor whose thumbnail was last sent. */
const sentThumbs = new Map<string, { key: string; tensor: Tensor }>();

async function switchBackend(pref: BackendPreference): Promise<void> {
  current?.controller.abort();
  const previous = backend?.name;
  backend = await chooseBackend(pref);
  if (previous !== backend.name) {
    // Tensors of the old backend are gone with it: nothing sent before matches any more.
    releaseAll(lastResults);
    lastResults = [];
    sentThumbs.clear();
  }
  post({ type: 'backend', backend: withThreads(backend) });
}

function withThreads(b: BackendInfo): BackendInfo {
  return kernelThreads > 0 ? { ...b, kernelThreads: kernelThreads + 1 } : b;
}

function init(pref: BackendPreference, maxThreads?: number): void {
  if (initStarted) return;
  initStarted = true;
  post({ type: 'catalog', catalog: registry.catalog() });
  backendReady = (async () => {
    try {
      // the WebAssembly kernels load beside the backend (a failure only means the tfjs path)
      const kernels = initKernels();
      backend = await chooseBackend(pref);
      // large images split over helper threads when the page allows (does not delay 'ready')
      if (await kernels) {
        void startBrowserKernelThreads(maxThreads).then(
          (n) => {
            kernelThreads = n;
            if (n > 0 && backend) post({ type: 'backend', backend: withThreads(backend) });
          },
          () => undefined,
        );
      }
      post({ type: 'ready', catalog: registry.catalog(), backend });
    } catch (e) {
      post({ type: 'fatal', message: `no tfjs backend could start: ${message(e)}` });
      throw e;
    }
  })();
  backendReady.catch(() => undefined);
}

function setBackend(pref: BackendPreference): void {
  const before = backendReady;
  backendReady = (async () => {
    await before.catch(() => undefined);
    try {
      await switchBackend(pref);
    } catch (e) {
      post({ type: 'fatal', message: `backend ${pref} could not start: ${message(e)}` });
    }
  })();
}

function valueOf(v: number): number | 'Infinity' | '-Infinity' | 'NaN' {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}

async function evaluate(msg: Extract<ToWorker, { type: 'evaluate' }>): Promise<void> {
  const { runId } = msg;
  latestRun = Math.max(latestRun, runId);
  try {
    await backendReady;
  } catch {
    post({ type: 'done', runId, cancelled: false, ms: 0, error: 'no backend' });
    return;
  }
  if (runId < latestRun) {
    post({ type: 'done', runId, cancelled: true, ms: 0 });
    return;
  }
  current?.controller.abort();
  const controller = new AbortController();
  current = { runId, controller };
  const t0 = performance.now();
  const computes0 = engine.stats.computes;
  const finish = (extra: { cancelled: boolean; error?: string }): void => {
    if (current?.runId === runId) current = null;
    post({ type: 'done', runId, ms: performance.now() - t0, computes: engine.stats.computes - computes0, ...extra });
    void postResults();
  };

  const base = msg.baseUrl ?? `${self.location.origin}/`;
  if (base !== host.baseUrl) {
    // The same relative source now names another file: loaded images must be read again.
    host.baseUrl = base;
    engine.clearCache();
    sentThumbs.clear();
  }
  if (msg.resend) sentThumbs.clear();

  let graph: Graph;
  let keyOf: (node: string) => string;
  try {
    // Bad param values are the node's own error (the engine reports them), never the run's.
    graph = parseGraph(msg.graph, registry, { deferParamChecks: true });
    // Targets may be node paths into instances (the editor showing an instance's inside).
    keyOf = pathKeys(graph, msg.graph);
  } catch (e) {
    const detail = e instanceof GraphFileError ? e.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ') : message(e);
    finish({ cancelled: false, error: `the graph cannot be evaluated: ${detail}` });
    return;
  }
  const targets = msg.targets.filter((t) => {
    const at = nodeAtPath(graph, t.node);
    return at !== null && !at.graph.isPlaceholder(at.id);
  });
  for (const t of targets) post({ type: 'status', runId, node: t.node, key: keyOf(t.node), status: 'queued' });
  const results: KeyedResult[] = [];
  currentResults = results;
  let error: string | undefined;
  let doneTargets = 0;
  // Targets that never report a status of their own (a graph.input inside an instance stands
  // for the wire into it) are settled after their batch.
  const settled = new Set<string>();
  try {
    for (let i = 0; i < targets.length && !controller.signal.aborted; i += BATCH) {
      const batch = targets.slice(i, i + BATCH);
      let result: EvaluationResult;
      try {
        result = await engine.evaluate(graph, batch, {
          signal: controller.signal,
          onEvent: (ev) => {
            if (ev.type === 'status') {
              if (ev.status !== 'queued' && ev.status !== 'running') settled.add(ev.node);
              post({ type: 'status', runId, node: ev.node, key: keyOf(ev.node), status: ev.status, ...(ev.ms !== undefined ? { ms: ev.ms } : {}), ...(ev.error ? { error: ev.error.message } : {}), ...(ev.summary ? { summary: ev.summary } : {}) });
            } else if (ev.node !== undefined && !Number.isInteger(ev.done)) {
              post({ type: 'progress', runId, done: ev.done - Math.floor(ev.done), total: 1, node: ev.node, key: keyOf(ev.node) });
            } else if (ev.total > 0) {
              post({ type: 'progress', runId, done: doneTargets + (ev.done / ev.total) * batch.length, total: targets.length });
            }
          },
        });
      } catch (e) {
        if (isCancelled(e) || controller.signal.aborted) break;
        error = message(e);
        break;
      }
      results.push({ result, keyOf });
      doneTargets += batch.length;
      for (const t of batch) if (!settled.has(t.node)) post({ type: 'status', runId, node: t.node, key: keyOf(t.node), status: result.outputs(t.node) ? 'cached' : 'idle' });
      await sendPreviews(graph, keyOf, batch, result, msg, controller.signal);
    }
  } finally {
    if (currentResults === results) currentResults = [];
    if (controller.signal.aborted) {
      releaseAll(results);
      // Targets of batches that never started go back to idle (a newer run re-queues its own).
      for (const t of targets.slice(doneTargets + BATCH)) post({ type: 'status', runId, node: t.node, key: keyOf(t.node), status: 'idle' });
      finish({ cancelled: true });
    } else {
      releaseAll(lastResults);
      lastResults = results;
      finish(error !== undefined ? { cancelled: false, error } : { cancelled: false });
    }
  }
}

/** Reports the outputs of `targets`: thumbnails of images and masks, number values, latent shapes. */
async function sendPreviews(
  graph: Graph,
  keyOf: (node: string) => string,
  targets: readonly { node: string; port?: string }[],
  result: EvaluationResult,
  msg: Extract<ToWorker, { type: 'evaluate' }>,
  signal: AbortSignal,
): Promise<void> {
  const { runId } = msg;
  for (const t of targets) {
    const nodeKey = keyOf(t.node);
    const at = nodeAtPath(graph, t.node);
    const def = at?.graph.definitionOf(at.id);
    if (!def) continue;
    const outs = result.outputs(t.node);
    if (!outs) continue;
    for (const [port, spec] of Object.entries(def.outputs)) {
      if (t.port !== undefined && t.port !== port) continue;
      if (signal.aborted) return;
      const v = outs[port];
      if (v === undefined) continue;
      if (typeof v === 'number') {
        post({ type: 'value', runId, node: t.node, key: nodeKey, port, value: valueOf(v) });
      } else if (spec.type === 'latent') {
        post({ type: 'latent', runId, node: t.node, key: nodeKey, port, shape: [...v.shape] });
      } else {
        const slot = `${t.node}\u0000${port}`;
        const sent = sentThumbs.get(slot);
        if (sent && sent.tensor === v && sent.key === nodeKey) continue;
        try {
          const px = await thumbnailPixels(v, msg.thumbSize);
          const bitmap = await toBitmap(px);
          sentThumbs.set(slot, { key: nodeKey, tensor: v });
          post({ type: 'preview', runId, node: t.node, key: nodeKey, port, width: px.fullWidth, height: px.fullHeight, channels: px.channels, thumbnail: bitmap, stats: px.stats }, [bitmap]);
        } catch (e) {
          post({ type: 'status', runId, node: t.node, key: nodeKey, status: 'error', error: `preview of output "${port}" failed: ${message(e)}` });
        }
      }
    }
  }
}

/**
 * The default and the largest `maxPixels` of getOutput: 1024² pixels reach the main thread at
 * most. Measured (bench:editor, headless Chromium): a 2048² layer holds the main thread for
 * 76–100 ms in one task (rasterizing it), a 1024² one for none over 50 ms.
 */
const PREVIEW_MAX_PIXELS = 1024 * 1024;

async function getOutput(msg: Extract<ToWorker, { type: 'getOutput' }>): Promise<void> {
  const { requestId, node, port } = msg;
  try {
    let v: ReturnType<EvaluationResult['value']>;
    let stale = false;
    for (const r of [...currentResults, ...lastResults].reverse()) {
      const got = r.result.value(node, port);
      if (got === undefined) continue;
      // The node of that result may have been deleted and re-added, or changed, since.
      if (msg.key !== undefined && r.keyOf(node) !== msg.key) {
        stale = true;
        continue;
      }
      v = got;
      break;
    }
    if (v === undefined) {
      // Muted (itself or upstream), or bypassed with nothing to pass: say so, not "not yet".
      const newest = [...currentResults, ...lastResults].reverse().find((r) => msg.key === undefined || r.keyOf(node) === msg.key)?.result;
      const muted = newest?.muted.get(node);
      if (muted !== undefined) throw new Error(muted === node ? `${node} is muted: nothing is evaluated (Ctrl+M to unmute)` : `${node} is not evaluated: it depends on the muted node ${muted}`);
      if (newest?.status.get(node) === 'bypassed') throw new Error(`${node} is bypassed and has no input of the type of output "${port}" to pass through`);
      throw new Error(stale ? `output ${node}.${port} has not been evaluated for the node as it is now` : `output ${node}.${port} has not been evaluated yet`);
    }
    if (typeof v === 'number') {
      const data = new Float32Array([v]);
      post({ type: 'output', requestId, node, port, width: 1, height: 1, channels: 1, data }, [data.buffer]);
      return;
    }
    const shape = v.shape;
    const [h, w, c] = (shape.length === 3 ? shape : shape.length === 2 ? [shape[0]!, shape[1]!, 1] : [1, v.size, 1]) as [number, number, number];
    const maxPixels = Math.max(1, Math.min(msg.maxPixels ?? PREVIEW_MAX_PIXELS, PREVIEW_MAX_PIXELS));
    const stride = strideFor(w, h, maxPixels);
    if (stride === 1) {
      // A copy: some backends hand out their own storage, which must not be detached.
      const data = new Float32Array(await v.data());
      post({ type: 'output', requestId, node, port, width: w, height: h, channels: c, data }, [data.buffer]);
      return;
    }
    const { data, width, height } = subsample((await v.data()) as Float32Array, w, h, c, stride);
    post({ type: 'output', requestId, node, port, width, height, channels: c, fullWidth: w, fullHeight: h, stride, data }, [data.buffer]);
  } catch (e) {
    post({ type: 'output', requestId, node, port, error: message(e) });
  }
}

function putAsset(msg: Extract<ToWorker, { type: 'putAsset' }>): void {
  try {
    const bytes = new Uint8Array(msg.bytes);
    const id = `${ASSET_PREFIX}${hashBytes(bytes)}`;
    host.assets.set(id, bytes);
    post({ type: 'asset', requestId: msg.requestId, id });
  } catch (e) {
    post({ type: 'asset', requestId: msg.requestId, id: '', error: message(e) });
  }
}

scope.onmessage = (e: MessageEvent<ToWorker>) => {
  const msg = e.data;
  switch (msg.type) {
    case 'init':
      init(msg.backend, msg.kernelThreads);
      break;
    case 'setBackend':
      setBackend(msg.backend);
      break;
    case 'putAsset':
      putAsset(msg);
      break;
    case 'evaluate':
      void evaluate(msg).catch((err: unknown) => post({ type: 'done', runId: msg.runId, cancelled: false, ms: 0, error: message(err) }));
      break;
    case 'cancel':
      if (current && current.runId <= msg.runId) current.controller.abort();
      break;
    case 'results':
      void (async () => {
        if (msg.action === 'clear') await results.clear().catch(() => undefined);
        if (msg.action === 'cap' && msg.cap !== undefined && Number.isFinite(msg.cap) && msg.cap >= 0) await results.setCap(msg.cap).catch(() => undefined);
        await postResults();
      })();
      break;
    case 'setLimits':
      if (Number.isFinite(msg.maxOutputBytes) && msg.maxOutputBytes > 0) engine.maxOutputBytes = msg.maxOutputBytes;
      break;
    case 'getOutput':
      void getOutput(msg);
      break;
  }
};
