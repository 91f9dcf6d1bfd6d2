/** mask.rectangle — an axis-aligned rectangle of holes (DESIGN.md §3). */
import { defineNode } from '../engine/defineNode';
import { maskSize, maskTensor, SIZE_IMAGE_INPUT, SIZE_PARAMS } from './lib/mask';

/** Pixel range [first, last + 1) of the pixels whose centres lie in [lo·n, hi·n). */
function span(lo: number, hi: number, n: number): [number, number] {
  const a = Math.max(0, Math.ceil(lo * n - 0.5));
  const b = Math.min(n, Math.ceil(hi * n - 0.5));
  return [a, Math.max(a, b)];
}

export const maskRectangle = defineNode({
  type: 'mask.rectangle',
  title: 'Rectangle mask',
  category: 'Mask',
  description:
    'A mask (1 = hole) that is 1 inside a rectangle. Edges are fractions of the mask size, so the same params fit any image: a pixel is inside when its centre (x + 0.5, y + 0.5) lies in [left·W, right·W) × [top·H, bottom·H). The size comes from the wired image, else from width and height.',
  version: 1,
  inputs: SIZE_IMAGE_INPUT,
  outputs: { mask: { type: 'mask' } },
  params: {
    ...SIZE_PARAMS,
    left: { kind: 'float', default: 0.375, min: 0, max: 1, step: 0.01, description: 'Left edge, as a fraction of the width.' },
    top: { kind: 'float', default: 0.375, min: 0, max: 1, step: 0.01, description: 'Top edge, as a fraction of the height.' },
    right: { kind: 'float', default: 0.625, min: 0, max: 1, step: 0.01, description: 'Right edge (exclusive), as a fraction of the width; not left of left.' },
    bottom: { kind: 'float', default: 0.625, min: 0, max: 1, step: 0.01, description: 'Bottom edge (exclusive), as a fraction of the height; not above top.' },
  },
  check(p) {
    if (p.right < p.left) return `param "right" (${p.right}) must not be left of "left" (${p.left})`;
    if (p.bottom < p.top) return `param "bottom" (${p.bottom}) must not be above "top" (${p.top})`;
    return null;
  },
  compute({ inputs, params }) {
    const [h, w] = maskSize(inputs.image, params.width, params.height);
    const [x0, x1] = span(params.left, params.right, w);
    const [y0, y1] = span(params.top, params.bottom, h);
    const bits = new Uint8Array(h * w);
    for (let y = y0; y < y1; y++) bits.fill(1, y * w + x0, y * w + x1);
    return { mask: maskTensor(bits, h, w) };
  },
});
