/** Shared code of the image metrics (metric.ssim, metric.psnr, metric.mse). */
import * as tf from '@tensorflow/tfjs-core';
import { asImage } from './image';

/** `64×48×3` for an HWC shape. */
export function shapeText(t: tf.Tensor): string {
  return t.shape.join('×');
}

/**
 * Checks that inputs `a` and `b` are images of the same shape; `metric` names the node in
 * the message. Returns both as 3-D tensors.
 */
export function sameShapeImages(a: unknown, b: unknown, metric: string): [tf.Tensor3D, tf.Tensor3D] {
  const ta = asImage(a as tf.Tensor | number | undefined, 'input "a"');
  const tb = asImage(b as tf.Tensor | number | undefined, 'input "b"');
  if (ta.shape[0] !== tb.shape[0] || ta.shape[1] !== tb.shape[1] || ta.shape[2] !== tb.shape[2]) {
    throw new Error(`input "a" is ${shapeText(ta)} (height×width×channels) but input "b" is ${shapeText(tb)}; ${metric} needs images of the same shape`);
  }
  return [ta, tb];
}

/** The colour channels of an image: RGBA → RGB (alpha is ignored by the metrics), else as is. */
export function colourChannels(img: tf.Tensor3D): tf.Tensor3D {
  if (img.shape[2] !== 4) return img;
  const [h, w] = img.shape;
  return tf.slice(img, [0, 0, 0], [h, w, 3]);
}

/**
 * Mean of all elements as a float32 scalar, summed pairwise (a tree of 2-element sums), so
 * the rounding error grows with log2(n) instead of n. The wasm and webgpu reductions
 * accumulate sequentially in float32, whose error on a 256×256×3 image (~1e-6 relative)
 * would be visible next to a float64 reference; pairwise keeps it near 1e-7.
 */
export function accurateMean(x: tf.Tensor): tf.Scalar {
  const n = x.size;
  if (n === 0) throw new Error('mean of an empty tensor');
  let v: tf.Tensor1D = tf.reshape(x, [n]);
  while (v.size > 1) {
    if (v.size % 2 === 1) v = tf.concat([v, tf.zeros([1], 'float32')]);
    v = tf.sum(tf.reshape(v, [v.size / 2, 2]), 1);
  }
  return tf.div(tf.reshape(v, []), n);
}

/** Mean squared error over the colour channels (alpha ignored), as a float32 scalar. */
export function meanSquaredError(a: tf.Tensor3D, b: tf.Tensor3D): tf.Scalar {
  const d = tf.sub(colourChannels(a), colourChannels(b));
  return accurateMean(tf.square(d));
}
