/** mask.ellipse — an ellipse of holes (DESIGN.md §3). */
import { defineNode } from '../engine/defineNode';
import { maskSize, maskTensor, SIZE_IMAGE_INPUT, SIZE_PARAMS } from './lib/mask';

export const maskEllipse = defineNode({
  type: 'mask.ellipse',
  title: 'Ellipse mask',
  category: 'Mask',
  description:
    'A mask (1 = hole) that is 1 inside an ellipse, possibly rotated. The centre is a fraction of the mask size, radiusX a fraction of the width and radiusY of the height (before rotation); a pixel is inside when its centre (x + 0.5, y + 0.5) is. The size comes from the wired image, else from width and height.',
  version: 1,
  inputs: SIZE_IMAGE_INPUT,
  outputs: { mask: { type: 'mask' } },
  params: {
    ...SIZE_PARAMS,
    centerX: { kind: 'float', default: 0.5, min: 0, max: 1, step: 0.01, description: 'Centre x as a fraction of the width.' },
    centerY: { kind: 'float', default: 0.5, min: 0, max: 1, step: 0.01, description: 'Centre y as a fraction of the height.' },
    radiusX: { kind: 'float', default: 0.15, min: 0, max: 2, step: 0.01, description: 'Horizontal semi-axis as a fraction of the width.' },
    radiusY: { kind: 'float', default: 0.15, min: 0, max: 2, step: 0.01, description: 'Vertical semi-axis as a fraction of the height.' },
    angle: { kind: 'float', default: 0, min: -180, max: 180, step: 1, description: 'Rotation in degrees, clockwise on screen (y points down).' },
  },
  compute({ inputs, params }) {
    const [h, w] = maskSize(inputs.image, params.width, params.height);
    const bits = new Uint8Array(h * w);
    const rx = params.radiusX * w;
    const ry = params.radiusY * h;
    if (rx > 0 && ry > 0) {
      const cx = params.centerX * w;
      const cy = params.centerY * h;
      const a = (params.angle * Math.PI) / 180;
      const cos = params.angle === 0 ? 1 : Math.cos(a);
      const sin = params.angle === 0 ? 0 : Math.sin(a);
      // Bounding box of the rotated ellipse.
      const ex = Math.sqrt(rx * rx * cos * cos + ry * ry * sin * sin);
      const ey = Math.sqrt(rx * rx * sin * sin + ry * ry * cos * cos);
      const x0 = Math.max(0, Math.floor(cx - ex - 0.5));
      const x1 = Math.min(w - 1, Math.ceil(cx + ex - 0.5));
      const y0 = Math.max(0, Math.floor(cy - ey - 0.5));
      const y1 = Math.min(h - 1, Math.ceil(cy + ey - 0.5));
      for (let y = y0; y <= y1; y++) {
        const dy = y + 0.5 - cy;
        for (let x = x0; x <= x1; x++) {
          const dx = x + 0.5 - cx;
          const u = (dx * cos + dy * sin) / rx;
          const v = (-dx * sin + dy * cos) / ry;
          if (u * u + v * v <= 1) bits[y * w + x] = 1;
        }
      }
    }
    return { mask: maskTensor(bits, h, w) };
  },
});
