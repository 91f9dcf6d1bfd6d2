/** Shared checks and helpers for image tensors (float32 HWC in [0, 1], 1/3/4 channels). */
import * as tf from '@tensorflow/tfjs-core';
import type { Value } from '../../engine/types';

/** Asserts that `v` is an image tensor; `what` names it in the message (e.g. `input "a"`). */
export function asImage(v: Value | undefined, what = 'input "image"'): tf.Tensor3D {
  if (v === undefined) throw new Error(`${what} is not connected`);
  if (typeof v === 'number') throw new Error(`${what} expects an image, got the number ${v}`);
  if (v.rank !== 3) throw new Error(`${what} expects an image of shape [height, width, channels], got shape [${v.shape.join(', ')}]`);
  const c = v.shape[2]!;
  if (c !== 1 && c !== 3 && c !== 4) throw new Error(`${what} has ${c} channels; images have 1, 3 or 4`);
  if (v.shape[0]! < 1 || v.shape[1]! < 1) throw new Error(`${what} is empty (shape [${v.shape.join(', ')}])`);
  return v as tf.Tensor3D;
}

/** Splits RGBA into (RGB, alpha) so filters can leave alpha untouched; others → (img, null). */
export function splitAlpha(img: tf.Tensor3D): [tf.Tensor3D, tf.Tensor3D | null] {
  if (img.shape[2] !== 4) return [img, null];
  const [h, w] = img.shape;
  return [tf.slice(img, [0, 0, 0], [h, w, 3]), tf.slice(img, [0, 0, 3], [h, w, 1])];
}

export function joinAlpha(rgb: tf.Tensor3D, alpha: tf.Tensor3D | null): tf.Tensor3D {
  return alpha ? tf.concat([rgb, alpha], 2) : rgb;
}
