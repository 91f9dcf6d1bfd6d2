/**
 * Loads a tfjs LayersModel through the host (Host.readModelFile): model.json first, then its
 * weight shards, reporting progress. Paths in model.json are relative to its folder.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

export type ReadModelFile = (path: string, signal?: AbortSignal) => Promise<Uint8Array>;

function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i + 1);
}

/** Reads model.json and its weights into ModelArtifacts. */
export async function readModelArtifacts(read: ReadModelFile, modelJsonPath: string, opts: { signal?: AbortSignal; onProgress?: (f: number) => void } = {}): Promise<tf.io.ModelArtifacts> {
  const jsonBytes = await read(modelJsonPath, opts.signal);
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(new TextDecoder().decode(jsonBytes)) as tf.io.ModelJSON;
  } catch (e) {
    throw new Error(`model file ${modelJsonPath} is not valid JSON (${(e as Error).message})`);
  }
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) throw new Error(`model file ${modelJsonPath} is not a tfjs LayersModel model.json (no modelTopology / weightsManifest)`);
  const paths = json.weightsManifest.flatMap((g) => g.paths);
  let done = 0;
  opts.onProgress?.(0.05);
  const base = dirOf(modelJsonPath);
  return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
    const specs = manifest.flatMap((g) => g.weights);
    const buffers: ArrayBuffer[] = [];
    for (const p of paths) {
      opts.signal?.throwIfAborted();
      const b = await read(/^[a-z]+:|^\//i.test(p) ? p : base + p, opts.signal);
      buffers.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
      done++;
      opts.onProgress?.(0.05 + (0.9 * done) / paths.length);
    }
    return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
  });
}

/** Loads a LayersModel from files read through `read`. */
export async function loadLayersModelFrom(read: ReadModelFile, modelJsonPath: string, opts: { signal?: AbortSignal; onProgress?: (f: number) => void } = {}): Promise<tfl.LayersModel> {
  const artifacts = await readModelArtifacts(read, modelJsonPath, opts);
  // tfjs-layers loads with the first model (a graph without model nodes never loads it)
  const { loadLayersModel } = await import('@tensorflow/tfjs-layers');
  const model = await loadLayersModel(tf.io.fromMemory(artifacts));
  opts.onProgress?.(1);
  return model;
}
