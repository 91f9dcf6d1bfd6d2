/** The node catalogue: every node kind, listed explicitly (nothing registers on import). */
import type { AnyNodeDefinition } from '../engine/types';
import { NodeRegistry } from '../engine/registry';
// --- io (image.load, image.save) ---
import { imageLoad } from './imageLoad';
import { imageSave } from './imageSave';
// --- filters ---
// --- noise, generate, metrics, image ops ---
import { noiseGaussian } from './noiseGaussian';
import { noiseUniform } from './noiseUniform';
import { noiseSaltPepper } from './noiseSaltPepper';
import { generateNoise } from './generateNoise';
import { metricSsim } from './metricSsim';
import { metricPsnr } from './metricPsnr';
import { metricMse } from './metricMse';
import { imageResize } from './imageResize';
import { imageGrayscale } from './imageGrayscale';
import { imageBlend } from './imageBlend';

export const allNodes: readonly AnyNodeDefinition[] = [
  // --- io list ---
  imageLoad,
  imageSave,
  // --- filters list ---
  // --- noise, generate, metrics, image ops list ---
  noiseGaussian,
  noiseUniform,
  noiseSaltPepper,
  generateNoise,
  metricSsim,
  metricPsnr,
  metricMse,
  imageResize,
  imageGrayscale,
  imageBlend,
];

export function createRegistry(extra: readonly AnyNodeDefinition[] = []): NodeRegistry {
  return new NodeRegistry([...allNodes, ...extra]);
}
