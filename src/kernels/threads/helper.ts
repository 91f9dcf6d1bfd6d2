/**
 * A kernel helper thread (threads.ts): loads the kernels, says 'ready', then computes the
 * bands it is sent. The same file serves a Web Worker and (through nodeHelper.mjs) a Node
 * worker thread.
 */
import { initKernels } from '../index';
import { serveBand } from '../threads';

interface Port {
  postMessage(m: unknown): void;
  on?(event: 'message', fn: (m: unknown) => void): void;
  addEventListener?(event: 'message', fn: (e: { data: unknown }) => void): void;
}

export async function helperMain(port: Port): Promise<void> {
  if (port.on) port.on('message', serveBand);
  else port.addEventListener?.('message', (e) => serveBand(e.data));
  port.postMessage({ kind: 'ready', ok: await initKernels() });
}

// A Web Worker: the global scope is the port.
if (typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined') {
  void helperMain(globalThis as unknown as Port);
}
