/**
 * Writes the restoration example graphs in graphs/ through the engine's serializer (canonical
 * form, like scripts/examples/make_graphs.ts):
 *
 *   npx tsx scripts/examples/make_restoration_graphs.ts
 *
 * - inpaint.graph.json: damage a photo with random strokes, restore it with every inpainting
 *   method, score each (SSIM, PSNR) against the original, side by side.
 * - masks.graph.json: every mask node (rectangle, ellipse, strokes, a painted mask, threshold of
 *   an image, invert, dilate), each saved as a PNG.
 * - denoise-learned.graph.json: Gaussian noise, then the learned denoiser and the bilateral
 *   filter, each scored against the original.
 */
import type { Graph } from '../../src/engine/graph';
import { graphBuilder, writeCanonical } from './graphBuilder';
import { createRegistry } from '../../src/nodes';
import { INPAINT_METHODS } from '../../src/nodes/inpaint';

/** The methods for photos of any size (gan is for 28×28 digits: graphs/restore-digits). */
const PHOTO_METHODS = INPAINT_METHODS.filter((m) => m !== 'gan');

const registry = createRegistry();

const builder = (name: string, description: string) => graphBuilder(registry, name, description);

const cap = (s: string): string => s[0]!.toUpperCase() + s.slice(1);

function inpaintGraph(): Graph {
  const b = builder(
    'Inpaint and score',
    `Damages a photo with random brush strokes (mask.strokes), fills the holes with every inpainting method for photos (${PHOTO_METHODS.join(', ')}) and scores each against the original with SSIM and PSNR, side by side with the damaged image.`,
  );
  b.node('load', 'image.load', { source: 'assets/astronaut.jpg' }, 0, 2);
  b.node('strokes', 'mask.strokes', { count: 6, brushWidth: 3, length: 30, seed: 4 }, 1, 0);
  b.wire('load', 'strokes');
  // The damaged image: holes shown white (screen with the mask).
  b.node('damaged', 'image.blend', { mode: 'screen' }, 2, 0);
  b.wire('load', 'damaged', 'a');
  b.wire('strokes', 'damaged', 'b', 'mask');
  const restored: [string, string][] = [['damaged', 'Damaged']];
  PHOTO_METHODS.forEach((method, i) => {
    const id = b.node(method, 'inpaint', { method, radius: 5 }, 2, i + 1);
    b.wire('damaged', id, 'image');
    b.wire('strokes', id, 'mask', 'mask');
    restored.push([id, cap(method)]);
  });
  // one row per restored image: SSIM, PSNR and save side by side (the graph fits the view at a readable zoom)
  restored.forEach(([src, label], row) => {
    [['metric.ssim', 'ssim'], ['metric.psnr', 'psnr']].forEach(([type, m], k) => {
      const id = b.node(`${m}${label}`, type!, {}, 3 + k, row);
      b.wire('load', id, 'a');
      b.wire(src, id, 'b');
    });
    const save = b.node(`save${label}`, 'image.save', { name: `inpaint-${src}` }, 5, row);
    b.wire(src, save);
  });
  return b.g;
}

function masksGraph(): Graph {
  const b = builder(
    'Masks',
    'Every mask node on a 256×256 photo: a rectangle, a rotated ellipse, seeded random strokes, a mask painted in the editor (brush and eraser strokes stored in the graph), a threshold of the image, its inverse, and the strokes dilated by a disk of radius 3.',
  );
  b.node('load', 'image.load', { source: 'assets/camera.png' }, 0, 3);
  const masks: [string, string, Record<string, unknown>][] = [
    ['rectangle', 'mask.rectangle', { left: 0.1, top: 0.6, right: 0.45, bottom: 0.9 }],
    ['ellipse', 'mask.ellipse', { centerX: 0.7, centerY: 0.35, radiusX: 0.2, radiusY: 0.08, angle: 30 }],
    ['strokes', 'mask.strokes', { count: 6, brushWidth: 4, length: 70, seed: 12 }],
    ['painted', 'mask.paint', { strokes: '256x256;p6:40,40,80,52,120,48,160,70;p3:60,200,100,190,140,210;e4:100,50' }],
    ['threshold', 'mask.threshold', { threshold: 0.7 }],
  ];
  masks.forEach(([id, type, params], i) => {
    b.node(id, type, params, 1, i);
    b.wire('load', id);
  });
  b.node('inverted', 'mask.invert', {}, 2, 4);
  b.wire('threshold', 'inverted', 'mask', 'mask');
  b.node('dilated', 'mask.dilate', { radius: 3, shape: 'disk' }, 2, 2);
  b.wire('strokes', 'dilated', 'mask', 'mask');
  const saves: [string, number][] = [['rectangle', 0], ['ellipse', 1], ['dilated', 2], ['painted', 3], ['inverted', 4]];
  for (const [src, row] of saves) {
    const id = b.node(`save${cap(src)}`, 'image.save', { name: `mask-${src}` }, 3, row);
    b.wire(src, id, 'image', 'mask');
  }
  return b.g;
}

function denoiseLearnedGraph(): Graph {
  const b = builder(
    'Learned and bilateral denoising',
    'Adds Gaussian noise (σ 0.1) to a 16-bit photo and removes it with the learned denoiser (dncnn) and with a bilateral filter; scores the noisy and both restored images against the original with SSIM and PSNR.',
  );
  b.node('load', 'image.load', { source: 'assets/camera16.png' }, 0, 2);
  b.node('noisy', 'noise.gaussian', { sigma: 0.1, seed: 7 }, 1, 2);
  b.wire('load', 'noisy');
  b.node('dncnn', 'restore.denoise', { method: 'dncnn' }, 2, 1);
  b.node('bilateral', 'restore.denoise', { method: 'bilateral', sigmaColor: 0.3, sigmaSpace: 2 }, 2, 3);
  b.wire('noisy', 'dncnn');
  b.wire('noisy', 'bilateral');
  let row = 0;
  for (const [src, label] of [['noisy', 'Noisy'], ['dncnn', 'Dncnn'], ['bilateral', 'Bilateral']] as const) {
    for (const [type, m] of [['metric.ssim', 'ssim'], ['metric.psnr', 'psnr']] as const) {
      const id = b.node(`${m}${label}`, type, {}, 3, row++);
      b.wire('load', id, 'a');
      b.wire(src, id, 'b');
    }
  }
  b.node('saveDncnn', 'image.save', { name: 'denoised-dncnn' }, 4, 1);
  b.node('saveBilateral', 'image.save', { name: 'denoised-bilateral' }, 4, 3);
  b.wire('dncnn', 'saveDncnn');
  b.wire('bilateral', 'saveBilateral');
  return b.g;
}

const only = process.argv.slice(2);
const graphs: Record<string, () => Graph> = {
  'inpaint.graph.json': inpaintGraph,
  'masks.graph.json': masksGraph,
  'denoise-learned.graph.json': denoiseLearnedGraph,
};
for (const [file, make] of Object.entries(graphs)) {
  if (only.length && !only.includes(file)) continue;
  writeCanonical(registry, file, make());
}
