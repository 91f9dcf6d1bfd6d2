/**
 * Writes the example graphs of the generative models (canonical form, through the engine's
 * serializer): gan-gallery, vae-reconstruction, latent-walk, restore-digits, conditional-gallery.
 * Inputs: the held-out test-split digits in graphs/assets/ (scripts/examples/make-digit-assets.ts).
 *   npx tsx scripts/examples/make-model-graphs.ts [--fashion]   (--fashion once a Fashion-MNIST GAN is shipped)
 */
import type { Graph } from '../../src/engine/graph';
import { graphBuilder, writeCanonical } from './graphBuilder';
import { createRegistry } from '../../src/nodes';
import { mulberry32 } from '../lib/random';

const registry = createRegistry();
const fashion = process.argv.includes('--fashion');

const builder = (name: string, description: string) => graphBuilder(registry, name, description);

function ganGallery(): Graph {
  const b = builder(
    'GAN gallery',
    `Samples 16 digits from the shipped MNIST DCGAN${fashion ? ' and 16 clothes from the Fashion-MNIST DCGAN' : ''}, and the same MNIST latents scaled by 0.7 (the truncation trick: cleaner, less varied digits).`,
  );
  b.node('mnist', 'gan.sample', { model: 'mnist', seed: 1, count: 16 }, 0, 0);
  b.node('saveMnist', 'image.save', { name: 'gan-mnist' }, 2, 0);
  b.link('mnist', 'image', 'saveMnist', 'image');
  // rows 1.5 apart: a gan.sample node with its 4×4 grid is taller than one grid row
  b.node('z', 'latent.random', { dim: 64, count: 16, seed: 1 }, 0, 1.5);
  b.node('truncate', 'latent.scale', { factor: 0.7 }, 1, 1.5);
  b.node('mnistTruncated', 'gan.sample', { model: 'mnist' }, 2, 1.5);
  b.node('saveTruncated', 'image.save', { name: 'gan-mnist-truncated' }, 3, 1.5);
  b.link('z', 'latent', 'truncate', 'latent');
  b.link('truncate', 'latent', 'mnistTruncated', 'latent');
  b.link('mnistTruncated', 'image', 'saveTruncated', 'image');
  if (fashion) {
    b.node('fashion', 'gan.sample', { model: 'fashion', seed: 1, count: 16 }, 0, 3);
    b.node('saveFashion', 'image.save', { name: 'gan-fashion' }, 2, 3);
    b.link('fashion', 'image', 'saveFashion', 'image');
  }
  return b.g;
}

function vaeReconstruction(): Graph {
  const b = builder(
    'VAE reconstruction',
    'Encodes a held-out MNIST test digit with the shipped VAE, decodes the latent mean, and scores the reconstruction against the encoder’s input with SSIM and PSNR.',
  );
  b.node('load', 'image.load', { source: 'assets/mnist-test-0-label7.png', channels: 'gray' }, 0, 0);
  b.node('encode', 'vae.encode', { model: 'mnist' }, 1, 0);
  b.node('decode', 'vae.decode', { model: 'mnist' }, 2, 0);
  b.node('ssim', 'metric.ssim', {}, 3, 0);
  b.node('psnr', 'metric.psnr', {}, 3, 1);
  b.node('save', 'image.save', { name: 'vae-reconstruction' }, 3, 2);
  b.link('load', 'image', 'encode', 'image');
  b.link('encode', 'mean', 'decode', 'latent');
  for (const m of ['ssim', 'psnr']) {
    b.link('encode', 'input', m, 'a');
    b.link('decode', 'image', m, 'b');
  }
  b.link('decode', 'image', 'save', 'image');
  return b.g;
}

function latentWalk(): Graph {
  const b = builder(
    'Latent walk',
    'Encodes two held-out MNIST test digits (a 7 and a 2) with the shipped VAE and decodes 8 evenly spaced points on the straight line between their latent means into a strip.',
  );
  b.node('loadA', 'image.load', { source: 'assets/mnist-test-0-label7.png', channels: 'gray' }, 0, 0);
  b.node('loadB', 'image.load', { source: 'assets/mnist-test-1-label2.png', channels: 'gray' }, 0, 1);
  b.node('encodeA', 'vae.encode', { model: 'mnist' }, 1, 0);
  b.node('encodeB', 'vae.encode', { model: 'mnist' }, 1, 1);
  b.node('walk', 'latent.interpolate', { mode: 'lerp', steps: 8 }, 2, 0);
  b.node('decode', 'vae.decode', { model: 'mnist', columns: 8 }, 3, 0);
  b.node('save', 'image.save', { name: 'latent-walk' }, 4, 0);
  b.link('loadA', 'image', 'encodeA', 'image');
  b.link('loadB', 'image', 'encodeB', 'image');
  b.link('encodeA', 'mean', 'walk', 'a');
  b.link('encodeB', 'mean', 'walk', 'b');
  b.link('walk', 'strip', 'decode', 'latent');
  b.link('decode', 'image', 'save', 'image');
  return b.g;
}

/**
 * mask.paint strokes of one 10×10 square hole per 28×28 tile of a 4×4 sheet (top-left corner
 * 5 … 13 px into the tile, seeded): a ring polyline of radius 2.5 covers the square but its four
 * corner pixels, which get a dot of radius 0.75 each.
 */
function sheetSquares(seed: number): string {
  const rand = mulberry32(seed);
  const parts = ['112x112'];
  for (let t = 0; t < 16; t++) {
    const x0 = (t % 4) * 28 + 5 + Math.floor(rand() * 9);
    const y0 = Math.floor(t / 4) * 28 + 5 + Math.floor(rand() * 9);
    const a = [x0 + 2.5, y0 + 2.5];
    const b = [x0 + 7.5, y0 + 7.5];
    parts.push(`p2.5:${a[0]},${a[1]},${b[0]},${a[1]},${b[0]},${b[1]},${a[0]},${b[1]},${a[0]},${a[1]}`);
    for (const [x, y] of [[x0, y0], [x0 + 9, y0], [x0, y0 + 9], [x0 + 9, y0 + 9]] as const) parts.push(`p0.75:${x + 0.5},${y + 0.5}`);
  }
  return parts.join(';');
}

function restoreDigits(): Graph {
  const b = builder(
    'Restore damaged digits',
    'Sixteen held-out MNIST test digits (all 5s, a 4×4 sheet of 28 px tiles) each lose a 10×10 square (a painted mask: paint more holes in the editor), are restored by the five inpaint methods — telea, navierStokes, biharmonic, learned and gan (the context encoder trained for digits) — and each restoration is scored against the undamaged sheet with SSIM and PSNR and by its recognition rate: the share of tiles the shipped MNIST classifier reads as a 5 with confidence ≥ 0.9 (the damaged and the undamaged sheet are classified too). scripts/training/eval-inpaint.ts measures the same on 500 digits.',
  );
  b.node('load', 'image.load', { source: 'assets/mnist-test-sheet-label5.png', channels: 'gray' }, 0, 1);
  b.node('holes', 'mask.paint', { strokes: sheetSquares(7) }, 1, 0);
  b.node('keep', 'mask.invert', {}, 2, 0);
  b.node('damaged', 'image.blend', { mode: 'multiply' }, 3, 0);
  b.wire('load', 'holes');
  b.link('holes', 'mask', 'keep', 'mask');
  b.wire('load', 'damaged', 'a');
  b.link('keep', 'mask', 'damaged', 'b');
  b.node('recogniseOriginal', 'classify', { model: 'mnist', expected: 5, gap: 0 }, 1, 2);
  b.wire('load', 'recogniseOriginal');
  b.node('recogniseDamaged', 'classify', { model: 'mnist', expected: 5, gap: 0 }, 4, 0);
  b.wire('damaged', 'recogniseDamaged');
  const methods = ['telea', 'navierStokes', 'biharmonic', 'learned', 'gan'] as const;
  methods.forEach((method, k) => {
    const row = k + 1;
    b.node(method, 'inpaint', method === 'gan' ? { method, model: 'mnist' } : { method, radius: 5 }, 4, row);
    b.wire('damaged', method);
    b.link('holes', 'mask', method, 'mask');
    b.node(`${method}Ssim`, 'metric.ssim', {}, 5, row);
    b.node(`${method}Psnr`, 'metric.psnr', {}, 6, row);
    for (const m of [`${method}Ssim`, `${method}Psnr`]) {
      b.wire('load', m, 'a');
      b.wire(method, m, 'b');
    }
    b.node(`${method}Recognised`, 'classify', { model: 'mnist', expected: 5, gap: 0 }, 7, row);
    b.wire(method, `${method}Recognised`);
  });
  return b.g;
}

function conditionalGallery(): Graph {
  const b = builder(
    'Conditional gallery',
    'The class-conditional generators, one row per class: eight MNIST digits of each class 0 … 9 (gan.sample label = the class), each row judged by the shipped classifier (rate = share of the row it reads as that class with confidence ≥ 0.9), and eight Fashion-MNIST samples of each class (0 T-shirt, 1 trouser, 2 pullover, 3 dress, 4 coat, 5 sandal, 6 shirt, 7 sneaker, 8 bag, 9 ankle boot).',
  );
  // classes 0–4 on the left, 5–9 on the right: five rows, so Fit shows it at a readable zoom
  for (let c = 0; c < 10; c++) {
    const col = c < 5 ? 0 : 3.25;
    const row = c % 5;
    b.node(`digit${c}`, 'gan.sample', { model: 'mnist', seed: 1, count: 8, columns: 8, label: c }, col, row);
    b.node(`recognise${c}`, 'classify', { model: 'mnist', expected: c }, col + 1, row);
    b.wire(`digit${c}`, `recognise${c}`);
    b.node(`clothes${c}`, 'gan.sample', { model: 'fashion', seed: 1, count: 8, columns: 8, label: c }, col + 2, row);
  }
  return b.g;
}

for (const [file, g] of [
  ['gan-gallery', ganGallery()],
  ['vae-reconstruction', vaeReconstruction()],
  ['latent-walk', latentWalk()],
  ['restore-digits', restoreDigits()],
  ['conditional-gallery', conditionalGallery()],
] as const) {
  writeCanonical(registry, `${file}.graph.json`, g);
}
