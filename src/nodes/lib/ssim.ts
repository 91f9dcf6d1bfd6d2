/**
 * SSIM exactly as scikit-image computes it with
 * `structural_similarity(a, b, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
 * data_range=1)` (Wang et al. 2004):
 *
 * - local statistics with SciPy's `gaussian_filter(sigma=1.5, truncate=3.5, mode='reflect')`:
 *   11 taps (radius int(3.5·1.5 + 0.5) = 5), weights exp(−x²/(2σ²)) normalized to sum 1,
 *   border `reflect` = symmetric (`cba|abcd|dcb`, edge pixel repeated);
 * - μx = G∗x, σx² = G∗x² − μx², σxy = G∗xy − μxμy (evaluated on mean-centred images, the same
 *   quantities with less rounding error);
 * - S = (2μxμy + C1)(2σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2)), C1 = (0.01)², C2 = (0.03)²;
 * - SSIM = mean of S with a 5-pixel border cropped; for colour, the mean of the per-channel
 *   values (equal to the mean over the cropped H×W×C map).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ssimSum } from '../../kernels';
import { hostKernels, hostValues } from './hostData';
import { padIndices } from './pad';
import { gpuKernels, ssimMapGpu } from './gpuKernels';

export const SSIM_SIGMA = 1.5;
export const SSIM_TRUNCATE = 3.5;
/** Window radius: int(truncate·sigma + 0.5) = 5, so the window is 11×11. */
export const SSIM_RADIUS = Math.floor(SSIM_TRUNCATE * SSIM_SIGMA + 0.5);
export const SSIM_WIN = 2 * SSIM_RADIUS + 1;
const K1 = 0.01;
const K2 = 0.03;

/** SciPy's `_gaussian_kernel1d(sigma, 0, radius)`, in double. */
export function ssimKernel(): Float64Array {
  const k = new Float64Array(SSIM_WIN);
  let sum = 0;
  for (let i = 0; i < SSIM_WIN; i++) {
    const x = i - SSIM_RADIUS;
    k[i] = Math.exp((-0.5 / (SSIM_SIGMA * SSIM_SIGMA)) * x * x);
    sum += k[i]!;
  }
  for (let i = 0; i < SSIM_WIN; i++) k[i]! /= sum;
  return k;
}

/** Separable Gaussian filter of every channel of an HWC tensor, SciPy `mode='reflect'` border. */
function gaussianReflect(x: tf.Tensor3D): tf.Tensor3D {
  const [h, w, c] = x.shape;
  const r = SSIM_RADIUS;
  const k = ssimKernel();
  const taps = new Float32Array(SSIM_WIN * c);
  for (let i = 0; i < SSIM_WIN; i++) taps.fill(k[i]!, i * c, (i + 1) * c);
  const padded = tf.mirrorPad(x, [[r, r], [r, r], [0, 0]], 'symmetric');
  const x4 = tf.reshape<tf.Rank.R4>(padded, [1, h + 2 * r, w + 2 * r, c]);
  const vertical = tf.depthwiseConv2d(x4, tf.tensor4d(taps, [SSIM_WIN, 1, c, 1]), 1, 'valid');
  const both = tf.depthwiseConv2d(vertical, tf.tensor4d(taps, [1, SSIM_WIN, c, 1]), 1, 'valid');
  return tf.reshape(both, [h, w, c]);
}

/**
 * The full SSIM map S (H×W×C, uncropped) of two same-shaped HWC images, data range 1.
 * Both images need at least 11 px on a side (checked by the caller).
 */
export function ssimMap(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  const c = a.shape[2];
  // webgpu: our fused WGSL SSIM (two dispatches instead of ~20 ops)
  if (gpuKernels() && c <= 4) return ssimMapGpu(a, b, ssimKernel(), K1 * K1, K2 * K2);
  // The (co)variances G∗x² − (G∗x)² are shift invariant (the weights sum to 1), so they are
  // computed on images centred on their per-channel means: smaller squares, less float32
  // cancellation (the per-pixel error against float64 drops from ~2e-5 to a few 1e-6).
  // Identical inputs still give identical moments, hence S = 1 exactly.
  const ma = tf.mean(a, [0, 1], true);
  const mb = tf.mean(b, [0, 1], true);
  const xa = tf.sub<tf.Tensor3D>(a, ma);
  const xb = tf.sub<tf.Tensor3D>(b, mb);
  // All five local moments in one filter pass over 5·C channels.
  const stacked = tf.concat<tf.Tensor3D>([xa, xb, tf.mul<tf.Tensor3D>(xa, xa), tf.mul<tf.Tensor3D>(xb, xb), tf.mul<tf.Tensor3D>(xa, xb)], 2);
  const [dx, dy, dxx, dyy, dxy] = tf.split(gaussianReflect(stacked), [c, c, c, c, c], 2) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
  const vx = tf.sub(dxx, tf.mul(dx, dx));
  const vy = tf.sub(dyy, tf.mul(dy, dy));
  const vxy = tf.sub(dxy, tf.mul(dx, dy));
  // Local means μ = G∗(x − m) + m.
  const ux = tf.add(dx, ma);
  const uy = tf.add(dy, mb);
  const uxUx = tf.mul(ux, ux);
  const uyUy = tf.mul(uy, uy);
  const uxUy = tf.mul(ux, uy);
  const c1 = K1 * K1;
  const c2 = K2 * K2;
  const a1 = tf.add(tf.mul(2, uxUy), c1);
  const a2 = tf.add(tf.mul(2, vxy), c2);
  const b1 = tf.add(tf.add(uxUx, uyUy), c1);
  const b2 = tf.add(tf.add(vx, vy), c2);
  return tf.div<tf.Tensor3D>(tf.mul(a1, a2), tf.mul(b1, b2));
}

/** The map with SSIM_RADIUS pixels cropped from every side (what the mean is taken over). */
export function cropBorder(map: tf.Tensor3D): tf.Tensor3D {
  const [h, w, c] = map.shape;
  const r = SSIM_RADIUS;
  return tf.slice(map, [r, r, 0], [h - 2 * r, w - 2 * r, c]);
}

/**
 * SSIM and its map with the fused WebAssembly kernel (all five moments in one separable pass),
 * when `hostKernels()`; null otherwise (the caller uses ssimMap). The mean is taken in double
 * over the cropped map of every channel; the map is averaged over the channels.
 */
export function ssimOnHost(a: tf.Tensor3D, b: tf.Tensor3D): { ssim: number; map: tf.Tensor3D } | null {
  if (!hostKernels()) return null;
  const [h, w, c] = a.shape;
  const r = SSIM_RADIUS;
  const { sum, map } = ssimSum(
    hostValues(a),
    hostValues(b),
    h,
    w,
    c,
    ssimKernel(),
    padIndices(w, r, r, 'reflect'),
    padIndices(h, r, r, 'reflect'),
    r,
    K1 * K1,
    K2 * K2,
    true,
  );
  const count = (h - 2 * r) * (w - 2 * r) * c;
  let out = map!;
  if (c > 1) {
    out = new Float32Array(h * w);
    for (let p = 0; p < h * w; p++) {
      let s = 0;
      for (let ch = 0; ch < c; ch++) s += map![p * c + ch]!;
      out[p] = s / c;
    }
  }
  return { ssim: sum / count, map: tf.tensor3d(out, [h, w, 1]) };
}
