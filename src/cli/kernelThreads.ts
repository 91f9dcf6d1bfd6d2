/**
 * Kernel threads in Node (src/kernels/threads.ts): helper worker threads that each load the
 * WebAssembly kernels and compute bands of large images. Unreferenced, so they never keep the
 * process alive.
 */
import { Worker } from 'node:worker_threads';
import { startKernelThreads, type HelperPort } from '../kernels/threads';

/** The built entry in the built CLI, else the one that loads the TypeScript sources. */
const HELPER_ENTRY =
  typeof __PIXEL_LOOM_BUILD__ !== 'undefined'
    ? new URL('../../dist-cli/nodeHelper.mjs', import.meta.url)
    : new URL('../kernels/threads/nodeHelper.mjs', import.meta.url);

function spawnHelper(): Promise<HelperPort> {
  return new Promise((resolve, reject) => {
    const w = new Worker(HELPER_ENTRY);
    w.once('message', (m: { kind?: string; ok?: boolean }) => {
      if (m?.kind === 'ready' && m.ok) {
        w.unref(); // (only now: a pending start must keep the process alive)
        resolve(w);
      }
      else {
        void w.terminate();
        reject(new Error('a kernel thread could not load the WebAssembly kernels'));
      }
    });
    w.once('error', reject);
  });
}

/** Starts `helpers` kernel threads; resolves how many run. */
export function startNodeKernelThreads(helpers: number): Promise<number> {
  return startKernelThreads(helpers, spawnHelper);
}
