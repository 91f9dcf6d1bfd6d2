/** Shared code of the additive noise nodes (noise.gaussian, noise.uniform). */
import * as tf from '@tensorflow/tfjs-core';
import { joinAlpha, splitAlpha } from './image';

/**
 * Adds host-generated noise to the colour channels of `img` (alpha is never touched).
 * `generate(n)` returns n float32 noise values, laid out HWC over the colour channels, or
 * one value per pixel (shared by all colour channels) when `monochrome` is set.
 * Generating on the host makes the noise bit-identical on every backend for a given seed.
 */
export function addHostNoise(img: tf.Tensor3D, monochrome: boolean, clip: boolean, generate: (n: number) => Float32Array): tf.Tensor3D {
  const [h, w] = img.shape;
  const [rgb, alpha] = splitAlpha(img);
  const c = rgb.shape[2];
  const perPixel = monochrome ? 1 : c;
  const noise = tf.tensor3d(generate(h * w * perPixel), [h, w, perPixel], 'float32');
  let out: tf.Tensor3D = tf.add(rgb, noise);
  if (clip) out = tf.clipByValue(out, 0, 1);
  return joinAlpha(out, alpha);
}

/** Stream ids of lib/random used by the noise nodes (one per purpose). */
export const NOISE_STREAM = {
  /** The additive noise values (gaussian, uniform, generate.noise). */
  values: 0,
  /** salt-and-pepper: which pixels are hit. */
  pixels: 1,
} as const;
