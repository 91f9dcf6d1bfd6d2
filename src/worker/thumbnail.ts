/**
 * Thumbnails and statistics of image/mask outputs, made in the worker: the tensor is
 * box-filtered and resized on the active backend, converted to RGBA bytes and turned into
 * an ImageBitmap that is transferred to the editor.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ImageStats } from '../engine/protocol';

export interface ThumbnailPixels {
  readonly width: number;
  readonly height: number;
  /** Channels of the full image. */
  readonly channels: number;
  readonly fullWidth: number;
  readonly fullHeight: number;
  /** RGBA, row-major, width × height × 4. */
  readonly rgba: Uint8ClampedArray;
  readonly stats: ImageStats;
}

/** Thumbnail size with the longest side at most `maxSide` (never enlarged), at least 1 px. */
export function thumbnailSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height, 1));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** HWC view of an image-like tensor: rank 2 → [h, w, 1]; rank 4 with batch 1 → [h, w, c]. */
function asHwc(t: tf.Tensor): tf.Tensor3D {
  if (t.rank === 3) return t as tf.Tensor3D;
  if (t.rank === 2) return tf.expandDims(t, 2) as tf.Tensor3D;
  if (t.rank === 4 && t.shape[0] === 1) return tf.squeeze(t, [0]) as tf.Tensor3D;
  throw new Error(`cannot preview a tensor of shape [${t.shape.join(', ')}]`);
}

/** Reads min/max/mean and a small RGBA rendering of `t` (gray → gray, alpha kept). */
export async function thumbnailPixels(t: tf.Tensor, maxSide: number): Promise<ThumbnailPixels> {
  const [h, w, c] = asHwc(t).shape;
  const size = thumbnailSize(w, h, maxSide);
  const [statsT, rgbaT] = tf.tidy(() => {
    const x = tf.cast(asHwc(t), 'float32') as tf.Tensor3D;
    const stats = tf.stack([tf.min(x), tf.max(x), tf.mean(x)]);
    let small: tf.Tensor3D = x;
    if (size.width !== w || size.height !== h) {
      const factor = Math.floor(Math.min(w / size.width, h / size.height));
      let b = tf.expandDims(x, 0) as tf.Tensor4D;
      if (factor >= 2) b = tf.avgPool(b, factor, factor, 'valid');
      small = tf.squeeze(tf.image.resizeBilinear(b, [size.height, size.width], false, true), [0]) as tf.Tensor3D;
    }
    const rgb = c === 1 ? tf.tile(small, [1, 1, 3]) : c === 2 ? tf.concat([tf.tile(tf.slice(small, [0, 0, 0], [-1, -1, 1]), [1, 1, 3]), tf.slice(small, [0, 0, 1], [-1, -1, 1])], 2) : small;
    const rgba = rgb.shape[2] === 4 ? rgb : tf.concat([tf.slice(rgb, [0, 0, 0], [-1, -1, 3]), tf.ones([size.height, size.width, 1])], 2);
    const bytes = tf.cast(tf.round(tf.mul(tf.clipByValue(rgba, 0, 1), 255)), 'int32');
    return [stats, bytes];
  });
  try {
    const [s, px] = await Promise.all([statsT.data(), rgbaT.data()]);
    return {
      width: size.width,
      height: size.height,
      channels: c,
      fullWidth: w,
      fullHeight: h,
      rgba: Uint8ClampedArray.from(px),
      stats: { min: s[0]!, max: s[1]!, mean: s[2]! },
    };
  } finally {
    statsT.dispose();
    rgbaT.dispose();
  }
}

/** An ImageBitmap of the pixels (transferable to the main thread). */
export async function toBitmap(p: ThumbnailPixels): Promise<ImageBitmap> {
  const data = new ImageData(p.rgba as Uint8ClampedArray<ArrayBuffer>, p.width, p.height);
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(p.width, p.height);
    const ctx = canvas.getContext('2d');
    if (ctx) {
      ctx.putImageData(data, 0, 0);
      return canvas.transferToImageBitmap();
    }
  }
  return createImageBitmap(data);
}
