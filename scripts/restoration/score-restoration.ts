/**
 * Scores the restoration methods on the test set shipped in scripts/restoration/set/ (CC0 /
 * public-domain photographs and a generated image, see its LICENSES.md) and prints markdown tables.
 *
 *   npx tsx scripts/restoration/score-restoration.ts [--backend wasm|cpu] [--quick]
 *
 * 1. Inpainting: every method of the `inpaint` node on every image with three mask kinds — a small
 *    square (16×16), thin scribbles (mask.strokes, width 3) and a 25 % hole (a centred square) —
 *    scored inside the hole and over the whole image (PSNR, and SSIM as metric.ssim: the mean of
 *    the SSIM map, over the hole pixels or over the map with its 5-px border cropped). Peers on the
 *    same inputs when Debian's python3-opencv / python3-skimage are installed
 *    (scripts/restoration/score_restoration_peer.py): OpenCV Telea and Navier–Stokes, scikit-image biharmonic.
 * 2. Denoising: Gaussian noise σ = 0.05, 0.1, 0.2 (noise.gaussian, clipped, seeded); the learned
 *    denoiser (when its weights are shipped) against median and Gaussian blur and the bilateral
 *    filter, each at its best setting from a small grid chosen on the test set itself (an
 *    advantage for them), and scikit-image's non-local means given the true σ.
 * 3. Speed: Telea on a 512×512 colour image with a 10 % mask of strokes and a scattered 10 % mask
 *    (isolated random pixels), ours against OpenCV in the same run.
 *
 * The metrics of ours and the peers' outputs are computed by the same code (src/nodes/lib/ssim.ts,
 * which matches scikit-image). Work files go to tmp/score-restoration/.
 */
import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createNodeHost } from '../../src/cli/host';
import { decodeNpy, encodeNpy } from '../../src/cli/npy';
import { activateNodeBackend } from '../../src/cli/tfNode';
import { effectiveParams, validateParams } from '../../src/engine/params';
import type { AnyNodeDefinition, Resource, Value } from '../../src/engine/types';
import { filterGaussianBlur } from '../../src/nodes/filterGaussianBlur';
import { filterMedian } from '../../src/nodes/filterMedian';
import { inpaint, INPAINT_METHODS } from '../../src/nodes/inpaint';
import { decodeImageSync } from '../../src/nodes/lib/codec';
import { Rng } from '../../src/nodes/lib/random';
import { ssimMap, cropBorder } from '../../src/nodes/lib/ssim';
import { maskStrokes } from '../../src/nodes/maskStrokes';
import { noiseGaussian } from '../../src/nodes/noiseGaussian';
import { DENOISE_METHODS, restoreDenoise } from '../../src/nodes/restoreDenoise';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const SET_DIR = path.join(ROOT, 'scripts', 'restoration', 'set');
const WORK = path.join(ROOT, 'tmp', 'score-restoration');
const PYTHON = '/usr/bin/python3';
const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const BACKEND = (argv.includes('--backend') ? argv[argv.indexOf('--backend') + 1]! : 'wasm') as 'wasm' | 'cpu';

const host = createNodeHost({ baseDir: ROOT, maxImageSide: 8192 });
const resources = new Map<string, Resource>();

/** Runs a node as the engine does (params validated and merged, load, compute / computeAsync); returns its `port`. */
async function run(def: AnyNodeDefinition, inputs: Record<string, Value | undefined>, params: Record<string, unknown>, port = 'image'): Promise<tf.Tensor3D> {
  const problems = validateParams(def, params);
  if (problems.length) throw new Error(`${def.type}: ${problems.map((p) => p.message).join('; ')}`);
  const p = effectiveParams(def, params);
  let resource: Resource | undefined;
  if (def.load) {
    const key = `${def.type}:${JSON.stringify((def.loadParams ?? Object.keys(p)).map((k: string) => (p as Record<string, unknown>)[k]))}`;
    resource = resources.get(key);
    if (!resource) {
      resource = (await def.load(p, { host, nodeId: 'score' })) as Resource;
      resources.set(key, resource);
    }
  }
  const ctx = { nodeId: 'score', inputs, params: p as never, resource, backend: tf.getBackend() };
  const out = def.computeAsync ? await def.computeAsync({ ...ctx, signal: new AbortController().signal }) : tf.tidy(() => def.compute!(ctx));
  for (const [k, v] of Object.entries(out)) if (k !== port && v instanceof tf.Tensor) v.dispose();
  return out[port] as tf.Tensor3D;
}

function saveNpy(name: string, t: { data: Float32Array; shape: number[] }): string {
  writeFileSync(path.join(WORK, name), encodeNpy(t.data, t.shape));
  return name;
}

async function host3(t: tf.Tensor3D): Promise<{ data: Float32Array; shape: number[] }> {
  return { data: Float32Array.from(await t.data()), shape: [...t.shape] };
}

interface Scores {
  psnrHole: number;
  ssimHole: number;
  psnrAll: number;
  ssimAll: number;
}

/** PSNR and SSIM of `out` against `truth`, inside `hole` (1 = scored) and over the whole image. */
async function score(truth: tf.Tensor3D, out: tf.Tensor3D, hole: Uint8Array | null): Promise<Scores> {
  const c = truth.shape[2];
  const map = tf.tidy(() => ssimMap(truth, out));
  const cropMean = tf.tidy(() => tf.mean(cropBorder(map)));
  const [a, b, mapData, cropped] = await Promise.all([truth.data(), out.data(), map.data(), cropMean.data()]);
  map.dispose();
  cropMean.dispose();
  let se = 0;
  let seHole = 0;
  let nHole = 0;
  let sHole = 0;
  for (let p = 0; p < a.length / c; p++) {
    for (let ch = 0; ch < c; ch++) {
      const d = a[p * c + ch]! - b[p * c + ch]!;
      se += d * d;
      if (hole?.[p]) {
        seHole += d * d;
        sHole += mapData[p * c + ch]!;
        nHole++;
      }
    }
  }
  const psnr = (mse: number): number => (mse === 0 ? Infinity : 10 * Math.log10(1 / mse));
  return { psnrHole: nHole ? psnr(seHole / nHole) : NaN, ssimHole: nHole ? sHole / nHole : NaN, psnrAll: psnr(se / a.length), ssimAll: cropped[0]! };
}

function loadSet(): { name: string; image: tf.Tensor3D }[] {
  return readdirSync(SET_DIR)
    .filter((f) => f.endsWith('.png'))
    .sort()
    .map((f) => {
      const d = decodeImageSync(new Uint8Array(readFileSync(path.join(SET_DIR, f))), { name: f });
      return { name: f.replace(/\.png$/, ''), image: tf.tensor3d(d.data, [d.height, d.width, d.channels]) };
    });
}

function squareMask(h: number, w: number, y0: number, x0: number, side: number): tf.Tensor3D {
  const m = new Float32Array(h * w);
  for (let y = y0; y < y0 + side; y++) m.fill(1, y * w + x0, y * w + x0 + side);
  return tf.tensor3d(m, [h, w, 1]);
}

const fmt = (v: number, d = 2): string => (Number.isFinite(v) ? v.toFixed(d) : v > 0 ? '∞' : '—');

function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function python(): boolean {
  if (!existsSync(PYTHON)) return false;
  const r = spawnSync(PYTHON, ['-c', 'import cv2, skimage'], { encoding: 'utf8' });
  return r.status === 0;
}

async function main(): Promise<void> {
  if (!(await activateNodeBackend(BACKEND))) throw new Error(`cannot start the ${BACKEND} backend`);
  mkdirSync(WORK, { recursive: true });
  const havePeers = python();
  const report: string[] = [];
  const say = (s = ''): void => {
    console.log(s);
    report.push(s);
  };
  say(`# Restoration scores (backend ${tf.getBackend()}; peers: ${havePeers ? 'OpenCV and scikit-image via /usr/bin/python3' : 'none — /usr/bin/python3 with cv2 and skimage not found'})`);
  const set = loadSet();
  say(`Test set: ${set.map((s) => `${s.name} ${s.image.shape[1]}×${s.image.shape[0]}${s.image.shape[2] === 1 ? ' gray' : ' RGB'}`).join(', ')} (scripts/restoration/set).`);

  // ------------------------------------------------------------------ inputs
  const kinds = ['small square', 'thin scribbles', '25% hole'] as const;
  const cases: { id: string; kind: string; img: string; image: tf.Tensor3D; mask: tf.Tensor3D; hole: Uint8Array }[] = [];
  for (const { name, image } of set) {
    const [h, w] = image.shape;
    for (const kind of kinds) {
      const mask =
        kind === 'small square'
          ? squareMask(h, w, Math.round(h / 2), Math.round(w * 0.375), 16)
          : kind === '25% hole'
            ? squareMask(h, w, h / 4, w / 4, h / 2)
            : await run(maskStrokes, { image }, { count: 10, brushWidth: 3, length: 60, seed: 6 }, 'mask');
      const md = await mask.data();
      const hole = Uint8Array.from(md, (v) => (v > 0.5 ? 1 : 0));
      cases.push({ id: `${name}-${kind.replace(/[^a-z0-9]+/g, '')}`, kind, img: name, image, mask, hole });
    }
  }
  const denoiseSigmas = [0.05, 0.1, 0.2];
  const noisyCases: { id: string; sigma: number; img: string; image: tf.Tensor3D; noisy: tf.Tensor3D }[] = [];
  for (const [i, { name, image }] of set.entries()) {
    for (const sigma of denoiseSigmas) {
      const noisy = await run(noiseGaussian, { image }, { sigma, seed: 100 + i });
      noisyCases.push({ id: `${name}-s${sigma}`, sigma, img: name, image, noisy });
    }
  }
  // Speed inputs: a 512×512 RGB photo (coffee, resized) with a 10 % mask of strokes and a scattered 10 % mask.
  const big = tf.tidy(() => tf.clipByValue(tf.image.resizeBilinear(set.find((s) => s.name === 'coffee')!.image, [512, 512], false, true), 0, 1)) as tf.Tensor3D;
  let count = 20;
  let strokes = await run(maskStrokes, { image: big }, { count, brushWidth: 9, length: 90, seed: 1 }, 'mask');
  while (((await tf.mean(strokes).data())[0] ?? 0) < 0.1) {
    strokes.dispose();
    count += 5;
    strokes = await run(maskStrokes, { image: big }, { count, brushWidth: 9, length: 90, seed: 1 }, 'mask');
  }
  const rng = new Rng(1);
  const scatteredData = new Float32Array(512 * 512);
  for (let i = 0; i < scatteredData.length; i++) scatteredData[i] = rng.nextFloat() < 0.1 ? 1 : 0;
  const scattered = tf.tensor3d(scatteredData, [512, 512, 1]);
  const coverage = async (m: tf.Tensor3D): Promise<number> => (await tf.mean(m).data())[0]! * 100;

  // ------------------------------------------------------------------ peers
  let peer: {
    versions: Record<string, string>;
    inpaint: Record<string, Record<string, { file: string; ms: number }>>;
    denoise: Record<string, Record<string, { file: string; ms: number }>>;
    speed: Record<string, { 'opencv telea ms': number }>;
  } | null = null;
  const speedCases = [
    { id: 'strokes-rgb', image: big, mask: strokes, radius: 5, runs: 5 },
    { id: 'scattered-rgb', image: big, mask: scattered, radius: 5, runs: QUICK ? 1 : 3 },
  ];
  if (havePeers) {
    const spec = {
      inpaint: await Promise.all(cases.map(async (c) => ({ id: c.id, image: saveNpy(`${c.id}.image.npy`, await host3(c.image)), mask: saveNpy(`${c.id}.mask.npy`, await host3(c.mask)), radius: 5 }))),
      denoise: await Promise.all(noisyCases.map(async (c) => ({ id: c.id, noisy: saveNpy(`${c.id}.noisy.npy`, await host3(c.noisy)), sigma: c.sigma }))),
      speed: await Promise.all(speedCases.map(async (c) => ({ id: c.id, image: saveNpy(`${c.id}.image.npy`, await host3(c.image)), mask: saveNpy(`${c.id}.mask.npy`, await host3(c.mask)), radius: c.radius, runs: c.runs }))),
    };
    writeFileSync(path.join(WORK, 'cases.json'), JSON.stringify(spec));
    console.error('running the OpenCV / scikit-image peers …');
    const r = spawnSync(PYTHON, [path.join(ROOT, 'scripts', 'restoration', 'score_restoration_peer.py'), WORK], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new Error('scripts/restoration/score_restoration_peer.py failed');
    peer = JSON.parse(readFileSync(path.join(WORK, 'peer.json'), 'utf8'));
    say(`Peers: OpenCV ${peer!.versions.opencv}, scikit-image ${peer!.versions.skimage}.`);
  }
  const readPeer = (file: string, shape: number[]): tf.Tensor3D => {
    const d = decodeNpy(new Uint8Array(readFileSync(path.join(WORK, file))));
    return tf.tensor3d(d.data, shape as [number, number, number]);
  };

  // ------------------------------------------------------------------ inpainting
  say('\n## Inpainting\n');
  say('PSNR (dB) and SSIM inside the hole and over the whole image, mean over the 5 images; time per image (ms). Radius 5 for Telea/NS (ours and OpenCV). OpenCV Telea runs on the 8-bit image (its float path is broken), NS on float32.\n');
  const methods = [...INPAINT_METHODS];
  for (const kind of kinds) {
    const kc = cases.filter((c) => c.kind === kind);
    const holePct = (kc.reduce((a, c) => a + c.hole.reduce((s, v) => s + v, 0) / c.hole.length, 0) / kc.length) * 100;
    const acc = new Map<string, { s: Scores[]; ms: number[] }>();
    const add = (label: string, s: Scores, ms: number): void => {
      const e = acc.get(label) ?? { s: [], ms: [] };
      e.s.push(s);
      e.ms.push(ms);
      acc.set(label, e);
    };
    for (const c of kc) {
      for (const method of methods) {
        const t = performance.now();
        const out = await run(inpaint, { image: c.image, mask: c.mask }, { method, radius: 5 });
        const ms = performance.now() - t;
        add(`ours ${method}`, await score(c.image, out, c.hole), ms);
        out.dispose();
      }
      for (const [label, o] of Object.entries(peer?.inpaint[c.id] ?? {})) {
        const out = readPeer(o.file, c.image.shape);
        add(label, await score(c.image, out, c.hole), o.ms);
        out.dispose();
      }
    }
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const rows = [...acc.entries()].map(([label, e]) => [label, fmt(mean(e.s.map((s) => s.psnrHole))), fmt(mean(e.s.map((s) => s.ssimHole)), 4), fmt(mean(e.s.map((s) => s.psnrAll))), fmt(mean(e.s.map((s) => s.ssimAll)), 4), fmt(mean(e.ms), 1)]);
    say(`### ${kind} (${fmt(holePct, 1)} % of the pixels)\n`);
    say(table(['method', 'PSNR hole', 'SSIM hole', 'PSNR all', 'SSIM all', 'ms'], rows));
    const best = (pred: (l: string) => boolean): [string, number] =>
      [...acc.entries()].filter(([l]) => pred(l)).map(([l, e]) => [l, mean(e.s.map((s) => s.psnrHole))] as [string, number]).sort((a, b) => b[1] - a[1])[0] ?? ['—', NaN];
    const [ol, ov] = best((l) => l.startsWith('ours'));
    const [pl, pv] = best((l) => !l.startsWith('ours'));
    if (peer) say(`\nBest of ours: ${ol} ${fmt(ov)} dB; best peer: ${pl} ${fmt(pv)} dB; difference ${fmt(ov - pv)} dB.\n`);
    else say('');
  }

  // ------------------------------------------------------------------ denoising
  say('## Denoising\n');
  const haveDncnn = (DENOISE_METHODS as readonly string[]).includes('dncnn') && existsSync(path.join(ROOT, 'public', 'models', 'dncnn', 'model.json'));
  say(`Gaussian noise (noise.gaussian, clipped), PSNR / SSIM over the whole image, mean over the 5 images (gray and colour). Median, Gaussian blur and bilateral at their best setting per σ from the grid shown (picked on these images); NL-means is given the true σ.${haveDncnn ? '' : ' The learned denoiser is not shipped yet (public/models/dncnn missing): not scored.'}\n`);
  const grids: { family: string; def: AnyNodeDefinition; settings: (sigma: number) => { label: string; params: Record<string, unknown> }[] }[] = [
    { family: 'ours median', def: filterMedian, settings: () => [3, 5].map((size) => ({ label: `size ${size}`, params: { size } })) },
    { family: 'ours Gaussian blur', def: filterGaussianBlur, settings: () => [0.5, 0.75, 1, 1.5, 2].map((sigma) => ({ label: `σ ${sigma}`, params: { sigma } })) },
    {
      family: 'ours bilateral',
      def: restoreDenoise,
      settings: (s) => [1.5, 2, 3, 4].map((k) => ({ label: `sigmaColor ${+(k * s).toFixed(3)}, sigmaSpace 2`, params: { method: 'bilateral', sigmaColor: +(k * s).toFixed(3), sigmaSpace: 2 } })),
    },
  ];
  if (haveDncnn) grids.unshift({ family: 'ours dncnn', def: restoreDenoise, settings: () => [{ label: 'blind', params: { method: 'dncnn' } }] });
  const summary: { sigma: number; family: string; psnr: number }[] = [];
  for (const sigma of denoiseSigmas) {
    const nc = noisyCases.filter((c) => c.sigma === sigma);
    const rows: (string | number)[][] = [];
    const noisyScores = await Promise.all(nc.map((c) => score(c.image, c.noisy, null)));
    rows.push(['noisy input', '', fmt(avg(noisyScores.map((s) => s.psnrAll))), fmt(avg(noisyScores.map((s) => s.ssimAll)), 4), '']);
    for (const g of grids) {
      let bestRow: { label: string; psnr: number; ssim: number; ms: number } | null = null;
      for (const st of g.settings(sigma)) {
        const ps: number[] = [];
        const ss: number[] = [];
        let ms = 0;
        for (const c of nc) {
          const t = performance.now();
          const out = await run(g.def, { image: c.noisy }, st.params);
          await out.data();
          ms += performance.now() - t;
          const s = await score(c.image, out, null);
          out.dispose();
          ps.push(s.psnrAll);
          ss.push(s.ssimAll);
        }
        const row = { label: st.label, psnr: avg(ps), ssim: avg(ss), ms: ms / nc.length };
        if (!bestRow || row.psnr > bestRow.psnr) bestRow = row;
      }
      rows.push([g.family, bestRow!.label, fmt(bestRow!.psnr), fmt(bestRow!.ssim, 4), fmt(bestRow!.ms, 1)]);
      summary.push({ sigma, family: g.family, psnr: bestRow!.psnr });
    }
    if (peer) {
      const ps: number[] = [];
      const ss: number[] = [];
      const ms: number[] = [];
      for (const c of nc) {
        const o = peer.denoise[c.id]?.['skimage nl-means'];
        if (!o) continue;
        const out = readPeer(o.file, c.image.shape);
        const s = await score(c.image, out, null);
        out.dispose();
        ps.push(s.psnrAll);
        ss.push(s.ssimAll);
        ms.push(o.ms);
      }
      if (ps.length) rows.push(['skimage nl-means', 'h = 0.8σ, true σ', fmt(avg(ps)), fmt(avg(ss), 4), fmt(avg(ms), 1)]);
    }
    say(`### σ = ${sigma}\n`);
    say(table(['method', 'setting', 'PSNR', 'SSIM', 'ms'], rows));
    say('');
  }
  if (haveDncnn) {
    const wins = denoiseSigmas.map((s) => {
      const d = summary.find((r) => r.sigma === s && r.family === 'ours dncnn')!.psnr;
      const others = summary.filter((r) => r.sigma === s && (r.family === 'ours median' || r.family === 'ours Gaussian blur'));
      return { s, margin: d - Math.max(...others.map((o) => o.psnr)) };
    });
    say(`DnCNN minus the best of median / Gaussian blur (PSNR): ${wins.map((w) => `σ ${w.s}: ${w.margin >= 0 ? '+' : ''}${fmt(w.margin)} dB`).join(', ')}.\n`);
  }

  // ------------------------------------------------------------------ speed
  say('## Speed: Telea, 512×512 RGB\n');
  const speedRows: (string | number)[][] = [];
  for (const c of speedCases) {
    const times: number[] = [];
    await run(inpaint, { image: c.image, mask: c.mask }, { method: 'telea', radius: c.radius }).then((t) => t.dispose()); // warm-up
    for (let i = 0; i < c.runs; i++) {
      const t = performance.now();
      const out = await run(inpaint, { image: c.image, mask: c.mask }, { method: 'telea', radius: c.radius });
      times.push(performance.now() - t);
      out.dispose();
    }
    times.sort((a, b) => a - b);
    const ours = times[Math.floor(times.length / 2)]!;
    const cv = peer?.speed[c.id]?.['opencv telea ms'];
    speedRows.push([c.id === 'strokes-rgb' ? `strokes (${fmt(await coverage(c.mask), 1)} %)` : `scattered pixels (${fmt(await coverage(c.mask), 1)} %)`, fmt(ours, 1), cv === undefined ? '—' : fmt(cv, 1), cv === undefined ? '—' : `${fmt(ours / cv, 2)}×`]);
  }
  say(table(['mask', 'ours ms (median)', 'OpenCV ms (median)', 'ours / OpenCV'], speedRows));
  say(`\nOurs: the inpaint node on the host (Float32Array in, new tensor out), backend ${tf.getBackend()}; OpenCV: cv2.inpaint on the 8-bit image. Same machine, same run.`);
  writeFileSync(path.join(WORK, 'report.md'), report.join('\n') + '\n');
  console.error(`\nwritten ${path.relative(ROOT, path.join(WORK, 'report.md'))}`);
  for (const r of resources.values()) r.dispose();
}

function avg(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
