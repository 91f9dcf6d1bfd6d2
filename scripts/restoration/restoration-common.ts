/**
 * Shared pieces of the restoration training scripts (train-denoiser.ts, train-inpainter.ts): the
 * seeded PRNG, the training images of scripts/restoration/make_restoration_data.py, patch sampling, argument
 * parsing and the manifest entry update.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { modelsRoot } from '../../src/models/nodeIO';

export const TRAIN_DIR = 'tmp/restoration-train';

/** The manifest's description of the restoration training images. */
export const RESTORATION_TRAIN_SET = {
  name: 'restoration-train',
  package: 'python3-skimage 0.19.3 (Debian), skimage/data sample images; extracted by scripts/restoration/make_restoration_data.py',
  licence: 'CC0 / public domain',
  licenceNote:
    'chelsea, grass, gravel, retina, horse, microaneurysms, cell: CC0; rocket (SpaceX), hubble_deep_field (NASA), text, clock: public domain; coins: no known copyright restrictions (Brooklyn Museum) — as stated in the scikit-image docstrings.',
  train: 22,
  test: 5,
  split: 'training: 22 gray images (12 photographs/textures at 1–2 scales); evaluation: the 5 images of scripts/restoration/set (camera, astronaut, coffee, brick, a generated image), never trained on',
};

export function arg(name: string, fallback: number): number {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(`--${name}`);
  if (i >= 0 && argv[i + 1] !== undefined) return Number(argv[i + 1]);
  const eq = argv.find((a) => a.startsWith(`--${name}=`));
  return eq ? Number(eq.split('=')[1]) : fallback;
}

/** mulberry32 (scripts/lib/random.ts): small seeded PRNG, also used to seed Math.random. */
export { mulberry32 as prng } from '../lib/random';

export interface GrayImage {
  data: Uint8Array;
  h: number;
  w: number;
}

export function loadTrainingImages(): GrayImage[] {
  const indexPath = path.join(TRAIN_DIR, 'index.json');
  if (!existsSync(indexPath)) throw new Error(`${indexPath} is missing: run /usr/bin/python3 scripts/restoration/make_restoration_data.py first`);
  const index = JSON.parse(readFileSync(indexPath, 'utf8')) as { images: { file: string; height: number; width: number }[] };
  return index.images.map((e) => ({ data: new Uint8Array(readFileSync(path.join(TRAIN_DIR, e.file))), h: e.height, w: e.width }));
}

/**
 * Cuts a p×p patch (values in [0, 1]) at random from an image picked with probability ∝ weight,
 * with one of the 8 flips/rotations, into `out` at `offset`.
 */
export function randomPatch(images: GrayImage[], weights: number[], p: number, rand: () => number, out: Float32Array, offset: number): void {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rand() * total;
  let k = 0;
  while (k < images.length - 1 && r >= weights[k]!) r -= weights[k++]!;
  const img = images[k]!;
  const y0 = Math.floor(rand() * (img.h - p + 1));
  const x0 = Math.floor(rand() * (img.w - p + 1));
  const t = Math.floor(rand() * 8);
  for (let y = 0; y < p; y++) {
    for (let x = 0; x < p; x++) {
      let u = t & 1 ? p - 1 - x : x;
      let v = t & 2 ? p - 1 - y : y;
      if (t & 4) [u, v] = [v, u];
      out[offset + y * p + x] = img.data[(y0 + v) * img.w + x0 + u]! / 255;
    }
  }
}

/** Standard normal from the PRNG (Box–Muller). */
export function gauss(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** The restoration models whose entries live beside their weights (public/models/<name>/manifest-entry.json). */
export const RESTORATION_MODELS = ['dncnn', 'inpaint-net'] as const;

/**
 * Writes a model's manifest entry beside its weights (public/models/<name>/manifest-entry.json)
 * and merges it into public/models/manifest.json (re-read just before writing; other entries
 * are kept).
 */
export function updateManifest(entry: Record<string, unknown> & { name: string }): void {
  writeFileSync(path.join(modelsRoot(), entry.name, 'manifest-entry.json'), JSON.stringify(entry, null, 2) + '\n');
  mergeManifest([entry]);
}

/** Adds or replaces the given entries (and the restoration data set) in public/models/manifest.json. */
export function mergeManifest(entries: readonly (Record<string, unknown> & { name: string })[]): void {
  const file = path.join(modelsRoot(), 'manifest.json');
  const doc = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as { dataSets: Record<string, unknown>; models: Record<string, unknown>[] })
    : { format: 'pixel-loom.models', version: 1, dataSets: {} as Record<string, unknown>, models: [] as Record<string, unknown>[] };
  doc.dataSets = { ...doc.dataSets, 'restoration-train': RESTORATION_TRAIN_SET };
  const names = new Set(entries.map((e) => e.name));
  doc.models = [...doc.models.filter((m) => !names.has(m.name as string)), ...entries];
  writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
}
