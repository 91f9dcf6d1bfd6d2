/**
 * Kernel threads: large images split into bands of output rows across a few helper threads
 * (Node worker_threads in the CLI, Web Workers inside the browser's evaluation worker when the
 * page is cross-origin isolated). Each helper has its own instance of the same kernels.wasm;
 * the image goes through a SharedArrayBuffer, every band reads its own halo rows (runBand in
 * index.ts), so a split result is bit-identical to the single-thread one.
 *
 * The caller blocks in Atomics.wait until the bands are done, so the kernels keep their
 * synchronous signature (allowed in workers and in Node's main thread, never on a browser's
 * main thread — the editor evaluates in a worker). The calling thread computes one band too.
 */
import { runBand, setBandRunner, type BandJob } from './index';

/** One helper as the caller sees it (a Node Worker and a Web Worker both fit). */
export interface HelperPort {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

/** A band message to a helper. */
interface BandMessage {
  kind: 'band';
  job: BandJob;
  src: SharedArrayBuffer;
  length: number;
  out: SharedArrayBuffer;
  y0: number;
  y1: number;
  /** [helpers done, failed flag] */
  ctrl: SharedArrayBuffer;
}

let helpers: HelperPort[] = [];
/** Below this many values a call stays on one thread (a band's message costs ~0.1 ms). */
let minElements = 512 * 512;
let srcBuf: Float32Array<ArrayBufferLike> = new Float32Array(0);
let outBuf: Float32Array<ArrayBufferLike> = new Float32Array(0);
/** Longest wait for the helpers before giving up on threads (they then stop). */
const WAIT_MS = 120_000;

function shared(view: Float32Array<ArrayBufferLike>, n: number): Float32Array<ArrayBufferLike> {
  if (view.length >= n) return view;
  return new Float32Array(new SharedArrayBuffer(Math.max(n, Math.ceil(view.length * 1.5)) * 4));
}

function runBanded(job: BandJob, src: Float32Array): Float32Array | null {
  const n = job.h * job.w * job.c;
  const bands = Math.min(helpers.length + 1, Math.floor(job.h / 8));
  if (bands < 2 || n < minElements) return null;
  srcBuf = shared(srcBuf, src.length);
  outBuf = shared(outBuf, n);
  srcBuf.set(src);
  const ctrl = new Int32Array(new SharedArrayBuffer(8));
  const edges = Array.from({ length: bands + 1 }, (_, i) => Math.round((i * job.h) / bands));
  for (let i = 1; i < bands; i++) {
    const msg: BandMessage = { kind: 'band', job, src: srcBuf.buffer as unknown as SharedArrayBuffer, length: src.length, out: outBuf.buffer as unknown as SharedArrayBuffer, y0: edges[i]!, y1: edges[i + 1]!, ctrl: ctrl.buffer as unknown as SharedArrayBuffer };
    helpers[i - 1]!.postMessage(msg);
  }
  outBuf.set(runBand(job, srcBuf.subarray(0, src.length), 0, edges[1]!), 0);
  const deadline = Date.now() + WAIT_MS;
  for (let done = Atomics.load(ctrl, 0); done < bands - 1; done = Atomics.load(ctrl, 0)) {
    const left = deadline - Date.now();
    if (left <= 0 || Atomics.wait(ctrl, 0, done, left) === 'timed-out') {
      stopKernelThreads();
      return null; // the caller computes it on this thread
    }
  }
  if (Atomics.load(ctrl, 1) !== 0) {
    stopKernelThreads();
    return null;
  }
  return outBuf.subarray(0, n);
}

/**
 * Starts `count` helpers made by `spawn` (which resolves once a helper has loaded the
 * kernels) and routes large kernel calls through them. Resolves the number running (0 when
 * SharedArrayBuffer is unavailable, e.g. a page that is not cross-origin isolated).
 */
export async function startKernelThreads(count: number, spawn: () => Promise<HelperPort>): Promise<number> {
  stopKernelThreads();
  if (count < 1 || typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return 0;
  const started = await Promise.allSettled(Array.from({ length: count }, () => spawn()));
  helpers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  setBandRunner(helpers.length > 0 ? runBanded : null);
  return helpers.length;
}

/** Stops the helpers; every kernel call runs on the calling thread again. */
export function stopKernelThreads(): void {
  setBandRunner(null);
  for (const h of helpers) h.terminate();
  helpers = [];
}

/** Helpers running (0: single-threaded). */
export function kernelThreadCount(): number {
  return helpers.length;
}

/** Sets the smallest image (values) that is split (tests split tiny images). */
export function setMinParallelElements(n: number): void {
  minElements = n;
}

/** The helper side: handles one band message (call from the helper's message handler). */
export function serveBand(message: unknown): void {
  const m = message as BandMessage;
  if (!m || m.kind !== 'band') return;
  const ctrl = new Int32Array(m.ctrl);
  try {
    const res = runBand(m.job, new Float32Array(m.src, 0, m.length), m.y0, m.y1);
    new Float32Array(m.out).set(res, m.y0 * m.job.w * m.job.c);
  } catch {
    Atomics.store(ctrl, 1, 1);
  } finally {
    Atomics.add(ctrl, 0, 1);
    Atomics.notify(ctrl, 0);
  }
}
