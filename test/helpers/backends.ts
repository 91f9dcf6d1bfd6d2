/**
 * Backends for Node tests. cpu and wasm always; webgpu (Dawn + SwiftShader through the
 * `webgpu` package) only when PIXEL_LOOM_TEST_WEBGPU=1, since the software adapter is slow.
 */
import * as tf from '@tensorflow/tfjs-core';
import { activateNodeBackend } from '../../src/cli/tfNode';
import type { BackendName } from '../../src/engine/backend';

export const testBackends: BackendName[] = process.env.PIXEL_LOOM_TEST_WEBGPU === '1' ? ['cpu', 'wasm', 'webgpu'] : ['cpu', 'wasm'];

export async function useBackend(name: BackendName): Promise<void> {
  if (tf.getBackend() === name) return;
  const ok = await activateNodeBackend(name);
  if (!ok) throw new Error(`test backend ${name} could not be started`);
}
