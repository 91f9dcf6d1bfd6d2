/**
 * `npm run bench`: per-node medians by backend and image size, the re-evaluation after a
 * one-parameter change against a full run, and our/peer ratios where Debian's
 * python3-opencv / python3-skimage are installed. Not a test: it prints a table.
 *
 * Options: --backends cpu,wasm,webgpu (default: wasm,cpu; webgpu is the SwiftShader software
 * adapter here, add it explicitly) --sizes 64,256,512,1024 --reps N --no-editor (skip the editor
 * figures that `npm run bench:editor` adds at the end) --no-batch (skip `npm run bench:batch`) --no-codecs (skip `npm run bench:codecs`) --no-cli (skip `npm run bench:cli`)
 * --no-kernels (measure the tfjs path instead of the WebAssembly kernels) --ops REGEX (only the ops whose name matches) --threads N (also
 * time the kernels split over N helper threads plus the calling one, sizes ≥ 512)
 */
import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { activateNodeBackend } from '../../src/cli/tfNode';
import type { BackendName } from '../../src/engine/backend';
import { effectiveParams } from '../../src/engine/params';
import type { AnyNodeDefinition, Host, Value } from '../../src/engine/types';
import { Engine } from '../../src/engine/evaluate';
import { Graph } from '../../src/engine/graph';
import { initKernels } from '../../src/kernels';
import { stopKernelThreads } from '../../src/kernels/threads';
import { startNodeKernelThreads } from '../../src/cli/kernelThreads';
import { createRegistry } from '../../src/nodes';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}
const backends = arg('backends', 'wasm,cpu').split(',') as BackendName[];
const sizes = arg('sizes', '64,256,512,1024').split(',').map(Number);
const repsArg = Number(arg('reps', '0'));
const opFilter = new RegExp(arg('ops', '.'));
const registry = createRegistry();

function def(type: string): AnyNodeDefinition {
  const d = registry.get(type);
  if (!d) throw new Error(`bench: node type ${type} missing`);
  return d;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function readAll(out: Record<string, unknown>): Promise<void> {
  for (const v of Object.values(out)) if (v instanceof tf.Tensor) await v.data();
}

/** Median ms of compute + readback of one node on the active backend. */
async function timeNode(type: string, inputs: Record<string, Value>, params: Record<string, unknown>, reps: number): Promise<number> {
  const d = def(type);
  const p = effectiveParams(d, params);
  const run = async (): Promise<number> => {
    const t0 = performance.now();
    const out = tf.tidy(() => d.compute!({ nodeId: 'bench', inputs, params: p, resource: undefined, backend: tf.getBackend() }) as tf.TensorContainer) as Record<string, unknown>;
    await readAll(out);
    const ms = performance.now() - t0;
    tf.dispose(out as tf.TensorContainer);
    return ms;
  };
  await run(); // warm-up (shader compilation, kernel setup)
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) ts.push(await run());
  return median(ts);
}

function seededImage(n: number, seed: number): tf.Tensor3D {
  return tf.randomUniform([n, n, 3], 0, 1, 'float32', seed) as tf.Tensor3D;
}

interface Row { op: string; size: number; backend: string; ms: number }

/** An image of 8-bit values (k/255), as a decoded PNG gives: the median's peer runs on uint8. */
function eightBit(a: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => tf.div(tf.round(tf.mul(a, 255)), 255) as tf.Tensor3D);
}

/**
 * The ops of issue 11's table: op name (the peer's key), node type, inputs, params, sizes.
 * Gaussian σ 1/3/10 also at 4096²×3 when 4096 is in --sizes.
 */
function opsFor(n: number, a: tf.Tensor3D, a8: tf.Tensor3D, noisy: tf.Tensor3D, gray: tf.Tensor3D, grayNoisy: tf.Tensor3D): [string, string, Record<string, Value>, Record<string, unknown>][] {
  const gauss: [string, string, Record<string, Value>, Record<string, unknown>][] = [
    ['gauss σ1', 'filter.gaussianBlur', { image: a }, { sigma: 1 }],
    ['gauss σ3', 'filter.gaussianBlur', { image: a }, { sigma: 3 }],
    ['gauss σ10', 'filter.gaussianBlur', { image: a }, { sigma: 10 }],
  ];
  if (n >= 4096) return gauss;
  return [
    ...gauss,
    ['box 5', 'filter.boxBlur', { image: a }, { size: 5 }],
    ['median 3 (8-bit valued)', 'filter.median', { image: a8 }, { size: 3 }],
    ['median 5 (8-bit valued)', 'filter.median', { image: a8 }, { size: 5 }],
    ['median 7 (8-bit valued)', 'filter.median', { image: a8 }, { size: 7 }],
    ['median 9 (8-bit valued)', 'filter.median', { image: a8 }, { size: 9 }],
    ['median 15 (8-bit valued)', 'filter.median', { image: a8 }, { size: 15 }],
    ['resize ×1.5 bilinear', 'image.resize', { image: a }, { width: Math.round(n * 1.5), height: Math.round(n * 1.5), method: 'bilinear' }],
    ['resize ×0.5 bilinear', 'image.resize', { image: a }, { width: Math.round(n / 2), height: Math.round(n / 2), method: 'bilinear' }],
    ['sobel', 'filter.sobel', { image: a }, {}],
    ['bilateral σc 0.1 σs 3', 'restore.denoise', { image: noisy }, { method: 'bilateral', sigmaColor: 0.1, sigmaSpace: 3 }],
    ['ssim gray', 'metric.ssim', { a: gray, b: grayNoisy }, {}],
    ['ssim rgb', 'metric.ssim', { a, b: noisy }, {}],
  ];
}

async function nodeRows(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const b of backends) {
    if (!(await activateNodeBackend(b))) {
      console.error(`(backend ${b} unavailable, skipped)`);
      continue;
    }
    for (const n of sizes) {
      const reps = repsArg || (n >= 4096 ? 3 : b === 'wasm' ? (n <= 512 ? 9 : 5) : 3);
      const a = seededImage(n, 1);
      const a8 = eightBit(a);
      const noisy = tf.tidy(() => tf.clipByValue(tf.add(a, tf.randomNormal(a.shape, 0, 0.1, 'float32', 2)), 0, 1)) as tf.Tensor3D;
      const gray = tf.tidy(() => tf.mean(a, 2, true)) as tf.Tensor3D;
      const grayNoisy = tf.tidy(() => tf.mean(noisy, 2, true)) as tf.Tensor3D;
      // The first op at a new size pays the heaps' growth in every repetition (measured: gauss
      // σ3 1024² 53 ms first, 21 ms after another op); a pipeline pays it once, so warm up first.
      await timeNode('filter.gaussianBlur', { image: a }, { sigma: 2 }, 2);
      for (const [op, type, inputs, params] of opsFor(n, a, a8, noisy, gray, grayNoisy)) {
        if (!opFilter.test(op)) continue;
        const ms = await timeNode(type, inputs, params, reps);
        rows.push({ op, size: n, backend: b, ms });
        console.error(`  ${b} ${op} ${n}²: ${ms.toFixed(1)} ms`);
      }
      tf.dispose([a, a8, noisy, gray, grayNoisy]);
    }
  }
  return rows;
}

/**
 * The kernels split into row bands over `--threads N` helper threads (plus the calling
 * thread) on wasm, for the sizes ≥ 512 in --sizes: the ops that split.
 */
async function threadRows(): Promise<Row[]> {
  const helpers = Number(arg('threads', '0'));
  const rows: Row[] = [];
  if (!(helpers > 0) || !(await activateNodeBackend('wasm'))) return rows;
  const running = await startNodeKernelThreads(helpers);
  console.error(`  kernel threads: ${running} helpers`);
  const label = `wasm, ${running + 1} threads`;
  for (const n of sizes.filter((x) => x >= 512 && x < 4096)) {
    const reps = repsArg || 5;
    const a = seededImage(n, 1);
    const a8 = eightBit(a);
    const noisy = tf.tidy(() => tf.clipByValue(tf.add(a, tf.randomNormal(a.shape, 0, 0.1, 'float32', 2)), 0, 1)) as tf.Tensor3D;
    for (const [op, type, inputs, params] of opsFor(n, a, a8, noisy, a, noisy)) {
      if (!/^(gauss|box|median [357] |sobel|bilateral)/.test(op)) continue;
      const ms = await timeNode(type, inputs, params, reps);
      rows.push({ op, size: n, backend: label, ms });
      console.error(`  ${label} ${op} ${n}²: ${ms.toFixed(1)} ms`);
    }
    tf.dispose([a, a8, noisy]);
  }
  stopKernelThreads();
  return rows;
}

/**
 * Peak memory of a 4096²×3 Gaussian blur (σ 3) on the active backend: the growth of the
 * process's resident memory over the image itself (192 MiB), sampled while it runs.
 */
async function blurPeakMemory(): Promise<{ backend: string; imageMiB: number; peakExtraMiB: number } | null> {
  const b = backends.find((x) => x !== 'webgpu');
  if (!b || !(await activateNodeBackend(b))) return null;
  const n = 4096;
  const a = seededImage(n, 3);
  await a.data();
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
  const d = def('filter.gaussianBlur');
  const out = tf.tidy(() => d.compute!({ nodeId: 'mem', inputs: { image: a }, params: effectiveParams(d, { sigma: 3 }), resource: undefined, backend: tf.getBackend() }) as tf.TensorContainer) as Record<string, tf.Tensor>;
  await out.image!.data();
  peak = Math.max(peak, process.memoryUsage().rss);
  clearInterval(timer);
  tf.dispose([a, out.image!]);
  const mib = 1024 * 1024;
  return { backend: b, imageMiB: (n * n * 3 * 4) / mib, peakExtraMiB: (peak - base) / mib };
}

const host: Host = {
  readSource: () => Promise.reject(new Error('bench graphs load no files')),
  limits: { maxImageSide: 8192 },
};

/** 8-node chain: generate → 7 image nodes; change a param of the last node. */
async function chainRows(): Promise<{ backend: string; size: number; full: number; reeval: number }[]> {
  const out: { backend: string; size: number; full: number; reeval: number }[] = [];
  for (const b of backends) {
    if (!(await activateNodeBackend(b))) continue;
    const n = 512;
    const g = new Graph(registry, { name: 'bench chain' });
    g.addNode({ id: 'src', type: 'generate.noise', params: { width: n, height: n, channels: 'rgb', distribution: 'uniform', low: 0, high: 1, seed: 1 } });
    const chain: [string, string, Record<string, unknown>][] = [
      ['n1', 'noise.gaussian', { sigma: 0.1, seed: 3 }],
      ['n2', 'filter.gaussianBlur', { sigma: 1 }],
      ['n3', 'filter.median', { size: 3 }],
      ['n4', 'filter.boxBlur', { size: 3 }],
      ['n5', 'filter.unsharpMask', { radius: 1, amount: 1 }],
      ['n6', 'image.grayscale', {}],
      ['n7', 'filter.gaussianBlur', { sigma: 0.8 }],
    ];
    let prev = 'src';
    for (const [id, type, params] of chain) {
      g.addNode({ id, type, params });
      g.connect({ node: prev, port: 'image' }, { node: id, port: 'image' });
      prev = id;
    }
    const engine = new Engine({ registry, host });
    const fulls: number[] = [];
    const reevals: number[] = [];
    for (let i = 0; i < 3; i++) {
      engine.clearCache();
      let t0 = performance.now();
      (await engine.evaluate(g, [prev])).release();
      fulls.push(performance.now() - t0);
      // Change one param of the last node: only it recomputes.
      g.setParam(prev, 'sigma', 0.8 + 0.1 * (i + 1));
      t0 = performance.now();
      (await engine.evaluate(g, [prev])).release();
      reevals.push(performance.now() - t0);
    }
    engine.dispose();
    out.push({ backend: b, size: n, full: median(fulls), reeval: median(reevals) });
  }
  return out;
}

function peerTimes(): Record<string, number> | null {
  const py = '/usr/bin/python3';
  if (!existsSync(py)) return null;
  const probe = spawnSync(py, ['-c', 'import cv2, skimage'], { encoding: 'utf8' });
  if (probe.status !== 0) return null;
  const r = spawnSync(py, ['scripts/bench/bench_peer.py', ...sizes.map(String)], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (r.status !== 0) {
    console.error(`peer benchmark failed: ${r.stderr.trim().split('\n').pop()}`);
    return null;
  }
  return JSON.parse(r.stdout) as Record<string, number>;
}

async function main(): Promise<void> {
  // Our WebAssembly SIMD kernels serve cpu and wasm (as in the CLI and the worker);
  // --no-kernels measures the tfjs implementation they replace.
  const kernels = !process.argv.includes('--no-kernels') && (await initKernels());
  console.error(`pixel-loom bench: backends ${backends.join(', ')}; sizes ${sizes.join(', ')}; WebAssembly kernels ${kernels ? 'on' : 'off'}`);
  // peak memory first: it is the growth of this process, which earlier ops would have paid
  const memory = sizes.includes(4096) ? await blurPeakMemory() : null;
  const rows = [...(await nodeRows()), ...(await threadRows())];
  const chain = await chainRows();
  const peer = peerTimes();

  console.log(`\n(WebAssembly SIMD kernels ${kernels ? 'on' : 'off'} for cpu and wasm)`);
  console.log('\n| op | size | backend | ours (ms, median) | peer (ms) | ours/peer |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    const p = peer?.[`${r.op}@${r.size}`];
    const peerName = r.op.startsWith('ssim') || r.op === 'sobel' ? 'skimage' : 'OpenCV';
    console.log(`| ${r.op} | ${r.size}² | ${r.backend} | ${r.ms.toFixed(1)} | ${p !== undefined ? `${p.toFixed(1)} (${peerName})` : '—'} | ${p !== undefined ? (r.ms / p).toFixed(2) : '—'} |`);
  }
  if (!peer) console.log('\n(peer not measured: install Debian python3-opencv and python3-skimage)');
  console.log('\n| 8-node chain, 512² | backend | full run (ms) | re-eval after last-node param change (ms) | ratio |');
  console.log('|---|---|---|---|---|');
  for (const c of chain) console.log(`| chain | ${c.backend} | ${c.full.toFixed(1)} | ${c.reeval.toFixed(1)} | ${(c.reeval / c.full).toFixed(3)} |`);
  if (memory) {
    console.log('\n| 4096²×3 Gaussian σ 3 | backend | image (MiB) | peak extra resident memory (MiB) | × image |');
    console.log('|---|---|---|---|---|');
    console.log(`| peak memory | ${memory.backend} | ${memory.imageMiB.toFixed(0)} | ${memory.peakExtraMiB.toFixed(0)} | ${(memory.peakExtraMiB / memory.imageMiB).toFixed(2)} |`);
  }
  // Editor figures in headless Chromium (open/pan of a 200-node graph, long tasks): scripts/bench/bench-editor.ts
  if (!process.argv.includes('--no-editor')) {
    const r = spawnSync('npm', ['run', '--silent', 'bench:editor'], { stdio: 'inherit' });
    if (r.status !== 0) console.error('(editor benchmark failed; run `npm run bench:editor` alone to see why)');
  }
  // Photo-sized image files against libjpeg-turbo / OpenCV: scripts/bench/bench-codecs.ts
  if (!process.argv.includes('--no-codecs')) {
    const r = spawnSync('npm', ['run', '--silent', 'bench:codecs'], { stdio: 'inherit' });
    if (r.status !== 0) console.error('(codec benchmark failed; run `npm run bench:codecs` alone to see why)');
  }
  // CLI start-up, built vs the TypeScript sources: scripts/bench/bench-cli.ts
  if (!process.argv.includes('--no-cli')) {
    const r = spawnSync('npm', ['run', '--silent', 'bench:cli'], { stdio: 'inherit' });
    if (r.status !== 0) console.error('(CLI start-up benchmark failed; run `npm run bench:cli` alone to see why)');
  }
  // Batch throughput against an OpenCV + scikit-image script: scripts/bench/bench-batch.ts
  if (!process.argv.includes('--no-batch')) {
    const r = spawnSync('npm', ['run', '--silent', 'bench:batch'], { stdio: 'inherit' });
    if (r.status !== 0) console.error('(batch benchmark failed; run `npm run bench:batch` alone to see why)');
  }
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(`bench failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
