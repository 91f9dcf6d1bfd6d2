/**
 * Border padding of HWC images, for any pad size (also pads larger than the image and
 * 1-pixel-wide images).
 *
 * Modes (names as in OpenCV / SciPy / tf.mirrorPad):
 * - `reflect101`: `dcb|abcd|cba` — OpenCV BORDER_REFLECT_101 (the default), SciPy
 *   `mode='mirror'`, tf.mirrorPad `'reflect'`.
 * - `reflect`: `cba|abcd|dcb` — OpenCV BORDER_REFLECT, SciPy/scikit-image `mode='reflect'`,
 *   tf.mirrorPad `'symmetric'`.
 * - `replicate`: `aaa|abcd|ddd` — OpenCV BORDER_REPLICATE, SciPy `mode='nearest'`.
 *
 * Source indices are computed on the host (as OpenCV's `borderInterpolate` does, so pads
 * wider than the image keep reflecting back and forth) and applied with `tf.gather`.
 */
import * as tf from '@tensorflow/tfjs-core';

export type BorderMode = 'reflect101' | 'reflect' | 'replicate';

export interface Pads {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

/**
 * Maps an out-of-range coordinate `p` to an index in [0, len) — OpenCV's
 * `cv::borderInterpolate` for the three modes. With `len === 1` every mode gives 0.
 */
export function borderIndex(p: number, len: number, mode: BorderMode): number {
  if (!Number.isInteger(p) || !Number.isInteger(len) || len < 1) {
    throw new Error(`borderIndex: need an integer coordinate and a length ≥ 1, got p=${p}, len=${len}`);
  }
  if (p >= 0 && p < len) return p;
  if (len === 1) return 0;
  if (mode === 'replicate') return p < 0 ? 0 : len - 1;
  const delta = mode === 'reflect101' ? 1 : 0;
  // Reflection is periodic with period 2·len (reflect) or 2·(len − 1) (reflect101); fold
  // once with a modulo instead of OpenCV's loop so huge pads stay O(1).
  const period = 2 * len - 2 * delta;
  let q = ((p % period) + period) % period;
  if (q >= len) q = period - q - (1 - delta);
  return q;
}

/** Source indices for an axis of length `len` padded by `before` and `after`. */
export function padIndices(len: number, before: number, after: number, mode: BorderMode): Int32Array {
  if (!Number.isInteger(before) || !Number.isInteger(after) || before < 0 || after < 0) {
    throw new Error(`padIndices: pads must be non-negative integers, got ${before} and ${after}`);
  }
  const out = new Int32Array(len + before + after);
  for (let i = 0; i < out.length; i++) out[i] = borderIndex(i - before, len, mode);
  return out;
}

function gatherAxis(x: tf.Tensor3D, len: number, before: number, after: number, mode: BorderMode, axis: 0 | 1): tf.Tensor3D {
  if (before === 0 && after === 0) return x;
  return tf.tidy(() => {
    const idx = tf.tensor1d(padIndices(len, before, after, mode), 'int32');
    return tf.gather(x, idx, axis);
  });
}

/**
 * Pads an HWC image by (top, bottom, left, right) pixels with the given border mode.
 * Returns the input itself when every pad is 0 (callers that return it must clone).
 */
export function padImage(img: tf.Tensor3D, pads: Pads, mode: BorderMode): tf.Tensor3D {
  const [h, w] = img.shape;
  return tf.tidy(() => {
    const rows = gatherAxis(img, h, pads.top, pads.bottom, mode, 0);
    return gatherAxis(rows, w, pads.left, pads.right, mode, 1);
  });
}
