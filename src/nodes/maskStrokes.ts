/** mask.strokes — seeded random brush strokes (DESIGN.md §3), as used to train and test inpainting. */
import { defineNode } from '../engine/defineNode';
import { drawPolyline } from '../engine/paintMask';
import { maskSize, maskTensor, SIZE_IMAGE_INPUT, SIZE_PARAMS } from './lib/mask';
import { Rng } from './lib/random';

/** Vertices are rounded to 1/256 px so the last-bit differences of Math.cos/sin between JS engines cannot move a pixel. */
const snap = (v: number): number => Math.round(v * 256) / 256;

/**
 * The polylines of `count` random strokes on a w×h canvas: each starts at a uniform point,
 * heads in a uniform direction and has 1–4 segments of equal length (total `length` px),
 * turning by up to ±90° between segments.
 */
export function randomStrokes(w: number, h: number, count: number, length: number, seed: number): number[][] {
  const rng = new Rng(seed, 0);
  const strokes: number[][] = [];
  for (let s = 0; s < count; s++) {
    let x = rng.nextDouble() * w;
    let y = rng.nextDouble() * h;
    let angle = rng.nextDouble() * 2 * Math.PI;
    const segments = 1 + rng.nextBelow(4);
    const step = length / segments;
    const pts = [snap(x), snap(y)];
    for (let k = 0; k < segments; k++) {
      if (k > 0) angle += (rng.nextDouble() - 0.5) * Math.PI;
      x += step * Math.cos(angle);
      y += step * Math.sin(angle);
      pts.push(snap(x), snap(y));
    }
    strokes.push(pts);
  }
  return strokes;
}

export const maskStrokes = defineNode({
  type: 'mask.strokes',
  title: 'Random strokes mask',
  category: 'Mask',
  description:
    'A mask (1 = hole) of random brush strokes: count polylines, each of total length px in 1–4 segments that turn by up to ±90°, drawn with a round brush of the given width. The same seed gives the same strokes for the same mask size. The size comes from the wired image, else from width and height.',
  version: 1,
  inputs: SIZE_IMAGE_INPUT,
  outputs: { mask: { type: 'mask' } },
  params: {
    ...SIZE_PARAMS,
    count: { kind: 'int', default: 6, min: 0, max: 500, description: 'Number of strokes.' },
    brushWidth: { kind: 'float', default: 6, min: 0.5, max: 256, step: 0.5, label: 'Width', description: 'Brush diameter in pixels.' },
    length: { kind: 'float', default: 60, min: 0, max: 8192, step: 1, description: 'Length of each stroke in pixels.' },
    seed: { kind: 'seed', default: 0 },
  },
  compute({ inputs, params }) {
    const [h, w] = maskSize(inputs.image, params.width, params.height);
    const bits = new Uint8Array(h * w);
    for (const pts of randomStrokes(w, h, params.count, params.length, params.seed)) drawPolyline(bits, w, h, pts, params.brushWidth / 2, 1);
    return { mask: maskTensor(bits, h, w) };
  },
});
