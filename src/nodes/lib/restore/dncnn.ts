/**
 * The learned denoiser (restore.denoise, method dncnn): loading the shipped network and running
 * it on images of any size.
 *
 * The network (scripts/training/train-denoiser.ts) maps a gray image [1, h, w, 1] to its estimated noise;
 * the result is clip(x − noise). Colour channels are denoised one by one (as a batch). The image
 * is padded by reflection (reflect-101) by the receptive-field radius before the network runs,
 * and large images are processed in tiles with a halo of that radius, so the output does not
 * depend on the tiling and stays within memory for any size.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { LoadContext } from '../../../engine/types';
import { padImage } from '../pad';
import { loadShippedNet, type NetResource } from './learned';

/** model.json of the shipped denoiser, relative to public/models. */
export const DNCNN_MODEL = 'dncnn/model.json';
/** Core tile side (pixels) processed at once. */
const TILE = 256;

export function loadDenoiser(ctx: LoadContext): Promise<NetResource> {
  return loadShippedNet(ctx, DNCNN_MODEL, [1, 1], 'denoiser');
}

/** Denoises every channel of `img` (callers split off alpha). Runs inside the caller's tidy. */
export function runDenoiser(model: tfl.LayersModel, img: tf.Tensor3D, tile = TILE): tf.Tensor3D {
  const [h, w, c] = img.shape;
  // Receptive-field radius: one pixel per 3×3 convolution.
  const r = model.layers.filter((l) => l.getClassName() === 'Conv2D').length;
  // Reflect-101 padding by the receptive-field radius, then the channels as a batch of gray
  // images [c, h + 2r, w + 2r, 1].
  const padded = padImage(img, { top: r, bottom: r, left: r, right: r }, 'reflect101');
  const batch = tf.expandDims(tf.transpose(padded, [2, 0, 1]), 3) as tf.Tensor4D;
  const rows: tf.Tensor4D[] = [];
  for (let y0 = 0; y0 < h; y0 += tile) {
    const th = Math.min(tile, h - y0);
    const cols: tf.Tensor4D[] = [];
    for (let x0 = 0; x0 < w; x0 += tile) {
      const tw = Math.min(tile, w - x0);
      cols.push(
        tf.tidy(() => {
          // The tile with its halo of r pixels: every output pixel sees its whole receptive field.
          const tile = tf.slice(batch, [0, y0, x0, 0], [c, th + 2 * r, tw + 2 * r, 1]);
          const noise = model.predict(tile) as tf.Tensor4D;
          return tf.slice(tf.sub(tile, noise), [0, r, r, 0], [c, th, tw, 1]) as tf.Tensor4D;
        }),
      );
    }
    rows.push(cols.length === 1 ? cols[0]! : tf.concat(cols, 2));
  }
  const out = rows.length === 1 ? rows[0]! : tf.concat(rows, 1);
  return tf.clipByValue(tf.transpose(tf.squeeze(out, [3]), [1, 2, 0]), 0, 1) as tf.Tensor3D;
}
