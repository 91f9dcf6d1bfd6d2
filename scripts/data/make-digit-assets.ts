/**
 * Writes a few held-out test-split images as 28×28 gray PNGs into graphs/assets/ (inputs of
 * the VAE example graphs and the reconstruction test fixture). Needs tmp/data from
 * scripts/data/prepare.ts. Images: MNIST t10k (CC BY-SA 3.0, LeCun, Cortes, Burges) and
 * Fashion-MNIST test (MIT, Zalando Research) — see graphs/assets/LICENSES.md.
 *   npx tsx scripts/data/make-digit-assets.ts
 */
import { writeFileSync } from 'node:fs';
import { encodePng } from '../../src/nodes/lib/codec';
import { loadData } from '../train-common';

const PICK: [set: 'mnist' | 'fashion', index: number][] = [
  ['mnist', 0],
  ['mnist', 1],
  ['mnist', 2],
  ['mnist', 3],
  ['mnist', 4],
  ['mnist', 8],
  ['fashion', 0],
  ['fashion', 1000 * 7],
];

for (const [set, i] of PICK) {
  const d = loadData(set, 'test');
  const px = Array.from(d.images.subarray(i * 784, (i + 1) * 784), (v) => v / 255);
  const file = `graphs/assets/${set}-test-${i}-label${d.labels[i]}.png`;
  writeFileSync(file, encodePng(px, 28, 28, 1));
  console.log(file);
}
