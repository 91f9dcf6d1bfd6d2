/**
 * Writes the example graphs of the generative models (canonical form, through the engine's
 * serializer): gan-gallery, vae-reconstruction, latent-walk. Inputs: the held-out test-split
 * digits in graphs/assets/ (scripts/data/make-digit-assets.ts).
 *   npx tsx scripts/data/make-model-graphs.ts [--fashion]   (--fashion once a Fashion-MNIST GAN is shipped)
 */
import type { Graph } from '../../src/engine/graph';
import { graphBuilder, writeCanonical } from '../lib/graphBuilder';
import { createRegistry } from '../../src/nodes';

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
  b.node('z', 'latent.random', { dim: 64, count: 16, seed: 1 }, 0, 1);
  b.node('truncate', 'latent.scale', { factor: 0.7 }, 1, 1);
  b.node('mnistTruncated', 'gan.sample', { model: 'mnist' }, 2, 1);
  b.node('saveTruncated', 'image.save', { name: 'gan-mnist-truncated' }, 3, 1);
  b.link('z', 'latent', 'truncate', 'latent');
  b.link('truncate', 'latent', 'mnistTruncated', 'latent');
  b.link('mnistTruncated', 'image', 'saveTruncated', 'image');
  if (fashion) {
    b.node('fashion', 'gan.sample', { model: 'fashion', seed: 1, count: 16 }, 0, 2);
    b.node('saveFashion', 'image.save', { name: 'gan-fashion' }, 2, 2);
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

for (const [file, g] of [
  ['gan-gallery', ganGallery()],
  ['vae-reconstruction', vaeReconstruction()],
  ['latent-walk', latentWalk()],
] as const) {
  writeCanonical(registry, `${file}.graph.json`, g);
}
