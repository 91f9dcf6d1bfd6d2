/** inpaint — fills the holes of a mask from the surrounding pixels (DESIGN.md §3). */
import * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../engine/defineNode';
import { Cancelled } from '../engine/errors';
import { asImage } from './lib/image';
import { asMask } from './lib/mask';
import { biharmonicInpaint } from './lib/restore/biharmonic';
import { fmmInpaint } from './lib/restore/fmm';
import { INPAINT_NET_MODEL, loadShippedNet, type NetResource, NO_NET, runInpaintNet } from './lib/restore/learned';

export const INPAINT_METHODS = ['telea', 'navierStokes', 'biharmonic', 'learned'] as const;
export type InpaintMethod = (typeof INPAINT_METHODS)[number];

/** Radius of the Telea fill that the learned method corrects (as in scripts/train-inpainter.ts). */
export const LEARNED_BASE_RADIUS = 5;

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
    'Fills the holes of the mask (pixels above 0.5) from the rest of the image; every other pixel is returned exactly unchanged. telea: fast marching, Telea (2004), as OpenCV INPAINT_TELEA. navierStokes: OpenCV INPAINT_NS (fast marching with weights along isophotes, after Bertalmio et al. 2001). biharmonic: solves the biharmonic equation on the hole, as scikit-image inpaint_biharmonic. learned: a small U-Net trained here (scripts/train-inpainter.ts) on photos with random masks corrects a Telea fill (radius 5), invariant to brightness and contrast; colour channels one at a time; any size. radius is used by telea and navierStokes only. All channels, alpha included, are filled. A mask without holes returns the image; a mask that is all hole is an error.',
  version: 1,
  inputs: { image: { type: 'image' }, mask: { type: 'mask' } },
  outputs: { image: { type: 'image' } },
  params: {
    method: { kind: 'enum', default: 'telea', options: INPAINT_METHODS },
    radius: { kind: 'int', default: 5, min: 1, max: 100, description: 'Neighbourhood radius in pixels of telea and navierStokes (OpenCV inpaintRadius).' },
  },
  loadParams: ['method'],
  load: (params, ctx) => (params.method === 'learned' ? loadShippedNet(ctx, INPAINT_NET_MODEL, [2, 1], 'inpainting network') : Promise.resolve(NO_NET)),
  async computeAsync({ inputs, params, signal, resource }) {
    const { img, data, h, w, c, hole } = await readInpaintInputs(inputs.image, inputs.mask);
    if (hole === null) return { image: tf.clone(img) };
    if (signal.aborted) throw new Cancelled();
    const method = params.method as InpaintMethod;
    let out: Float32Array;
    if (method === 'biharmonic') out = await biharmonicInpaint({ data, height: h, width: w, channels: c, hole }, signal);
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
