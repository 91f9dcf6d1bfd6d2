/** Shared helpers of the mask nodes and inpainting: masks are float32 [H, W, 1] tensors, 1 = hole. */
import * as tf from '@tensorflow/tfjs-core';
import type { Value } from '../../engine/types';
import { asImage } from './image';

/** Asserts that `v` is a single-channel image (a mask). */
export function asMask(v: Value | undefined, what = 'input "mask"'): tf.Tensor3D {
  const t = asImage(v, what);
  if (t.shape[2] !== 1) throw new Error(`${what} has ${t.shape[2]} channels; a mask has 1 (convert an image with mask.threshold)`);
  return t;
}

/**
 * The [height, width] of a generated mask: the size of the optional `image` input when it is
 * wired, else the node's `width` and `height` params.
 */
export function maskSize(image: Value | undefined, width: number, height: number): [number, number] {
  if (image === undefined) return [height, width];
  const img = asImage(image);
  return [img.shape[0], img.shape[1]];
}

/** A [h, w, 1] float32 mask tensor from 0/1 bytes. */
export function maskTensor(bits: Uint8Array, h: number, w: number): tf.Tensor3D {
  const data = new Float32Array(h * w);
  for (let i = 0; i < data.length; i++) data[i] = bits[i]! ? 1 : 0;
  return tf.tensor3d(data, [h, w, 1], 'float32');
}

/** The optional `image` input that gives a generated mask its size. */
export const SIZE_IMAGE_INPUT = {
  image: { type: 'image', optional: true, description: 'When wired, the mask takes this image’s height and width (width and height params are then ignored).' },
} as const;

/** width/height params of generated masks (used when no image is wired). */
export const SIZE_PARAMS = {
  width: { kind: 'int', default: 256, min: 1, max: 8192, description: 'Mask width in pixels when no image is wired.' },
  height: { kind: 'int', default: 256, min: 1, max: 8192, description: 'Mask height in pixels when no image is wired.' },
} as const;
