import { describe, expect, it } from 'vitest';
import { parseBackendPreference, selectBackend, type BackendEnvironment, type BackendName, type WebGPUProbe } from '../../src/engine/backend';

function fakeEnv(probe: WebGPUProbe, working: BackendName[]): BackendEnvironment & { tried: BackendName[] } {
  const tried: BackendName[] = [];
  return {
    tried,
    probeWebGPU: () => Promise.resolve(probe),
    activate: (name) => {
      tried.push(name);
      return Promise.resolve(working.includes(name));
    },
  };
}

describe('selectBackend', () => {
  it('prefers webgpu on a hardware adapter', async () => {
    const env = fakeEnv('hardware', ['webgpu', 'wasm', 'cpu']);
    expect(await selectBackend('auto', env)).toEqual({ name: 'webgpu', reason: 'GPU adapter found' });
    expect(env.tried).toEqual(['webgpu']);
  });

  it('uses wasm when the adapter is a software fallback, and says why', async () => {
    const env = fakeEnv('fallback', ['webgpu', 'wasm', 'cpu']);
    expect(await selectBackend('auto', env)).toEqual({ name: 'wasm', reason: 'WebGPU adapter is a software fallback' });
    expect(env.tried).toEqual(['wasm']);
  });

  it('uses wasm without an adapter, and cpu when wasm cannot start', async () => {
    expect(await selectBackend('auto', fakeEnv('none', ['wasm', 'cpu']))).toEqual({ name: 'wasm', reason: 'no WebGPU adapter' });
    const env = fakeEnv('none', ['cpu']);
    expect(await selectBackend('auto', env)).toEqual({ name: 'cpu', reason: 'no WebGPU adapter; wasm failed to start' });
    expect(env.tried).toEqual(['wasm', 'cpu']);
    const broken = fakeEnv('hardware', ['cpu']);
    expect(await selectBackend('auto', broken)).toEqual({ name: 'cpu', reason: 'WebGPU failed to start; wasm failed to start' });
    await expect(selectBackend('auto', fakeEnv('none', []))).rejects.toThrow('no tfjs backend could be started (tried webgpu, wasm, cpu)');
  });

  it('honours a forced backend or fails clearly', async () => {
    await expect(selectBackend('webgpu', fakeEnv('none', ['webgpu', 'wasm', 'cpu']))).rejects.toThrow(
      'backend webgpu was requested but no WebGPU adapter is available',
    );
    expect(await selectBackend('webgpu', fakeEnv('fallback', ['webgpu']))).toEqual({ name: 'webgpu', reason: 'forced' });
    expect(await selectBackend('cpu', fakeEnv('hardware', ['webgpu', 'cpu']))).toEqual({ name: 'cpu', reason: 'forced' });
    await expect(selectBackend('wasm', fakeEnv('none', ['cpu']))).rejects.toThrow('backend wasm was requested but could not be started');
    expect(parseBackendPreference('auto')).toBe('auto');
    expect(() => parseBackendPreference('gpu')).toThrow('unknown backend "gpu" (expected auto, webgpu, wasm, cpu)');
  });
});
