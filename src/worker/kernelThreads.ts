/**
 * Kernel threads in the browser (src/kernels/threads.ts): Web Workers started by the
 * evaluation worker, each with its own copy of the WebAssembly kernels, computing bands of
 * large images. Only on a cross-origin-isolated page (SharedArrayBuffer; the dev and preview
 * servers send COOP/COEP); elsewhere the kernels stay on the evaluation worker's thread.
 */
import { startKernelThreads, type HelperPort } from '../kernels/threads';

function spawnHelper(): Promise<HelperPort> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('../kernels/threads/helper.ts', import.meta.url), { type: 'module', name: 'pixel-loom-kernels' });
    const timer = setTimeout(() => {
      w.terminate();
      reject(new Error('a kernel thread did not start within 20 s'));
    }, 20_000);
    w.addEventListener('message', (e: MessageEvent<{ kind?: string; ok?: boolean }>) => {
      if (e.data?.kind !== 'ready') return;
      clearTimeout(timer);
      if (e.data.ok) resolve(w);
      else {
        w.terminate();
        reject(new Error('a kernel thread could not load the WebAssembly kernels'));
      }
    });
    w.addEventListener('error', (e) => {
      clearTimeout(timer);
      reject(new Error(e.message || 'a kernel thread failed to start'));
    });
  });
}

/**
 * Starts up to 3 helpers (one fewer than the cores and than `maxThreads`: the evaluation
 * worker computes a band too) when the page is cross-origin isolated; resolves how many run.
 * Off unless asked for (`?threads=N` in the editor's URL): with helpers running, a Stop that
 * has to replace a worker stuck in a 1 GiB node left the new worker unresponsive in
 * test/e2e/trust.e2e.ts (case 5), a cause not yet found.
 */
export function startBrowserKernelThreads(maxThreads = 1): Promise<number> {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const cores = (globalThis.navigator as { hardwareConcurrency?: number } | undefined)?.hardwareConcurrency ?? 1;
  const helpers = Math.min(3, cores - 1, maxThreads - 1);
  if (!isolated || helpers < 1) return Promise.resolve(0);
  return startKernelThreads(helpers, spawnHelper);
}
