/** image.resize — resamples an image to a new width and height. */
import * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../engine/defineNode';
import { asImage } from './lib/image';
import { resize as kernelResize } from '../kernels';
import { hostKernels, hostValues, tensorFromHost } from './lib/hostData';

export const imageResize = defineNode({
  type: 'image.resize',
  title: 'Resize',
  category: 'Image',
  description:
    'Resamples to width×height with pixel-centre alignment (half-pixel centres). bilinear: OpenCV INTER_LINEAR / tf.image.resizeBilinear(halfPixelCenters) — no anti-aliasing when shrinking. nearest: the source pixel floor((x + 0.5)·in/out), as OpenCV INTER_NEAREST_EXACT. All channels, alpha included (straight alpha), are resampled alike.',
  version: 1,
  inputs: { image: { type: 'image' } },
  outputs: { image: { type: 'image' } },
  params: {
    width: { kind: 'int', default: 256, min: 1, max: 8192 },
    height: { kind: 'int', default: 256, min: 1, max: 8192 },
    method: { kind: 'enum', default: 'bilinear', options: ['bilinear', 'nearest'] },
  },
  outputBytes: (p, inputs) => {
    const img = inputs.image;
    const channels = typeof img === 'object' && img.shape.length === 3 ? img.shape[2]! : 4;
    return p.width * p.height * channels * 4;
  },
  compute({ inputs, params }) {
    const img = asImage(inputs.image);
    const { width, height } = params;
    if (img.shape[0] === height && img.shape[1] === width) return { image: tf.clone(img) };
    if (hostKernels()) {
      // our WebAssembly kernel (src/kernels), the same arithmetic as the tfjs ops below
      const [h, w, c] = img.shape;
      return { image: tensorFromHost<tf.Rank.R3>(kernelResize(hostValues(img), h, w, c, height, width, params.method === 'nearest' ? 'nearest' : 'bilinear', { view: true }), [height, width, c]) };
    }
    const size: [number, number] = [height, width];
    const image =
      params.method === 'nearest'
        ? tf.image.resizeNearestNeighbor(img, size, false, true)
        : tf.image.resizeBilinear(img, size, false, true);
    return { image };
  },
});
