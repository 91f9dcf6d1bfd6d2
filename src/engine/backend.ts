/**
 * Backend selection (DESIGN.md §4): webgpu when an adapter exists and is not a software
 * fallback; otherwise wasm; cpu last. A forced choice is honoured or fails clearly.
 * Environment-neutral: the caller (CLI, worker, tests) supplies how to probe and start.
 */
export type BackendName = 'webgpu' | 'wasm' | 'cpu';
export type BackendPreference = BackendName | 'auto';
export const BACKEND_NAMES: readonly BackendName[] = ['webgpu', 'wasm', 'cpu'];

export type WebGPUProbe = 'none' | 'fallback' | 'hardware';

export interface BackendEnvironment {
  /** Whether a WebGPU adapter exists and whether it is a software fallback. */
  probeWebGPU(): Promise<WebGPUProbe>;
  /** Registers (if needed) and activates the backend; resolves false when it cannot start. */
  activate(name: BackendName): Promise<boolean>;
}

export interface BackendChoice {
  readonly name: BackendName;
  /** Why this backend was chosen, for the status bar / CLI result. */
  readonly reason: string;
}

export function parseBackendPreference(s: string): BackendPreference {
  if (s === 'auto' || (BACKEND_NAMES as readonly string[]).includes(s)) return s as BackendPreference;
  throw new Error(`unknown backend "${s}" (expected auto, ${BACKEND_NAMES.join(', ')})`);
}

export async function selectBackend(pref: BackendPreference, env: BackendEnvironment): Promise<BackendChoice> {
  if (pref !== 'auto') {
    if (pref === 'webgpu' && (await env.probeWebGPU()) === 'none') {
      throw new Error('backend webgpu was requested but no WebGPU adapter is available');
    }
    if (!(await env.activate(pref))) throw new Error(`backend ${pref} was requested but could not be started`);
    return { name: pref, reason: 'forced' };
  }
  const probe = await env.probeWebGPU();
  if (probe === 'hardware' && (await env.activate('webgpu'))) return { name: 'webgpu', reason: 'GPU adapter found' };
  const why = probe === 'fallback' ? 'WebGPU adapter is a software fallback' : probe === 'none' ? 'no WebGPU adapter' : 'WebGPU failed to start';
  if (await env.activate('wasm')) return { name: 'wasm', reason: why };
  if (await env.activate('cpu')) return { name: 'cpu', reason: `${why}; wasm failed to start` };
  throw new Error('no tfjs backend could be started (tried webgpu, wasm, cpu)');
}
