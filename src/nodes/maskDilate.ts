/** mask.dilate — grows the holes of a mask by a radius (DESIGN.md §3). */
import * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../engine/defineNode';
import { HostLoop } from './lib/hostLoop';
import { asMask } from './lib/mask';

const FAR = 1e9;

/**
 * Distance along columns to the nearest hole (in pixels, FAR when the column has none):
 * two scans per column.
 */
async function columnDistance(hole: Uint8Array, h: number, w: number, loop: HostLoop): Promise<Float64Array> {
  const g = new Float64Array(h * w);
  for (let x = 0; x < w; x++) {
    let d = FAR;
    for (let y = 0; y < h; y++) {
      const i = y * w + x;
      d = hole[i] ? 0 : d + 1;
      g[i] = d;
    }
    d = FAR;
    for (let y = h - 1; y >= 0; y--) {
      const i = y * w + x;
      d = hole[i] ? 0 : d + 1;
      if (d < g[i]!) g[i] = d;
    }
    if ((x & 63) === 0) await loop.tick();
  }
  return g;
}

/**
 * Dilation by a disk (x² + y² ≤ r², as scikit-image `disk(r)`) or a (2r+1)² square. The
 * disk uses the exact squared Euclidean distance transform (Felzenszwalb & Huttenlocher:
 * lower envelope of parabolas per row over the column distances); the square the
 * Chebyshev distance. O(pixels) for any radius.
 */
export async function dilateMask(hole: Uint8Array, h: number, w: number, radius: number, shape: 'disk' | 'square', signal?: AbortSignal): Promise<Uint8Array> {
  const out = new Uint8Array(h * w);
  if (radius === 0) {
    out.set(hole);
    return out;
  }
  const loop = new HostLoop(signal);
  const g = await columnDistance(hole, h, w, loop);
  if (shape === 'square') {
    // A pixel is covered when some x' with |x − x'| ≤ r in its row has column distance ≤ r.
    for (let y = 0; y < h; y++) {
      const row = y * w;
      let last = -FAR;
      const near = new Float64Array(w).fill(FAR);
      for (let x = 0; x < w; x++) {
        if (g[row + x]! <= radius) last = x;
        near[x] = x - last;
      }
      last = FAR;
      for (let x = w - 1; x >= 0; x--) {
        if (g[row + x]! <= radius) last = x;
        if (Math.min(near[x]!, last - x) <= radius) out[row + x] = 1;
      }
      if ((y & 63) === 0) await loop.tick();
    }
    return out;
  }
  const r2 = radius * radius;
  const v = new Int32Array(w);
  const z = new Float64Array(w + 1);
  const f = new Float64Array(w);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const d = g[row + x]!;
      f[x] = d >= FAR ? 1e18 : d * d;
    }
    // Lower envelope of the parabolas (x − q)² + f(q).
    let k = 0;
    v[0] = 0;
    z[0] = -Infinity;
    z[1] = Infinity;
    for (let q = 1; q < w; q++) {
      let s = (f[q]! + q * q - (f[v[k]!]! + v[k]! * v[k]!)) / (2 * q - 2 * v[k]!);
      while (s <= z[k]!) {
        k--;
        s = (f[q]! + q * q - (f[v[k]!]! + v[k]! * v[k]!)) / (2 * q - 2 * v[k]!);
      }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = Infinity;
    }
    k = 0;
    for (let x = 0; x < w; x++) {
      while (z[k + 1]! < x) k++;
      const q = v[k]!;
      if ((x - q) * (x - q) + f[q]! <= r2) out[row + x] = 1;
    }
    if ((y & 63) === 0) await loop.tick();
  }
  return out;
}

export const maskDilate = defineNode({
  type: 'mask.dilate',
  title: 'Dilate mask',
  category: 'Mask',
  description:
    'Grows the holes (pixels above 0.5) by radius pixels: disk marks every pixel within Euclidean distance radius of a hole (the footprint x² + y² ≤ r², as scikit-image disk(r)), square every pixel within a (2·radius + 1)² square. Radius 0 returns the mask binarized.',
  version: 1,
  inputs: { mask: { type: 'mask' } },
  outputs: { mask: { type: 'mask' } },
  params: {
    radius: { kind: 'int', default: 2, min: 0, max: 512, description: 'Growth in pixels.' },
    shape: { kind: 'enum', default: 'disk', options: ['disk', 'square'], description: 'Footprint of the dilation.' },
  },
  async computeAsync({ inputs, params, signal }) {
    const m = asMask(inputs.mask);
    const [h, w] = m.shape;
    const data = await m.data();
    const hole = new Uint8Array(h * w);
    for (let i = 0; i < hole.length; i++) hole[i] = data[i]! > 0.5 ? 1 : 0;
    const out = await dilateMask(hole, h, w, params.radius, params.shape as 'disk' | 'square', signal);
    const f = new Float32Array(h * w);
    for (let i = 0; i < f.length; i++) f[i] = out[i]!;
    return { mask: tf.tensor3d(f, [h, w, 1], 'float32') };
  },
});
