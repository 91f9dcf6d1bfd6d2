/**
 * Backends for Node tests: cpu and wasm always; webgpu (Dawn through the `webgpu` package,
 * here on the SwiftShader software adapter) whenever an adapter exists. Set
 * PIXEL_LOOM_TEST_WEBGPU=0 to leave webgpu out, =1 to require it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { activateNodeBackend, probeNodeWebGPU } from '../../src/cli/tfNode';
import type { BackendName } from '../../src/engine/backend';

async function detect(): Promise<BackendName[]> {
  const flag = process.env.PIXEL_LOOM_TEST_WEBGPU;
  if (flag === '0') return ['cpu', 'wasm'];
  const probe = await probeNodeWebGPU();
  if (probe === 'none') {
    if (flag === '1') throw new Error('PIXEL_LOOM_TEST_WEBGPU=1 but no WebGPU adapter is available in Node');
    return ['cpu', 'wasm'];
  }
  return ['cpu', 'wasm', 'webgpu'];
}

export const testBackends: BackendName[] = await detect();

export async function useBackend(name: BackendName): Promise<void> {
  if (tf.getBackend() === name) return;
  const ok = await activateNodeBackend(name);
  if (!ok) throw new Error(`test backend ${name} could not be started`);
}
