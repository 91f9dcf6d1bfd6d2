import * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../engine/defineNode';
import { asImage } from './lib/image';
import { medianHost } from './lib/medianHost';
import { hostKernels, hostValues, tensorFromHost } from './lib/hostData';
import { padImage, padIndices } from './lib/pad';
import { medianFilter as kernelMedian } from '../kernels';
import { runSelectionNetwork, selectionNetwork } from './lib/selectNetwork';
import { gpuKernels, medianGpu } from './lib/gpuKernels';

/** Upper bound on the elements of one chunk's window views (rows·W·C·size²). */
const CHUNK_ELEMENTS = 1 << 23;

export type MedianMethod = 'auto' | 'network' | 'topk' | 'host';

/**
 * `auto` picks the selection network up to 5×5 (40 / 202 elementwise ops; ~1.3× faster than
 * topk on wasm at 512×512×3) and topk from 7×7 on, where the network (590+ ops) is slower.
 */
function pickMethod(size: number, method: MedianMethod): 'network' | 'topk' {
  if (method === 'network' || method === 'topk') return method;
  return size <= 5 ? 'network' : 'topk';
}

/** Backends whose tensors live in host memory, where dataSync() is a plain copy. */
const HOST_BACKENDS = new Set(['cpu', 'wasm']);

/**
 * Median of each size×size window, per channel, border replicating the edge — the same
 * result as `cv2.medianBlur(img_uint8, size)` on 8-bit data (OpenCV replicates the border
 * for every size). The size² shifted views of the padded image are reduced either by a
 * pruned min/max selection network (`network`, elementwise ops only) or by stacking them
 * on a new axis and taking the ((size² + 1)/2)-th largest with `tf.topk` (`topk`). Both
 * are exact. Rows are processed in chunks so the views stay under `chunkElements` floats.
 * On the cpu and wasm backends (`auto`) the host path of lib/medianHost.ts is used instead:
 * the data is already in host memory, so dataSync() costs a copy, not a GPU round trip.
 */
export function medianFilter(img: tf.Tensor3D, size: number, method: MedianMethod = 'auto', chunkElements = CHUNK_ELEMENTS): tf.Tensor3D {
  if (!Number.isInteger(size) || size < 1 || size % 2 === 0) throw new Error(`median size must be a positive odd integer, got ${size}`);
  if (size === 1) return tf.clone(img);
  const [h, w, c] = img.shape;
  if (method === 'auto' && hostKernels()) {
    // Our WebAssembly kernels (src/kernels): SIMD selection networks for 3, 5, 7; Huang's
    // sliding histogram for larger windows on 8-bit-valued data (null otherwise: host path).
    const r = (size - 1) / 2;
    const out = kernelMedian(hostValues(img), h, w, c, size, padIndices(w, r, r, 'replicate'), padIndices(h, r, r, 'replicate'), { view: true });
    if (out) return tensorFromHost<tf.Rank.R3>(out, [h, w, c]);
  }
  if (method === 'auto' && (size === 3 || size === 5 || size === 7) && c <= 4 && gpuKernels()) {
    // Our WGSL selection network: one dispatch, all channels of a pixel at once.
    return medianGpu(img, size);
  }
  if (method === 'host' || (method === 'auto' && HOST_BACKENDS.has(tf.getBackend()))) {
    // On cpu/wasm the pixels are already in host memory: gather + quickselect per pixel.
    return tf.tensor3d(medianHost(img.dataSync() as Float32Array, h, w, c, size), [h, w, c]);
  }
  const r = (size - 1) / 2;
  const taps = size * size;
  const rank = (taps - 1) / 2; // ascending, 0-based
  const how = pickMethod(size, method);
  return tf.tidy(() => {
    const padded = padImage(img, { top: r, bottom: r, left: r, right: r }, 'replicate');
    const chunkRows = Math.max(1, Math.min(h, Math.floor(chunkElements / (w * c * taps))));
    const parts: tf.Tensor3D[] = [];
    for (let y0 = 0; y0 < h; y0 += chunkRows) {
      const rows = Math.min(chunkRows, h - y0);
      parts.push(
        tf.tidy(() => {
          const views: tf.Tensor3D[] = [];
          for (let dy = 0; dy < size; dy++) {
            for (let dx = 0; dx < size; dx++) views.push(tf.slice(padded, [y0 + dy, dx, 0], [rows, w, c]));
          }
          if (how === 'network') return runSelectionNetwork(selectionNetwork(taps, rank), views);
          const { values } = tf.topk(tf.stack(views, 3), rank + 1, true);
          return tf.squeeze(tf.slice(values, [0, 0, 0, rank], [rows, w, c, 1]), [3]) as tf.Tensor3D;
        }),
      );
    }
    return parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
  });
}

export const filterMedian = defineNode({
  type: 'filter.median',
  title: 'Median',
  category: 'Filter',
  description: 'Median of the size×size window around each pixel, every channel (alpha included), border replicates the edge (as OpenCV medianBlur).',
  version: 1,
  inputs: { image: { type: 'image' } },
  outputs: { image: { type: 'image' } },
  params: {
    size: { kind: 'int', default: 3, min: 3, max: 15, odd: true, step: 2, label: 'Size', description: 'Side of the square window in pixels (odd, 3 … 15).' },
  },
  compute({ inputs, params }) {
    return { image: medianFilter(asImage(inputs.image), params.size) };
  },
});
