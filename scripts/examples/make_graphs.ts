/**
 * Writes the example graphs in graphs/ through the engine's own serializer, so every file is
 * in canonical form (parseGraph → serializeGraph reproduces it byte for byte).
 *
 *   npx tsx scripts/examples/make_graphs.ts
 *
 * Inputs live in graphs/assets/ (made by scripts/examples/make_assets.py); paths are relative to
 * the graph file, as image.load resolves them in the CLI.
 */
import type { Graph } from '../../src/engine/graph';
import { graphBuilder, writeCanonical } from './graphBuilder';
import { createRegistry } from '../../src/nodes';

const registry = createRegistry();


const builder = (name: string, description: string) => graphBuilder(registry, name, description);

function denoise(): Graph {
  const b = builder(
    'Denoise and score',
    'Adds Gaussian noise (σ 0.1) to a 16-bit photo, removes it with a 3×3 median and a Gaussian blur (σ 1), and scores the noisy and both restored images against the original with SSIM and PSNR.',
  );
  b.node('load', 'image.load', { source: 'assets/camera16.png' }, 0, 1);
  b.node('noisy', 'noise.gaussian', { sigma: 0.1, seed: 7 }, 1, 1);
  b.node('median', 'filter.median', { size: 3 }, 2, 0);
  b.node('blur', 'filter.gaussianBlur', { sigma: 1 }, 2, 2);
  b.wire('load', 'noisy');
  b.wire('noisy', 'median');
  b.wire('noisy', 'blur');
  const scored: [string, string, number][] = [['noisy', 'Noisy', 1], ['median', 'Median', 0], ['blur', 'Blur', 2]];
  let row = 0;
  for (const [src, label] of scored) {
    const ssim = b.node(`ssim${label}`, 'metric.ssim', {}, 3, row++);
    const psnr = b.node(`psnr${label}`, 'metric.psnr', {}, 3, row++);
    for (const m of [ssim, psnr]) {
      b.wire('load', m, 'a');
      b.wire(src, m, 'b');
    }
  }
  b.node('saveNoisy', 'image.save', { name: 'noisy' }, 4, 0);
  b.node('saveMedian', 'image.save', { name: 'denoised-median' }, 4, 1);
  b.node('saveBlur', 'image.save', { name: 'denoised-blur' }, 4, 2);
  b.wire('noisy', 'saveNoisy');
  b.wire('median', 'saveMedian');
  b.wire('blur', 'saveBlur');
  return b.g;
}

function edges(): Graph {
  const b = builder(
    'Edges',
    'Loads a JPEG, converts it to gray, smooths it (σ 1) and finds edges two ways: the Sobel gradient magnitude and a Laplacian kernel.',
  );
  b.node('load', 'image.load', { source: 'assets/astronaut.jpg' }, 0, 0);
  b.node('gray', 'image.grayscale', {}, 1, 0);
  b.node('blur', 'filter.gaussianBlur', { sigma: 1 }, 2, 0);
  b.node('sobel', 'filter.sobel', {}, 3, 0);
  b.node('laplacian', 'filter.convolve', { kernel: [[0, -1, 0], [-1, 4, -1], [0, -1, 0]] }, 3, 1);
  b.node('saveSobel', 'image.save', { name: 'edges-sobel' }, 4, 0);
  b.node('saveLaplacian', 'image.save', { name: 'edges-laplacian' }, 4, 1);
  b.wire('load', 'gray');
  b.wire('gray', 'blur');
  b.wire('blur', 'sobel');
  b.wire('blur', 'laplacian');
  b.wire('sobel', 'saveSobel');
  b.wire('laplacian', 'saveLaplacian');
  return b.g;
}

function noiseGallery(): Graph {
  const b = builder(
    'Noise gallery',
    'Generated Gaussian and uniform noise images, and a photo with Gaussian, uniform and salt-and-pepper noise added.',
  );
  b.node('genGaussian', 'generate.noise', { width: 128, height: 128, channels: 'rgb', distribution: 'gaussian', mean: 0.5, sigma: 0.2, seed: 1 }, 0, 0);
  b.node('genUniform', 'generate.noise', { width: 128, height: 128, channels: 'gray', distribution: 'uniform', low: 0, high: 1, seed: 2 }, 0, 1);
  b.node('load', 'image.load', { source: 'assets/astronaut.png' }, 0, 3);
  b.node('gaussian', 'noise.gaussian', { sigma: 0.1, seed: 3 }, 1, 2);
  b.node('uniform', 'noise.uniform', { amplitude: 0.2, seed: 4 }, 1, 3);
  b.node('saltPepper', 'noise.saltPepper', { amount: 0.05, seed: 5 }, 1, 4);
  b.wire('load', 'gaussian');
  b.wire('load', 'uniform');
  b.wire('load', 'saltPepper');
  const saves: [string, string, number][] = [
    ['genGaussian', 'generated-gaussian', 0],
    ['genUniform', 'generated-uniform', 1],
    ['gaussian', 'astronaut-gaussian', 2],
    ['uniform', 'astronaut-uniform', 3],
    ['saltPepper', 'astronaut-salt-pepper', 4],
  ];
  for (const [src, name, row] of saves) {
    const id = `save${src[0]!.toUpperCase()}${src.slice(1)}`;
    b.node(id, 'image.save', { name }, 2, row);
    b.wire(src, id);
  }
  return b.g;
}

function sharpen(): Graph {
  const b = builder(
    'Blur and sharpen',
    'Softens a photo with a Gaussian blur (σ 1.5), restores detail with an unsharp mask (radius 1.5, amount 1.5), and scores both against the original with PSNR and SSIM.',
  );
  b.node('load', 'image.load', { source: 'assets/camera.png' }, 0, 1);
  b.node('blur', 'filter.gaussianBlur', { sigma: 1.5 }, 1, 1);
  b.node('sharpen', 'filter.unsharpMask', { radius: 1.5, amount: 1.5 }, 2, 1);
  b.wire('load', 'blur');
  b.wire('blur', 'sharpen');
  let row = 0;
  for (const [src, label] of [['blur', 'Blurred'], ['sharpen', 'Sharpened']] as const) {
    for (const [type, m] of [['metric.psnr', 'psnr'], ['metric.ssim', 'ssim']] as const) {
      const id = b.node(`${m}${label}`, type, {}, 3, row++);
      b.wire('load', id, 'a');
      b.wire(src, id, 'b');
    }
  }
  b.node('saveBlurred', 'image.save', { name: 'blurred' }, 4, 0);
  b.node('saveSharpened', 'image.save', { name: 'sharpened' }, 4, 2);
  b.wire('blur', 'saveBlurred');
  b.wire('sharpen', 'saveSharpened');
  return b.g;
}

/** Noisy/clean training pairs: run over a folder with a sweep of noise levels (README, pixel-loom batch). */
function trainingPairs(): Graph {
  const b = builder(
    'Noisy/clean training pairs',
    'Saves an image (clean) and a copy with Gaussian noise (noisy), scored with SSIM and PSNR. Made to run over a folder with a sweep of noise levels: pixel-loom batch graphs/training-pairs.graph.json --out pairs --input "load=graphs/assets/*.png" --sweep noisy.sigma=0.02:0.12:0.02',
  );
  b.node('load', 'image.load', { source: 'assets/camera.png' }, 0, 1);
  b.node('noisy', 'noise.gaussian', { sigma: 0.05, seed: 1 }, 1, 1);
  b.node('ssim', 'metric.ssim', {}, 2, 0);
  b.node('psnr', 'metric.psnr', {}, 2, 1);
  b.node('saveClean', 'image.save', { name: 'clean' }, 2, 2);
  b.node('saveNoisy', 'image.save', { name: 'noisy' }, 2, 3);
  b.wire('load', 'noisy');
  for (const m of ['ssim', 'psnr']) {
    b.wire('load', m, 'a');
    b.wire('noisy', m, 'b');
  }
  b.wire('load', 'saveClean');
  b.wire('noisy', 'saveNoisy');
  return b.g;
}

const graphs: Record<string, Graph> = {
  'denoise.graph.json': denoise(),
  'edges.graph.json': edges(),
  'noise-gallery.graph.json': noiseGallery(),
  'sharpen.graph.json': sharpen(),
  'training-pairs.graph.json': trainingPairs(),
};
for (const [file, g] of Object.entries(graphs)) writeCanonical(registry, file, g);
