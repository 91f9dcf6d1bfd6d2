/**
 * `npm run bench:batch`: batch throughput (issue 12). A 512²×3 denoise-and-score graph
 * (Gaussian noise σ 0.1 → 3×3 median → SSIM and PSNR against the original, the denoised image
 * saved) over 64 images: `pixel-loom batch --jobs 1`, `--jobs 2`, and through a BullMQ queue
 * on a local redis-server with two `pixel-loom worker --jobs 1`; against the same work as a
 * Python script with OpenCV and scikit-image on two processes (scripts/bench/bench_batch_peer.py),
 * in the same run. Wall time of each command, start-up included.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodePng } from '../../src/nodes/lib/codec';
import { freePort } from '../../test/e2e/harness';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const BIN = path.join(ROOT, 'bin', 'pixel-loom.mjs');
const WORK = path.join(ROOT, 'tmp', 'bench-batch');
const IMAGES = Number(process.env.BENCH_BATCH_IMAGES ?? 64);
const SIZE = 512;

function run(cmd: string, args: string[]): Promise<{ code: number | null; out: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out, ms: performance.now() - t0 }));
  });
}

function makeInputs(): string {
  const dir = path.join(WORK, 'imgs');
  if (existsSync(path.join(dir, `img${IMAGES - 1}.png`))) return dir;
  mkdirSync(dir, { recursive: true });
  for (let k = 0; k < IMAGES; k++) {
    const data = new Float32Array(SIZE * SIZE * 3);
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const i = (y * SIZE + x) * 3;
        data[i] = 0.5 + 0.5 * Math.sin((x + k * 7) / 23);
        data[i + 1] = 0.5 + 0.5 * Math.cos((y - k * 5) / 31);
        data[i + 2] = ((x ^ y) & 255) / 255;
      }
    }
    writeFileSync(path.join(dir, `img${k}.png`), encodePng(data, SIZE, SIZE, 3));
  }
  return dir;
}

function makeGraph(): string {
  const file = path.join(WORK, 'denoise-score.graph.json');
  const n = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, params, position: { x: 0, y: 0 } });
  const e = (a: string, ap: string, b: string, bp: string) => ({ from: { node: a, port: ap }, to: { node: b, port: bp } });
  const doc = {
    format: 'pixel-loom.graph',
    version: 1,
    name: 'bench: denoise and score',
    nodes: [n('load', 'image.load', { source: 'imgs/img0.png' }), n('noisy', 'noise.gaussian', { sigma: 0.1, seed: 1 }), n('median', 'filter.median', { size: 3 }), n('ssim', 'metric.ssim'), n('psnr', 'metric.psnr'), n('save', 'image.save', { name: 'denoised' })],
    edges: [e('load', 'image', 'noisy', 'image'), e('noisy', 'image', 'median', 'image'), e('load', 'image', 'ssim', 'a'), e('median', 'image', 'ssim', 'b'), e('load', 'image', 'psnr', 'a'), e('median', 'image', 'psnr', 'b'), e('median', 'image', 'save', 'image')],
  };
  writeFileSync(file, JSON.stringify(doc, null, 2));
  return file;
}

async function main(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  const imgs = makeInputs();
  const graph = makeGraph();
  const rows: [string, string][] = [];
  const rate = (ms: number): string => `${(IMAGES / (ms / 1000)).toFixed(2)} jobs/s (${(ms / 1000).toFixed(1)} s)`;
  const batch = async (label: string, extra: string[]): Promise<number> => {
    const out = path.join(WORK, `out-${label}`);
    rmSync(out, { recursive: true, force: true });
    const r = await run(process.execPath, [BIN, 'batch', graph, '--out', out, '--input', `load=${imgs}`, ...extra]);
    if (r.code !== 0) throw new Error(`${label} failed:\n${r.out}`);
    return r.ms;
  };
  const j1 = await batch('jobs1', ['--jobs', '1']);
  rows.push([`pixel-loom batch --jobs 1 (${IMAGES} × ${SIZE}²×3)`, rate(j1)]);
  const j2 = await batch('jobs2', ['--jobs', '2']);
  rows.push([`pixel-loom batch --jobs 2`, rate(j2)]);

  let queueMs: number | null = null;
  if (spawnSync('sh', ['-c', 'command -v redis-server']).status === 0) {
    const port = await freePort();
    const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 500));
    const url = `redis://127.0.0.1:${port}/0`;
    const workers: ChildProcess[] = [0, 1].map(() => spawn(process.execPath, [BIN, 'worker', '--queue', url, '--jobs', '1'], { cwd: ROOT, stdio: 'ignore' }));
    await new Promise((r) => setTimeout(r, 3000)); // workers up (as they would be, waiting)
    queueMs = await batch('queue', ['--queue', url]);
    rows.push(['pixel-loom batch --queue, 2 × pixel-loom worker --jobs 1 (workers started before)', rate(queueMs)]);
    // workers stop while Redis still answers, then Redis
    await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : (w.once('exit', r), w.kill('SIGTERM'))))));
    redis.kill('SIGKILL');
  } else rows.push(['queue', 'redis-server not installed']);

  const peerOut = path.join(WORK, 'out-peer');
  rmSync(peerOut, { recursive: true, force: true });
  const py = await run('/usr/bin/python3', [path.join(ROOT, 'scripts', 'bench', 'bench_batch_peer.py'), imgs, peerOut, '2']);
  let peerMs: number | null = null;
  if (py.code === 0) {
    peerMs = py.ms;
    rows.push(['Python: OpenCV + scikit-image, 2 processes (start-up included)', rate(py.ms)]);
  } else rows.push(['Python peer', `not run: ${py.out.trim().split('\n').at(-1)}`]);
  if (peerMs !== null) {
    rows.push(['ratio --jobs 2 / Python 2 processes (time)', (j2 / peerMs).toFixed(2)]);
    if (queueMs !== null) rows.push(['ratio queue (2 workers) / Python 2 processes (time)', (queueMs / peerMs).toFixed(2)]);
  }
  const w = Math.max(...rows.map(([k]) => k.length));
  console.log('\n| batch throughput | value |');
  console.log('|---|---|');
  for (const [k, v] of rows) console.log(`| ${k.padEnd(w)} | ${v} |`);
}

await main();
process.exit(0);
