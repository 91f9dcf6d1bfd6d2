/**
 * Per-channel correlation of HWC images (depthwise conv2d, 'valid' padding after explicit
 * border padding) and the 1-D kernels the filters use.
 *
 * Everything here is correlation (no kernel flip), like cv2.filter2D / cv2.sepFilter2D.
 * Kernels are built on the host in double precision and uploaded as float32.
 */
import * as tf from '@tensorflow/tfjs-core';
import { correlate2d as kernelCorrelate2d, sepCorrelate } from '../../kernels';
import { hostKernels, hostValues, tensorFromHost, tensorIntoHost } from './hostData';
import { gpuKernels, separableGpu } from './gpuKernels';
import { padImage, padIndices, type BorderMode } from './pad';


/**
 * OpenCV's default Gaussian kernel size for a float image and a given sigma
 * (`cv::GaussianBlur` with ksize (0,0)): `cvRound(sigma·8 + 1) | 1`, i.e. radius
 * ≈ 4σ rounded *up* to the next odd size. (For 8-bit images OpenCV uses 3σ instead; the
 * engine's images are float.)
 */
export function opencvGaussianKsize(sigma: number): number {
  if (!(sigma > 0)) return 1;
  return Math.round(sigma * 8 + 1) | 1;
}

/**
 * `cv::getGaussianKernel(ksize, sigma, CV_32F)`: weights exp(−x²/(2σ²)) for
 * x = i − (ksize−1)/2, each rounded to float32, normalized by their double sum and rounded
 * to float32 again (exactly OpenCV's arithmetic).
 */
export function opencvGaussianKernel(ksize: number, sigma: number): Float64Array {
  if (!Number.isInteger(ksize) || ksize < 1 || ksize % 2 === 0) throw new Error(`Gaussian kernel size must be a positive odd integer, got ${ksize}`);
  if (!(sigma > 0)) throw new Error(`Gaussian sigma must be positive, got ${sigma}`);
  const k = new Float64Array(ksize);
  const scale2X = -0.5 / (sigma * sigma);
  let sum = 0;
  for (let i = 0; i < ksize; i++) {
    const x = i - (ksize - 1) * 0.5;
    k[i] = Math.fround(Math.exp(scale2X * x * x));
    sum += k[i]!;
  }
  const inv = 1 / sum;
  for (let i = 0; i < ksize; i++) k[i] = Math.fround(k[i]! * inv);
  return k;
}

/**
 * SciPy's `gaussian_filter1d` kernel (as used by scikit-image `gaussian`): radius
 * `int(truncate·σ + 0.5)`, weights exp(−x²/(2σ²)) normalized to sum 1, in double.
 */
export function scipyGaussianKernel(sigma: number, truncate = 4): Float64Array {
  if (!(sigma > 0)) throw new Error(`Gaussian sigma must be positive, got ${sigma}`);
  const radius = Math.floor(truncate * sigma + 0.5);
  const k = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const v = Math.exp((-0.5 / (sigma * sigma)) * i * i);
    k[i + radius] = v;
    sum += v;
  }
  for (let i = 0; i < k.length; i++) k[i] = k[i]! / sum;
  return k;
}

/** A depthwise filter [kh, kw, C, 1] holding the same 2-D kernel (row-major) for every channel. */
function depthwiseFilter(kernel: ArrayLike<number>, kh: number, kw: number, channels: number): tf.Tensor4D {
  const data = new Float32Array(kh * kw * channels);
  for (let i = 0; i < kh * kw; i++) {
    const v = kernel[i]!;
    for (let c = 0; c < channels; c++) data[i * channels + c] = v;
  }
  return tf.tensor4d(data, [kh, kw, channels, 1]);
}

/** Valid-mode per-channel correlation of an already padded HWC image. */
function correlateValid(padded: tf.Tensor3D, kernel: ArrayLike<number>, kh: number, kw: number): tf.Tensor3D {
  const c = padded.shape[2];
  const filter = depthwiseFilter(kernel, kh, kw, c);
  const out = tf.depthwiseConv2d(tf.expandDims(padded, 0) as tf.Tensor4D, filter, 1, 'valid');
  return tf.squeeze(out, [0]);
}

function checkOdd(n: number, what: string): void {
  if (n < 1 || n % 2 === 0) throw new Error(`${what} length must be odd and ≥ 1, got ${n}`);
}

/**
 * Separable correlation: `kx` along the width (applied first), then `ky` along the height,
 * each centred (anchor at the middle), border handled by `mode`. Output has the input's shape.
 * A length-1 kernel is a scalar multiply along that axis.
 */
export function correlateSeparable(img: tf.Tensor3D, kx: ArrayLike<number>, ky: ArrayLike<number>, mode: BorderMode): tf.Tensor3D {
  checkOdd(kx.length, 'horizontal kernel');
  checkOdd(ky.length, 'vertical kernel');
  if (hostKernels()) {
    const [h, w, c] = img.shape;
    const rx = (kx.length - 1) / 2;
    const ry = (ky.length - 1) / 2;
    // the result goes straight into the new tensor, band by band for large images
    return tensorIntoHost<tf.Rank.R3>([h, w, c], (into) => sepCorrelate(hostValues(img), h, w, c, kx, ky, padIndices(w, rx, rx, mode), padIndices(h, ry, ry, mode), { into }));
  }
  if (gpuKernels() && img.shape[2] <= 4) return separableGpu(img, kx, ky, mode);
  return tf.tidy(() => {
    let x: tf.Tensor3D = img;
    const rx = (kx.length - 1) / 2;
    const ry = (ky.length - 1) / 2;
    x = kx.length === 1 ? tf.mul(x, kx[0]!) : correlateValid(padImage(x, { top: 0, bottom: 0, left: rx, right: rx }, mode), kx, 1, kx.length);
    x = ky.length === 1 ? tf.mul(x, ky[0]!) : correlateValid(padImage(x, { top: ry, bottom: ry, left: 0, right: 0 }, mode), ky, ky.length, 1);
    return x;
  });
}

/**
 * 2-D correlation with a kernel given as rows (`kernel[r][c]`), anchor at the centre,
 * border handled by `mode` — cv2.filter2D semantics.
 */
export function correlate2d(img: tf.Tensor3D, kernel: readonly (readonly number[])[], mode: BorderMode): tf.Tensor3D {
  const kh = kernel.length;
  const kw = kernel[0]?.length ?? 0;
  checkOdd(kh, 'kernel column');
  checkOdd(kw, 'kernel row');
  const flat: number[] = [];
  for (const row of kernel) {
    if (row.length !== kw) throw new Error(`kernel rows must all have ${kw} entries, got one with ${row.length}`);
    flat.push(...row);
  }
  if (hostKernels()) {
    const [h, w, c] = img.shape;
    const ry = (kh - 1) / 2;
    const rx = (kw - 1) / 2;
    const out = kernelCorrelate2d(hostValues(img), h, w, c, flat, kh, kw, padIndices(w, rx, rx, mode), padIndices(h, ry, ry, mode), { view: true });
    return tensorFromHost<tf.Rank.R3>(out, [h, w, c]);
  }
  return tf.tidy(() => {
    const ry = (kh - 1) / 2;
    const rx = (kw - 1) / 2;
    return correlateValid(padImage(img, { top: ry, bottom: ry, left: rx, right: rx }, mode), flat, kh, kw);
  });
}
