/**
 * Bilateral filter as OpenCV's `cv::bilateralFilter` computes it on float32 images: a
 * circular window of radius r (taps with dy² + dx² ≤ r²), spatial weight
 * exp(−(dy² + dx²) / (2·sigmaSpace²)), range weight exp(−d² / (2·sigmaColor²)) where d is the
 * L1 distance of the colour vectors (Σ over channels of |Δ|), border reflect-101.
 * r = floor(diameter / 2) when diameter > 0, else cvRound(1.5·sigmaSpace), at least 1;
 * non-positive sigmas become 1 (as OpenCV). OpenCV evaluates the range weight from a
 * 4096-bins-per-channel table with linear interpolation; we evaluate exp directly (the
 * difference is below 1e-5 on [0, 1] images).
 */
import * as tf from '@tensorflow/tfjs-core';
import { bilateralFilter as kernelBilateral } from '../../../kernels';
import { hostKernels, hostValues, tensorFromHost } from '../hostData';
import { padImage, padIndices } from '../pad';

/** OpenCV's cvRound: round half to even. */
export function cvRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export function bilateralRadius(sigmaSpace: number, diameter: number): number {
  const ss = sigmaSpace > 0 ? sigmaSpace : 1;
  const r = diameter > 0 ? Math.floor(diameter / 2) : cvRound(ss * 1.5);
  return Math.max(r, 1);
}

/** Filters every channel of `img` (callers split off alpha first). */
export function bilateralFilter(img: tf.Tensor3D, sigmaColor: number, sigmaSpace: number, diameter: number): tf.Tensor3D {
  const sc = sigmaColor > 0 ? sigmaColor : 1;
  const ss = sigmaSpace > 0 ? sigmaSpace : 1;
  const r = bilateralRadius(ss, diameter);
  const [h, w, c] = img.shape;
  const colourCoeff = -0.5 / (sc * sc);
  if (hostKernels() && c <= 4) {
    // our WebAssembly kernel (src/kernels): the same sums, one pass per pixel
    const window: { dy: number; dx: number; spatial: number }[] = [];
    for (let dy = -r; dy <= r; dy++) {
      for (let dx = -r; dx <= r; dx++) {
        const d2 = dy * dy + dx * dx;
        if (Math.sqrt(d2) <= r) window.push({ dy, dx, spatial: Math.exp((-0.5 * d2) / (ss * ss)) });
      }
    }
    const out = kernelBilateral(hostValues(img), h, w, c, window, colourCoeff, r, padIndices(w, r, r, 'reflect101'), padIndices(h, r, r, 'reflect101'), { view: true });
    return tensorFromHost<tf.Rank.R3>(out, [h, w, c]);
  }
  const padded = padImage(img, { top: r, bottom: r, left: r, right: r }, 'reflect101');
  let num: tf.Tensor3D = tf.zeros([h, w, c], 'float32');
  let den: tf.Tensor3D = tf.zeros([h, w, 1], 'float32');
  for (let dy = -r; dy <= r; dy++) {
    for (let dx = -r; dx <= r; dx++) {
      const d2 = dy * dy + dx * dx;
      if (Math.sqrt(d2) > r) continue;
      const spatial = Math.exp((-0.5 * d2) / (ss * ss));
      const [n2, d2t] = tf.tidy(() => {
        const nb = tf.slice(padded, [r + dy, r + dx, 0], [h, w, c]);
        const ad = tf.abs(tf.sub(nb, img));
        const dist = c === 1 ? ad : tf.sum(ad, 2, true);
        const wgt = tf.mul(tf.exp(tf.mul(tf.square(dist), colourCoeff)), spatial);
        return [tf.add(num, tf.mul(nb, wgt)), tf.add(den, wgt)] as [tf.Tensor3D, tf.Tensor3D];
      });
      num.dispose();
      den.dispose();
      num = n2;
      den = d2t;
    }
  }
  const out = tf.div(num, den) as tf.Tensor3D;
  num.dispose();
  den.dispose();
  if (padded !== img) padded.dispose();
  return out;
}
