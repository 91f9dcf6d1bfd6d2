/**
 * tfjs backends in the browser worker (DESIGN.md §4): webgpu only on a hardware adapter
 * unless forced, else wasm (files served by the app), else cpu. Every backend loads lazily
 * (dynamic import) so the worker starts fast and an unused backend costs nothing.
 */
import * as tf from '@tensorflow/tfjs-core';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { BACKEND_NAMES, selectBackend, type BackendEnvironment, type BackendName, type BackendPreference, type WebGPUProbe } from '../engine/backend';
import type { BackendInfo } from '../engine/protocol';

interface AdapterLike {
  readonly isFallbackAdapter?: boolean;
  readonly info?: { isFallbackAdapter?: boolean; vendor?: string; architecture?: string; description?: string };
}

let probe: Promise<WebGPUProbe> | null = null;
let wasmReady = false;
/** Backends that started at least once, and those that failed. */
const started = new Set<BackendName>();
const failed = new Set<BackendName>();

/** Whether the WebGPU adapter exists and whether it is a software one (SwiftShader counts as fallback). */
export function probeBrowserWebGPU(): Promise<WebGPUProbe> {
  probe ??= (async (): Promise<WebGPUProbe> => {
    try {
      const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<AdapterLike | null> } }).gpu;
      if (!gpu) return 'none';
      const adapter = await gpu.requestAdapter();
      if (!adapter) return 'none';
      const info = adapter.info;
      const text = `${info?.vendor ?? ''} ${info?.architecture ?? ''} ${info?.description ?? ''}`;
      return adapter.isFallbackAdapter || info?.isFallbackAdapter || /swiftshader|llvmpipe|software/i.test(text) ? 'fallback' : 'hardware';
    } catch {
      return 'none';
    }
  })();
  return probe;
}


async function activate(name: BackendName): Promise<boolean> {
  try {
    if (name === 'wasm' && !wasmReady) {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths({
        'tfjs-backend-wasm.wasm': wasmPlain,
        'tfjs-backend-wasm-simd.wasm': wasmSimd,
        // Required by setWasmPaths, never fetched: threads are off (below).
        'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
      });
      // The threaded build starts its pthread workers from an inlined script that fails once
      // bundled ("e is not defined" in the blob worker); the SIMD build is used instead.
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      wasmReady = true;
    } else if (name === 'cpu') {
      await import('@tensorflow/tfjs-backend-cpu');
    } else if (name === 'webgpu') {
      if ((await probeBrowserWebGPU()) === 'none') return false;
      await import('@tensorflow/tfjs-backend-webgpu');
    }
    const ok = await tf.setBackend(name);
    if (ok) {
      await tf.ready();
      started.add(name);
      failed.delete(name);
    } else failed.add(name);
    return ok;
  } catch {
    failed.add(name);
    return false;
  }
}

export const browserBackendEnvironment: BackendEnvironment = { probeWebGPU: probeBrowserWebGPU, activate };

/** Backends that can (probably) start here: webgpu when an adapter exists, wasm, cpu; minus those that failed. */
async function availableBackends(): Promise<BackendName[]> {
  const gpu = await probeBrowserWebGPU();
  return BACKEND_NAMES.filter((b) => !failed.has(b) && (b !== 'webgpu' || gpu !== 'none'));
}

/**
 * Selects and activates a backend. A forced choice that cannot start falls back to auto and
 * says so in the reason (the status bar shows it), rather than leaving the editor without one.
 */
export async function chooseBackend(pref: BackendPreference): Promise<BackendInfo> {
  let choice;
  try {
    choice = await selectBackend(pref, browserBackendEnvironment);
  } catch (e) {
    if (pref === 'auto') throw e;
    const auto = await selectBackend('auto', browserBackendEnvironment);
    const why = e instanceof Error ? e.message : String(e);
    choice = { name: auto.name, reason: `${why}; using ${auto.name} (${auto.reason})` };
  }
  const gpu = await probeBrowserWebGPU();
  const reason = choice.name === 'webgpu' && pref === 'webgpu' && gpu === 'fallback' ? 'forced (software WebGPU adapter)' : choice.reason;
  return { name: choice.name, reason, preference: pref, available: await availableBackends() };
}
