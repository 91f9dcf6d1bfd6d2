/**
 * Writes a few held-out test-split images as 28×28 gray PNGs into graphs/assets/ (inputs of
 * the VAE example graphs and the reconstruction test fixture). Needs tmp/data from
 * scripts/data/prepare.ts. Images: MNIST t10k (CC BY-SA 3.0, LeCun, Cortes, Burges) and
 * Fashion-MNIST test (MIT, Zalando Research) — see graphs/assets/LICENSES.md.
 *   npx tsx scripts/examples/make-digit-assets.ts
 */
import { writeFileSync } from 'node:fs';
import { encodePng } from '../../src/nodes/lib/codec';
import { loadData } from '../training/train-common';

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

// A 4×4 sheet (112×112, 28 px tiles without gaps) of the first 16 held-out test digits of
// class 5: the input of the restore-digits example graph (inpaint method gan fills grids of
// 28×28 tiles; classify's expected class is 5 for every tile).
{
  const d = loadData('mnist', 'test');
  const sheet = new Array<number>(112 * 112).fill(0);
  let k = 0;
  for (let i = 0; i < d.count && k < 16; i++) {
    if (d.labels[i] !== 5) continue;
    const y0 = Math.floor(k / 4) * 28;
    const x0 = (k % 4) * 28;
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) sheet[(y0 + y) * 112 + x0 + x] = d.images[i * 784 + y * 28 + x]! / 255;
    k++;
  }
  const file = 'graphs/assets/mnist-test-sheet-label5.png';
  writeFileSync(file, encodePng(sheet, 112, 112, 1));
  console.log(file);
}
