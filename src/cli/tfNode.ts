/**
 * tfjs backends in Node: cpu, wasm (SIMD, no threads) and webgpu through the `webgpu`
 * package (Dawn) when it is installed and an adapter exists.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { selectBackend, type BackendChoice, type BackendEnvironment, type BackendName, type BackendPreference, type WebGPUProbe } from '../engine/backend';

const require = createRequire(import.meta.url);
let wasmPathsSet = false;
let webgpuState: Promise<WebGPUProbe> | null = null;

function ensureWasmPaths(): void {
  if (wasmPathsSet) return;
  const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  setWasmPaths(path.join(dir, 'dist') + path.sep);
  wasmPathsSet = true;
}

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Installs navigator.gpu from the `webgpu` package (once) and probes for an adapter. */
export function probeNodeWebGPU(): Promise<WebGPUProbe> {
  webgpuState ??= (async (): Promise<WebGPUProbe> => {
    try {
      if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
      const mod = (await import('webgpu')) as { create: (o: string[]) => GPU; globals: Record<string, unknown> };
      const g = globalThis as Record<string, unknown>;
      Object.assign(g, mod.globals);
      if (!(g.navigator as { gpu?: unknown } | undefined)?.gpu) {
        Object.defineProperty(globalThis, 'navigator', { value: { gpu: mod.create([]) }, configurable: true, writable: true });
      }
      const adapter = await (g.navigator as { gpu: GPU }).gpu.requestAdapter();
      if (!adapter) return 'none';
      const info = (adapter as unknown as { info?: { isFallbackAdapter?: boolean; description?: string; vendor?: string } }).info;
      const soft = (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter || info?.isFallbackAdapter || /swiftshader/i.test(`${info?.description ?? ''} ${info?.vendor ?? ''}`);
      return soft ? 'fallback' : 'hardware';
    } catch {
      return 'none';
    }
  })();
  return webgpuState;
}

export async function activateNodeBackend(name: BackendName): Promise<boolean> {
  try {
    if (name === 'wasm') {
      ensureWasmPaths();
      await import('@tensorflow/tfjs-backend-wasm');
    } else if (name === 'webgpu') {
      if ((await probeNodeWebGPU()) === 'none') return false;
      await import('@tensorflow/tfjs-backend-webgpu');
    }
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

export const nodeBackendEnvironment: BackendEnvironment = {
  probeWebGPU: probeNodeWebGPU,
  activate: activateNodeBackend,
};

/** Chooses and activates a backend in Node. `auto` → webgpu on real hardware, else wasm. */
export function initNodeBackend(pref: BackendPreference = 'auto'): Promise<BackendChoice> {
  return selectBackend(pref, nodeBackendEnvironment);
}
