/**
 * Loading the shipped restoration networks (the denoiser of restore.denoise and the inpainting
 * U-Net of inpaint) through the host, and running the inpainting network on images of any size.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { hashBytes, hashString } from '../../../engine/signature';
import type { LoadContext, Resource } from '../../../engine/types';
import { loadLayersModelFrom, type ReadModelFile } from '../modelLoad';
import { padImage } from '../pad';

/** model.json of the shipped inpainting network, relative to public/models. */
export const INPAINT_NET_MODEL = 'inpaint-net/model.json';

export interface NetResource extends Resource {
  readonly model: tfl.LayersModel | null;
}

/** A resource that holds nothing (methods without a network). */
export const NO_NET: NetResource = { model: null, signature: 'none', dispose: () => undefined };

/**
 * Loads a shipped model through `host.readModelFile`; `channels` are the input and output
 * channel counts it must have ([null, h, w, in] → [null, h, w, out]). `what` names it in messages.
 */
export async function loadShippedNet(ctx: LoadContext, file: string, channels: [number, number], what: string): Promise<NetResource> {
  const host = ctx.host;
  if (!host.readModelFile) throw new Error(`this host cannot read shipped model files (Host.readModelFile is missing), so ${what} is unavailable`);
  const hashes: string[] = [];
  const read: ReadModelFile = async (p, signal) => {
    const b = await host.readModelFile!(p, signal);
    hashes.push(hashBytes(b));
    return b;
  };
  let model: tfl.LayersModel;
  try {
    model = await loadLayersModelFrom(read, file, { signal: ctx.signal, onProgress: ctx.onProgress });
  } catch (e) {
    throw new Error(`cannot load the shipped ${what} ${file}: ${(e as Error).message}`);
  }
  const i = model.inputs[0]!.shape;
  const o = model.outputs[0]!.shape;
  if (model.inputs.length !== 1 || model.outputs.length !== 1 || i.length !== 4 || i[3] !== channels[0] || o.length !== 4 || o[3] !== channels[1]) {
    model.dispose();
    throw new Error(`${file} does not fit ${what}: expected an input [null, h, w, ${channels[0]}] and an output [null, h, w, ${channels[1]}], got ${JSON.stringify(i)} → ${JSON.stringify(o)}`);
  }
  return { model, signature: hashString(hashes.join(',')), dispose: () => model.dispose() };
}

/** Core tile side and halo (pixels) of the inpainting network; its input sides must be multiples of 8. */
const TILE = 512;
const HALO = 64;
const MULTIPLE = 8;
/** Smallest scale used to normalize a patch (a flat patch gets a residual of at most 1e-4·|net|). */
export const NET_MIN_SCALE = 1e-4;

/**
 * The network's input for gray patches [n, h, w, 1] already filled by Telea and their masks:
 * per patch, (fill − mean) / scale and the mask, with mean and scale = max(std, 1e-4) of the
 * filled patch. The network predicts the correction to the fill divided by that scale, so it
 * is invariant to brightness and contrast, and a flat patch stays exactly flat (up to 1e-4·|net|).
 * Used by the node and by scripts/training/train-inpainter.ts alike. Returns [input, scale].
 */
export function netInput(fill: tf.Tensor4D, hole: tf.Tensor4D): [tf.Tensor4D, tf.Tensor4D] {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(fill, [1, 2, 3], true);
    const scale = tf.maximum(tf.sqrt(variance), NET_MIN_SCALE) as tf.Tensor4D;
    const input = tf.concat([tf.div(tf.sub(fill, mean), scale), hole], 3) as tf.Tensor4D;
    return [input, scale];
  });
}

/**
 * The inpainting network's correction of a Telea fill, for every channel of `fill` (channels as
 * a batch of gray images with the same mask), in image units: the caller adds it to the fill
 * at the hole pixels. Images larger than 512 px are processed in 512 px tiles that see 64 px of
 * context around them. Runs inside the caller's tidy.
 */
export function runInpaintNet(model: tfl.LayersModel, fill: tf.Tensor3D, mask: tf.Tensor3D): tf.Tensor3D {
  const [h, w, c] = fill.shape;
  const hole = tf.cast(tf.greater(mask, 0.5), 'float32') as tf.Tensor3D;
  const rows: tf.Tensor3D[] = [];
  for (let y0 = 0; y0 < h; y0 += TILE) {
    const th = Math.min(TILE, h - y0);
    const cols: tf.Tensor3D[] = [];
    for (let x0 = 0; x0 < w; x0 += TILE) {
      const tw = Math.min(TILE, w - x0);
      cols.push(
        tf.tidy(() => {
          const ry = Math.max(0, y0 - HALO);
          const rx = Math.max(0, x0 - HALO);
          const rh = Math.min(h, y0 + th + HALO) - ry;
          const rw = Math.min(w, x0 + tw + HALO) - rx;
          // Region → [c, ph, pw, 1] gray images and the shared mask, padded (reflect-101) to multiples of 8.
          const bottom = (MULTIPLE - (rh % MULTIPLE)) % MULTIPLE;
          const right = (MULTIPLE - (rw % MULTIPLE)) % MULTIPLE;
          const pads = { top: 0, bottom, left: 0, right };
          const regionFill = padImage(tf.slice(fill, [ry, rx, 0], [rh, rw, c]), pads, 'reflect101');
          const regionHole = padImage(tf.slice(hole, [ry, rx, 0], [rh, rw, 1]), pads, 'reflect101');
          const ph = rh + bottom;
          const pw = rw + right;
          const f4 = tf.expandDims(tf.transpose(regionFill, [2, 0, 1]), 3) as tf.Tensor4D;
          const m4 = tf.tile(tf.expandDims(regionHole, 0), [c, 1, 1, 1]) as tf.Tensor4D;
          const [input, scale] = netInput(f4, m4);
          const correction = tf.mul(model.predict(input) as tf.Tensor4D, scale);
          const core = tf.slice(tf.reshape(correction, [c, ph, pw]), [0, y0 - ry, x0 - rx], [c, th, tw]);
          return tf.transpose(core, [1, 2, 0]) as tf.Tensor3D;
        }),
      );
    }
    rows.push(cols.length === 1 ? cols[0]! : tf.concat(cols, 1));
  }
  return rows.length === 1 ? rows[0]! : tf.concat(rows, 0);
}
