/**
 * `image.load`: reads an image through the host (file path relative to the graph in the CLI,
 * URL / data URL / stored asset id in the browser), decodes PNG, JPEG or WebP in `load` (the
 * same decoders in both places; EXIF orientation applied unless `orientation` is `ignore`),
 * and converts channels in `compute`.
 *
 * The resource keeps the decoder's integer samples (it owns no tensors); its
 * signature is the content hash of the bytes, so the same source with new bytes recomputes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../engine/defineNode';
import { hashBytes } from '../engine/signature';
import type { Resource } from '../engine/types';
import { decodeImage, DEFAULT_MAX_SIDE, ORIENTATION_NAMES, type DecodedImage } from './lib/codec';
import { tensorIntoHost } from './lib/hostData';

export interface LoadedImage extends Resource {
  readonly signature: string;
  readonly image: DecodedImage;
}

/** BT.601 luma weights (as OpenCV `COLOR_RGB2GRAY` and PIL `convert('L')`). */
export const GRAY_WEIGHTS = [0.299, 0.587, 0.114] as const;

/** Names a source in messages: quoted and shortened; data URLs by their size. */
export function describeSource(source: string): string {
  if (source.startsWith('data:')) return `data URL (${source.length} characters)`;
  const s = source.length > 80 ? `${source.slice(0, 38)}…${source.slice(-38)}` : source;
  return JSON.stringify(s);
}

/** Converts a float HWC image with 1, 3 or 4 channels to `target` channels (inside tidy). */
export function convertChannels(img: tf.Tensor3D, target: 'auto' | 'gray' | 'rgb' | 'rgba'): tf.Tensor3D {
  const [h, w, c] = img.shape;
  if (target === 'auto') return img;
  const rgb = (): tf.Tensor3D => (c === 1 ? tf.tile(img, [1, 1, 3]) : c === 4 ? tf.slice(img, [0, 0, 0], [h, w, 3]) : img);
  if (target === 'gray') {
    if (c === 1) return img;
    return tf.sum(tf.mul(rgb(), tf.tensor1d(GRAY_WEIGHTS as unknown as number[], 'float32')), 2, true);
  }
  if (target === 'rgb') return rgb();
  if (c === 4) return img;
  return tf.concat([rgb(), tf.ones([h, w, 1], 'float32')], 2);
}

/** What the node shows: the file's format and stored size, and its EXIF orientation. */
export function imageSummary(im: DecodedImage): string {
  const base = `${im.format.toUpperCase()} ${im.storedWidth}×${im.storedHeight}`;
  if (im.orientation === 1) return base;
  const how = ORIENTATION_NAMES[im.orientation] ?? `orientation ${im.orientation}`;
  return im.oriented ? `${base}, EXIF ${how}: shown upright (${im.width}×${im.height})` : `${base}, EXIF ${how} (ignored)`;
}

export const imageLoad = defineNode({
  type: 'image.load',
  title: 'Load image',
  category: 'IO',
  description:
    'Loads a PNG (1–16-bit, any colour type, interlaced or not), JPEG (baseline, progressive, gray, CMYK) or WebP (lossy, lossless, alpha) image, turned upright per its EXIF orientation. The source is a file path (CLI: relative to the graph file), a URL, a data URL, or a stored asset id (browser).',
  version: 1,
  inputs: {},
  outputs: { image: { type: 'image' } },
  params: {
    source: { kind: 'string', default: '', label: 'Source', description: 'File path, URL, data URL or asset id' },
    channels: {
      kind: 'enum',
      default: 'auto',
      options: ['auto', 'gray', 'rgb', 'rgba'],
      label: 'Channels',
      description: 'auto keeps the file’s channels (gray+alpha becomes RGBA); gray uses BT.601 weights 0.299/0.587/0.114; rgba adds alpha = 1',
    },
    orientation: {
      kind: 'enum',
      default: 'exif',
      options: ['exif', 'ignore'],
      label: 'Orientation',
      description: 'exif turns the image upright as viewers and browsers show it (EXIF orientation tag); ignore keeps the pixels as stored',
    },
  },
  // Channel conversion happens in compute: changing it does not decode the file again.
  loadParams: ['source', 'orientation'],
  async load(params, ctx): Promise<LoadedImage> {
    const source = params.source.trim();
    if (source === '') throw new Error('image.load needs a source (a file path, URL or data URL)');
    const bytes = await ctx.host.readSource(source, ctx.signal);
    const image = await decodeImage(bytes, {
      name: describeSource(source),
      maxSide: ctx.host.limits.maxImageSide ?? DEFAULT_MAX_SIDE,
      limitHint: ctx.host.limits.hint,
      orientation: params.orientation === 'ignore' ? 'ignore' : 'exif',
    });
    return { signature: hashBytes(bytes), image, summary: imageSummary(image), dispose: () => undefined };
  },
  compute({ params, resource }) {
    const im = resource.image;
    // The floats go straight into the tensor's memory (the wasm heap on wasm): the resource
    // keeps only the decoder's integer samples.
    const img = tensorIntoHost<tf.Rank.R3>([im.height, im.width, im.channels], (out) => im.writeFloats(out));
    return { image: convertChannels(img, params.channels as 'auto' | 'gray' | 'rgb' | 'rgba') };
  },
});
