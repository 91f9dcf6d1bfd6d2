/** The node catalogue: every node kind, listed explicitly (nothing registers on import). */
import type { AnyNodeDefinition } from '../engine/types';
import { NodeRegistry } from '../engine/registry';
// --- io (image.load, image.save) ---
import { imageLoad } from './imageLoad';
import { imageSave } from './imageSave';
import { graphInput, graphOutput } from './graphIO';
// --- filters ---
import { filterGaussianBlur } from './filterGaussianBlur';
import { filterBoxBlur } from './filterBoxBlur';
import { filterMedian } from './filterMedian';
import { filterSobel } from './filterSobel';
import { filterUnsharpMask } from './filterUnsharpMask';
import { filterConvolve } from './filterConvolve';
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
// --- restoration: masks, inpainting, denoising (issue 6) ---
import { maskRectangle } from './maskRectangle';
import { maskEllipse } from './maskEllipse';
import { maskStrokes } from './maskStrokes';
import { maskThreshold } from './maskThreshold';
import { maskPaint } from './maskPaint';
import { maskInvert } from './maskInvert';
import { maskDilate } from './maskDilate';
import { inpaint } from './inpaint';
import { restoreDenoise } from './restoreDenoise';

// --- generative models and latents (issue 5) ---
import { classify } from './classify';
import { ganSample } from './ganSample';
import { vaeEncode } from './vaeEncode';
import { vaeDecode } from './vaeDecode';
import { latentRandom } from './latentRandom';
import { latentInterpolate } from './latentInterpolate';
import { latentAdd } from './latentAdd';
import { latentScale } from './latentScale';

export const allNodes: readonly AnyNodeDefinition[] = [
  // --- io list ---
  imageLoad,
  imageSave,
  graphInput,
  graphOutput,
  // --- filters list ---
  filterGaussianBlur,
  filterBoxBlur,
  filterMedian,
  filterSobel,
  filterUnsharpMask,
  filterConvolve,
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
  // --- restoration list (issue 6) ---
  maskRectangle,
  maskEllipse,
  maskStrokes,
  maskThreshold,
  maskPaint,
  maskInvert,
  maskDilate,
  inpaint,
  restoreDenoise,
  // --- generative models and latents list (issue 5) ---
  ganSample,
  classify,
  vaeEncode,
  vaeDecode,
  latentRandom,
  latentInterpolate,
  latentAdd,
  latentScale,
];

export function createRegistry(extra: readonly AnyNodeDefinition[] = []): NodeRegistry {
  return new NodeRegistry([...allNodes, ...extra]);
}
