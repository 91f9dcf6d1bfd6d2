/** mask.paint — a mask painted in the editor with brush and eraser (DESIGN.md §3). */
import { defineNode } from '../engine/defineNode';
import { decodePaint, paintProblem, rasterizePaint } from '../engine/paintMask';
import { asImage } from './lib/image';
import { maskTensor } from './lib/mask';

/** Canvas used when nothing is painted and no image is wired. */
const DEFAULT_SIDE = 256;

export const maskPaint = defineNode({
  type: 'mask.paint',
  title: 'Painted mask',
  category: 'Mask',
  description:
    'A mask (1 = hole) painted in the editor over the image preview with a round brush (paint) and eraser. The strokes are stored compactly in the graph as polylines with a radius (format in src/engine/paintMask.ts) and rendered exactly on load. The mask has the wired image’s size (strokes painted on a canvas of another size are scaled to it), else the size of the canvas they were painted on (256×256 when nothing is painted).',
  version: 1,
  inputs: { image: { type: 'image', optional: true, description: 'The image painted over; the mask takes its size.' } },
  outputs: { mask: { type: 'mask' } },
  params: {
    strokes: {
      kind: 'string',
      default: '',
      maxLength: 1_000_000,
      description: 'Painted strokes: "<W>x<H>" then ";p<radius>:x,y,x,y…" (paint) or ";e<radius>:…" (erase), in canvas pixels.',
    },
  },
  check(p) {
    const problem = paintProblem(p.strokes);
    return problem ? `param "strokes": ${problem}` : null;
  },
  compute({ inputs, params }) {
    const doc = decodePaint(params.strokes);
    let h: number;
    let w: number;
    if (inputs.image !== undefined) {
      const img = asImage(inputs.image);
      [h, w] = img.shape;
    } else if (doc.width > 0) {
      [h, w] = [doc.height, doc.width];
    } else {
      [h, w] = [DEFAULT_SIDE, DEFAULT_SIDE];
    }
    return { mask: maskTensor(rasterizePaint(doc, w, h), h, w) };
  },
});
