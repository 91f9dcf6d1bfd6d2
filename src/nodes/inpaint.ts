/** inpaint — fills the holes of a mask from the surrounding pixels (DESIGN.md §3). */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { defineNode } from '../engine/defineNode';
import { Cancelled } from '../engine/errors';
import { asImage } from './lib/image';
import { asMask } from './lib/mask';
import { biharmonicInpaint } from './lib/restore/biharmonic';
import { fmmInpaint } from './lib/restore/fmm';
import { INPAINT_NET_MODEL, loadShippedNet, type NetResource, NO_NET, runInpaintNet } from './lib/restore/learned';

export const INPAINT_METHODS = ['telea', 'navierStokes', 'biharmonic', 'learned', 'gan'] as const;
export type InpaintMethod = (typeof INPAINT_METHODS)[number];

/** Radius of the Telea fill that the learned method corrects (as in scripts/training/train-inpainter.ts). */
export const LEARNED_BASE_RADIUS = 5;

/** Shipped inpainting generators of method "gan" (scripts/training/train_inpaint_gan.py). */
export const INPAINT_GAN_MODELS = ['mnist'] as const;
export const SHIPPED_INPAINT_GAN = (family: string): string => `${family}-inpaint-gan/generator/model.json`;

/**
 * Fills the holes with an inpainting generator ([n, th, tw, 2] = (tile with holes at 0, mask) →
 * [n, th, tw, 1]). An image of the model's tile size is one tile; an image whose sides are
 * multiples of it is a grid of tiles without gaps (e.g. a sheet of digits), each filled on its
 * own. The generator sees gray: the only channel, or the BT.601 luma of RGB; its output
 * replaces every colour channel in the holes, and a hole's alpha becomes 1. Every other pixel
 * is kept.
 */
export async function ganInpaint(model: tfl.LayersModel, data: Float32Array, h: number, w: number, c: number, hole: Uint8Array): Promise<Float32Array> {
  const [, mh, mw] = model.inputs[0]!.shape as (number | null)[];
  const th = mh ?? h;
  const tw = mw ?? w;
  if (h % th !== 0 || w % tw !== 0) {
    throw new Error(`method "gan" with this model inpaints ${tw}×${th} images (28×28 digits, light on dark) or grids of them without gaps; the image is ${w}×${h} — resize it first or use another method`);
  }
  const rows = h / th;
  const cols = w / tw;
  const colour = c === 2 || c === 4 ? c - 1 : c;
  // only tiles with a hole go through the network: their top-left corners, computed once
  const tiles: { y0: number; x0: number }[] = [];
  for (let t = 0; t < rows * cols; t++) {
    const y0 = Math.floor(t / cols) * th;
    const x0 = (t % cols) * tw;
    let any = false;
    for (let y = y0; y < y0 + th && !any; y++) for (let x = x0; x < x0 + tw; x++) if (hole[y * w + x]) any = true;
    if (any) tiles.push({ y0, x0 });
  }
  /** Image pixel index of pixel (y, x) of tile k. */
  const at = (k: number, y: number, x: number): number => (tiles[k]!.y0 + y) * w + tiles[k]!.x0 + x;
  const input = new Float32Array(tiles.length * th * tw * 2);
  for (let k = 0; k < tiles.length; k++) {
    for (let y = 0; y < th; y++) {
      for (let x = 0; x < tw; x++) {
        const i = at(k, y, x);
        const g = colour >= 3 ? 0.299 * data[i * c]! + 0.587 * data[i * c + 1]! + 0.114 * data[i * c + 2]! : data[i * c]!;
        const o = ((k * th + y) * tw + x) * 2;
        input[o] = hole[i] ? 0 : g;
        input[o + 1] = hole[i]!;
      }
    }
  }
  const y = tf.tidy(() => model.predict(tf.tensor4d(input, [tiles.length, th, tw, 2])) as tf.Tensor);
  const fill = (await y.data()) as Float32Array;
  y.dispose();
  const out = data.slice();
  for (let k = 0; k < tiles.length; k++) {
    for (let yy = 0; yy < th; yy++) {
      for (let x = 0; x < tw; x++) {
        const i = at(k, yy, x);
        if (!hole[i]) continue;
        const v = Math.min(1, Math.max(0, fill[(k * th + yy) * tw + x]!));
        for (let ch = 0; ch < colour; ch++) out[i * c + ch] = v;
        if (colour < c) out[i * c + colour] = 1;
      }
    }
  }
  return out;
}

/**
 * Reads the image and mask, checks them, and returns the host arrays. `hole` is null when
 * the mask has no hole.
 */
export async function readInpaintInputs(image: unknown, mask: unknown): Promise<{ img: tf.Tensor3D; data: Float32Array; h: number; w: number; c: number; hole: Uint8Array | null }> {
  const img = asImage(image as tf.Tensor | undefined);
  const m = asMask(mask as tf.Tensor | undefined);
  const [h, w, c] = img.shape;
  if (m.shape[0] !== h || m.shape[1] !== w) {
    throw new Error(`input "mask" is ${m.shape[1]}×${m.shape[0]} but input "image" is ${w}×${h} (width×height); the mask must have the image's size`);
  }
  const [data, md] = (await Promise.all([img.data(), m.data()])) as [Float32Array, Float32Array];
  const hole = new Uint8Array(h * w);
  let holes = 0;
  for (let i = 0; i < hole.length; i++) {
    if (md[i]! > 0.5) {
      hole[i] = 1;
      holes++;
    }
  }
  if (holes === h * w) throw new Error('the mask covers the whole image; nothing to inpaint from');
  return { img, data, h, w, c, hole: holes === 0 ? null : hole };
}

export const inpaint = defineNode({
  type: 'inpaint',
  title: 'Inpaint',
  category: 'Restore',
  description:
    'Fills the holes of the mask (pixels above 0.5) from the rest of the image; every other pixel is returned exactly unchanged. telea: fast marching, Telea (2004), as OpenCV INPAINT_TELEA. navierStokes: OpenCV INPAINT_NS (fast marching with weights along isophotes, after Bertalmio et al. 2001). biharmonic: solves the biharmonic equation on the hole, as scikit-image inpaint_biharmonic. learned: a small U-Net trained here (scripts/training/train-inpainter.ts) on photos with random masks corrects a Telea fill (radius 5), invariant to brightness and contrast; colour channels one at a time; any size. gan: a context-encoder generator trained here with a reconstruction and an adversarial loss (scripts/training/train_inpaint_gan.py) redraws the hole from the rest of the image; model mnist is for 28×28 handwritten digits, light on dark — one digit, or a sheet of them in 28 px tiles without gaps, each tile filled on its own; other sizes are refused; colour images are seen as gray (BT.601 luma) and the gray fill goes to every colour channel (alpha 1 in the holes). radius is used by telea and navierStokes only; model by gan only. All channels, alpha included, are filled. A mask without holes returns the image; a mask that is all hole is an error.',
  version: 1,
  inputs: { image: { type: 'image' }, mask: { type: 'mask' } },
  outputs: { image: { type: 'image' } },
  params: {
    method: { kind: 'enum', default: 'telea', options: INPAINT_METHODS },
    radius: { kind: 'int', default: 5, min: 1, max: 100, description: 'Neighbourhood radius in pixels of telea and navierStokes (OpenCV inpaintRadius).' },
    model: { kind: 'enum', default: 'mnist', options: INPAINT_GAN_MODELS, label: 'Model', description: 'The inpainting generator of method gan: mnist, 28×28 handwritten digits (light on dark).' },
  },
  loadParams: ['method', 'model'],
  load: (params, ctx) =>
    params.method === 'learned'
      ? loadShippedNet(ctx, INPAINT_NET_MODEL, [2, 1], 'inpainting network')
      : params.method === 'gan'
        ? loadShippedNet(ctx, SHIPPED_INPAINT_GAN(params.model), [2, 1], `${params.model} inpainting generator`)
        : Promise.resolve(NO_NET),
  async computeAsync({ inputs, params, signal, resource }) {
    const { img, data, h, w, c, hole } = await readInpaintInputs(inputs.image, inputs.mask);
    if (hole === null) return { image: tf.clone(img) };
    if (signal.aborted) throw new Cancelled();
    const method = params.method as InpaintMethod;
    let out: Float32Array;
    if (method === 'gan') {
      const model = (resource as NetResource | undefined)?.model;
      if (!model) throw new Error('the inpainting generator is not loaded');
      out = await ganInpaint(model, data, h, w, c, hole);
    } else if (method === 'biharmonic') out = await biharmonicInpaint({ data, height: h, width: w, channels: c, hole }, signal);
    else if (method === 'learned') {
      const model = (resource as NetResource | undefined)?.model;
      if (!model) throw new Error('the inpainting network is not loaded');
      // The network corrects a Telea fill (radius 5); only hole pixels change.
      out = await fmmInpaint({ data, height: h, width: w, channels: c, hole, radius: LEARNED_BASE_RADIUS }, 'telea', signal);
      const fill = tf.tensor3d(out, [h, w, c], 'float32');
      const correction = tf.tidy(() => runInpaintNet(model, fill, inputs.mask as tf.Tensor3D));
      fill.dispose();
      const d = (await correction.data()) as Float32Array;
      correction.dispose();
      for (let i = 0; i < h * w; i++) {
        if (!hole[i]) continue;
        for (let ch = 0; ch < c; ch++) {
          const v = out[i * c + ch]! + d[i * c + ch]!;
          out[i * c + ch] = v < 0 ? 0 : v > 1 ? 1 : v;
        }
      }
    } else out = await fmmInpaint({ data, height: h, width: w, channels: c, hole, radius: params.radius }, method, signal);
    return { image: tf.tensor3d(out, [h, w, c], 'float32') };
  },
});
