/**
 * Tensor data for the WebAssembly kernels (src/kernels) without needless copies.
 *
 * On the tfjs wasm backend a tensor's values live in that backend's heap: `dataSync()` copies
 * them into a fresh ArrayBuffer and `tf.tensor()` copies a fresh one back, and fresh buffers
 * of many MiB are slow to allocate here (measured: ~33 ms per 12 MiB read, most of a
 * 1024²×3 Gaussian blur). So on wasm the kernels read a view of the input's heap memory and
 * write their result straight into a new tensor's heap memory. On cpu, dataSync() already
 * returns the stored array.
 */
import * as tf from '@tensorflow/tfjs-core';
import { kernelsReady } from '../../kernels';

/**
 * True when the WebAssembly kernels (src/kernels) serve this backend: the image data is on
 * the host (cpu, wasm) and the kernels are loaded. On webgpu the tfjs programs stay on the GPU.
 */
export function hostKernels(): boolean {
  if (!kernelsReady()) return false;
  const b = tf.getBackend();
  return b === 'cpu' || b === 'wasm';
}

interface WasmBackendInternals {
  readonly dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  readonly wasm: { readonly HEAPU8: Uint8Array };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  disposeData?(dataId: object): boolean;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

function wasmBackend(): WasmBackendInternals | null {
  if (tf.getBackend() !== 'wasm') return null;
  const b = tf.backend() as unknown as Partial<WasmBackendInternals>;
  return b.dataIdMap && b.wasm && typeof b.makeOutput === 'function' && typeof b.typedArrayFromHeap === 'function' ? (b as WasmBackendInternals) : null;
}

/**
 * The float32 values of `t` for reading at once: a view of the wasm heap (valid until the next
 * tfjs allocation: copy it before making any tensor), else dataSync().
 */
export function hostValues(t: tf.Tensor): Float32Array {
  const b = wasmBackend();
  const entry = b?.dataIdMap.get(t.dataId);
  if (b && entry && t.dtype === 'float32') return new Float32Array(b.wasm.HEAPU8.buffer, entry.memoryOffset, t.size);
  return t.dataSync() as Float32Array;
}

/**
 * A new float32 tensor of `shape` whose values `fill` writes into the view it is given — on
 * wasm straight into the tensor's heap memory (so a kernel can write its result band by band
 * without a full-size buffer of its own). `fill` must read its inputs (hostValues) inside, after
 * the output exists: allocating it may move the heap.
 */
export function tensorIntoHost<R extends tf.Rank>(shape: number[], fill: (out: Float32Array) => void): tf.Tensor<R> {
  const b = wasmBackend();
  if (b) {
    const info = b.makeOutput(shape, 'float32');
    try {
      fill(b.typedArrayFromHeap(info));
    } catch (e) {
      b.disposeData?.(info.dataId);
      throw e;
    }
    return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor<R>;
  }
  const out = new Float32Array(shape.reduce((a, x) => a * x, 1));
  fill(out);
  return tf.tensor(out, shape as never, 'float32') as tf.Tensor<R>;
}

/**
 * A new float32 tensor of `shape` holding `values` (which may be a view of the kernel memory,
 * valid until the next kernel call): copied into the wasm heap directly, else a copy of it.
 */
export function tensorFromHost<R extends tf.Rank>(values: Float32Array, shape: number[]): tf.Tensor<R> {
  const b = wasmBackend();
  if (b) {
    const info = b.makeOutput(shape, 'float32');
    b.typedArrayFromHeap(info).set(values);
    return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor<R>;
  }
  return tf.tensor(values.slice(), shape as never, 'float32') as tf.Tensor<R>;
}
