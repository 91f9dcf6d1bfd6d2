/**
 * `pixel-loom batch` and `pixel-loom worker` end to end (issue 12), spawned as a user runs
 * them: a folder with a sweep, paired inputs, --jobs 2 equal to --jobs 1, a batch killed with
 * SIGKILL and resumed to the same outputs, bad arguments (exit 2, one line), and the Redis
 * queue with two workers, one killed mid-job (every job done exactly once, outputs equal to
 * the local run). Redis is Debian's redis-server, started here on a free port.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../../src/nodes/lib/codec';
import { freePort } from '../e2e/harness';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'pixel-loom.mjs');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], onStdout?: (chunk: string, child: ChildProcess) => void): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    onStdout?.(d.toString(), child);
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done };
}
const cli = (args: string[]): Promise<Run> => start(args).done;

let tmp = '';
const dir = (...p: string[]): string => path.join(tmp, ...p);

/** A w×h gray PNG with a seeded pattern. */
function png(file: string, w: number, h: number, seed: number): void {
  const data = new Float32Array(w * h);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 37 + seed * 101) % 251) / 250;
  writeFileSync(file, encodePng(data, w, h, 1));
}

const graphDoc = (nodes: unknown[], edges: unknown[]): string => JSON.stringify({ format: 'pixel-loom.graph', version: 1, name: 'batch test', nodes, edges }, null, 2);
const n = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, params, position: { x: 0, y: 0 } });
const e = (from: string, fp: string, to: string, tp: string) => ({ from: { node: from, port: fp }, to: { node: to, port: tp } });

/** Every job folder's result.json outputs and PNG bytes, by job id. */
function snapshot(out: string): Record<string, { outputs: unknown; files: Record<string, string> }> {
  const snap: Record<string, { outputs: unknown; files: Record<string, string> }> = {};
  for (const job of readdirSync(out).filter((d) => !d.startsWith('.') && statSync(path.join(out, d)).isDirectory())) {
    const result = JSON.parse(readFileSync(path.join(out, job, 'result.json'), 'utf8')) as { outputs: unknown };
    const files: Record<string, string> = {};
    for (const f of readdirSync(path.join(out, job)).filter((f) => f.endsWith('.png'))) files[f] = readFileSync(path.join(out, job, f)).toString('base64');
    snap[job] = { outputs: result.outputs, files };
  }
  return snap;
}

/** results.csv as rows of fields (RFC 4180 quoting: "…" with "" for a quote). */
function csv(out: string): string[][] {
  return readFileSync(path.join(out, 'results.csv'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => [...l.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((m) => (m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!)));
}

const runs: Record<string, Run> = {};
const JOBS_SWEEP = ['a', 'b', 'c'].flatMap((s) => ['0.05', '0.1', '0.15'].map((v) => `${s}__noisy.sigma=${v}`));

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'pixel-loom-batch-'));
  mkdirSync(dir('imgs'));
  mkdirSync(dir('masks'));
  mkdirSync(dir('empty'));
  png(dir('imgs', 'a.png'), 48, 40, 1);
  png(dir('imgs', 'b.png'), 48, 40, 2);
  png(dir('imgs', 'c.png'), 48, 40, 3);
  png(dir('masks', 'a.png'), 48, 40, 7);
  png(dir('masks', 'b.png'), 48, 40, 8);
  png(dir('masks', 'd.png'), 48, 40, 9);
  writeFileSync(dir('notes.txt'), 'not an image');
  mkdirSync(dir('mixed'));
  png(dir('mixed', 'a.png'), 48, 40, 1);
  writeFileSync(dir('mixed', 'b.png'), 'not a PNG at all');
  png(dir('mixed', 'c.png'), 48, 40, 3);
  writeFileSync(
    dir('denoise.graph.json'),
    graphDoc(
      [n('load', 'image.load', { source: 'x.png' }), n('noisy', 'noise.gaussian', { sigma: 0.1, seed: 3 }), n('blur', 'filter.gaussianBlur', { sigma: 1 }), n('psnr', 'metric.psnr'), n('ssim', 'metric.ssim'), n('save', 'image.save', { name: 'noisy' })],
      [e('load', 'image', 'noisy', 'image'), e('noisy', 'image', 'blur', 'image'), e('load', 'image', 'psnr', 'a'), e('blur', 'image', 'psnr', 'b'), e('load', 'image', 'ssim', 'a'), e('blur', 'image', 'ssim', 'b'), e('noisy', 'image', 'save', 'image')],
    ),
  );
  writeFileSync(
    dir('pair.graph.json'),
    graphDoc([n('img', 'image.load', { source: 'x.png' }), n('mask', 'image.load', { source: 'y.png' }), n('mse', 'metric.mse')], [e('img', 'image', 'mse', 'a'), e('mask', 'image', 'mse', 'b')]),
  );
  const g = dir('denoise.graph.json');
  const sweep = ['--sweep', 'noisy.sigma=0.05:0.15:0.05'];
  const jobs: Record<string, Promise<Run>> = {
    one: cli(['batch', g, '--out', dir('out1'), '--input', `load=${dir('imgs')}`, ...sweep, '--jobs', '1']),
    two: cli(['batch', g, '--out', dir('out2'), '--input', `load=${dir('imgs')}`, ...sweep, '--jobs', '2']),
    pair: cli(['batch', dir('pair.graph.json'), '--out', dir('pair'), '--input', `img=${dir('imgs')}`, '--input', `mask=${dir('masks', '*.png')}`, '--jobs', '1']),
    unknownNode: cli(['batch', g, '--out', dir('x'), '--input', `nope=${dir('imgs')}`]),
    notLoad: cli(['batch', g, '--out', dir('x'), '--input', `noisy=${dir('imgs')}`]),
    empty: cli(['batch', g, '--out', dir('x'), '--input', `load=${dir('empty')}`]),
    badSweep: cli(['batch', g, '--out', dir('x'), '--input', `load=${dir('imgs')}`, '--sweep', 'noisy.sigma=0.3:0.1:0.1']),
    sweepRange: cli(['batch', g, '--out', dir('x'), '--input', `load=${dir('imgs')}`, '--sweep', 'noisy.sigma=0.5,7']),
    badJobs: cli(['batch', g, '--out', dir('x'), '--input', `load=${dir('imgs')}`, '--jobs', '0']),
    mixed: cli(['batch', g, '--out', dir('mixed-out'), '--input', `load=${dir('mixed')}`, '--jobs', '1']),
    failFast: cli(['batch', g, '--out', dir('ff-out'), '--input', `load=${dir('mixed')}`, '--jobs', '1', '--fail-fast']),
  };
  for (const [k, p] of Object.entries(jobs)) runs[k] = await p;
}, 240_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('pixel-loom batch: local', () => {
  it('a folder × a sweep: one folder per job as run writes it, results.csv sorted by job id', () => {
    const r = runs.one!;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^batch: 9 jobs \(3 items × 3 noisy\.sigma\), 0 complete already, 9 to run on 1 thread$/m);
    expect(r.stdout).toMatch(/^batch: 9 jobs: 9 ran, 0 were complete, 0 failed; [\d.]+ s, [\d.]+ jobs\/s → .*results\.csv$/m);
    const rows = csv(dir('out1'));
    expect(rows[0]).toEqual(['job', 'input.load', 'noisy.sigma', 'psnr.psnr', 'ssim.ssim', 'ms', 'error']);
    expect(rows.slice(1).map((row) => row[0])).toEqual(JOBS_SWEEP);
    for (const row of rows.slice(1)) {
      expect(row[1]).toBe(dir('imgs', `${row[0]!.slice(0, 1)}.png`));
      expect(row[2]).toBe(row[0]!.split('=')[1]); // 0.05, 0.1, 0.15: rounded to the step's decimals
      expect(Number(row[3])).toBeGreaterThan(10);
      expect(Number(row[5])).toBeGreaterThan(0);
      expect(row[6]).toBe('');
      const result = JSON.parse(readFileSync(dir('out1', row[0]!, 'result.json'), 'utf8')) as { outputs: { psnr: { psnr: number }; save: { image: { file: string } } } };
      expect(result.outputs.psnr.psnr).toBe(Number(row[3]));
      expect(existsSync(dir('out1', row[0]!, 'noisy.png'))).toBe(true);
    }
    // more noise, lower PSNR, for each image
    for (const s of ['a', 'b', 'c']) {
      const p = rows.filter((row) => row[0]!.startsWith(`${s}__`)).map((row) => Number(row[3]));
      expect(p[0]).toBeGreaterThan(p[1]!);
      expect(p[1]).toBeGreaterThan(p[2]!);
    }
    const summary = JSON.parse(readFileSync(dir('out1', 'batch.json'), 'utf8')) as { counts: { jobs: number; ran: number; failed: number }; graph: string; command: string[] };
    expect(summary.counts).toMatchObject({ jobs: 9, ran: 9, failed: 0 });
    expect(summary.graph).toBe(readFileSync(dir('denoise.graph.json'), 'utf8'));
    expect(summary.command.slice(0, 2)).toEqual(['pixel-loom', 'batch']);
  });

  it('--jobs 2 gives exactly the outputs of --jobs 1', () => {
    expect(runs.two!.code, runs.two!.stderr).toBe(0);
    expect(snapshot(dir('out2'))).toEqual(snapshot(dir('out1')));
    expect(csv(dir('out2')).map((r) => r.slice(0, 5))).toEqual(csv(dir('out1')).map((r) => r.slice(0, 5)));
  });

  it('paired inputs: files paired by name without extension; the unpaired are listed and skipped', () => {
    const r = runs.pair!;
    expect(r.code, r.stderr).toBe(0);
    const rows = csv(dir('pair'));
    expect(rows[0]).toEqual(['job', 'input.img', 'input.mask', 'mse.mse', 'ms', 'error']);
    expect(rows.slice(1).map((row) => [row[0], path.basename(row[1]!), path.relative(tmp, row[2]!)])).toEqual([
      ['a', 'a.png', path.join('masks', 'a.png')],
      ['b', 'b.png', path.join('masks', 'b.png')],
    ]);
    expect(r.stdout).toContain(`batch: skipped unpaired ${dir('imgs', 'c.png')} (input "img": no file named "c" in every other input)`);
    expect(r.stdout).toContain(`batch: skipped unpaired ${dir('masks', 'd.png')} (input "mask": no file named "d" in every other input)`);
    expect(Number(rows[1]![3])).toBeGreaterThan(0);
  });

  it('a batch killed with SIGKILL resumes: complete jobs are not redone, the outputs equal an uninterrupted run', async () => {
    const out = dir('killed');
    const args = ['batch', dir('denoise.graph.json'), '--out', out, '--input', `load=${dir('imgs')}`, '--sweep', 'noisy.sigma=0.05:0.15:0.05', '--jobs', '1'];
    const { child, done } = start(args);
    // kill it as soon as the first job's folder is in place
    const t0 = Date.now();
    while (Date.now() - t0 < 60_000) {
      const jobs = existsSync(out) ? readdirSync(out).filter((d) => JOBS_SWEEP.includes(d)) : [];
      if (jobs.length >= 1) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.code).toBeNull();
    const finished = readdirSync(out).filter((d) => JOBS_SWEEP.includes(d));
    expect(finished.length).toBeGreaterThanOrEqual(1);
    expect(finished.length).toBeLessThan(9);
    const mtimes = Object.fromEntries(finished.map((j) => [j, statSync(path.join(out, j, 'result.json')).mtimeMs]));
    // nothing half-written is visible: every job folder there is complete
    for (const j of finished) expect(JSON.parse(readFileSync(path.join(out, j, 'result.json'), 'utf8'))).toHaveProperty('outputs.psnr.psnr');

    const again = await cli(args);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^batch: 9 jobs \\(3 items × 3 noisy\\.sigma\\), ${finished.length} complete already, ${9 - finished.length} to run on 1 thread$`, 'm'));
    for (const [j, t] of Object.entries(mtimes)) expect(statSync(path.join(out, j, 'result.json')).mtimeMs).toBe(t);
    expect(snapshot(out)).toEqual(snapshot(dir('out1')));
    expect(csv(out).map((r) => r.slice(0, 5))).toEqual(csv(dir('out1')).map((r) => r.slice(0, 5)));
    expect(existsSync(path.join(out, '.batch', 'tmp'))).toBe(false);
  }, 120_000);
});

describe('pixel-loom batch: failing jobs', () => {
  it('one failing job does not stop the others; its message is in error; exit 1', () => {
    const r = runs.mixed!;
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^error: job b: node "load" \(image\.load\): .*b\.png.* is not a PNG, JPEG or WebP image/)]);
    const rows = csv(dir('mixed-out'));
    expect(rows.slice(1).map((row) => [row[0], row.at(-1) === '' ? 'ok' : 'failed'])).toEqual([
      ['a', 'ok'],
      ['b', 'failed'],
      ['c', 'ok'],
    ]);
  });

  it('--fail-fast: nothing new starts after the first failure', () => {
    const r = runs.failFast!;
    expect(r.code).toBe(1);
    const rows = csv(dir('ff-out'));
    expect(rows.slice(1).map((row) => [row[0], row.at(-1)])).toEqual([
      ['a', ''],
      ['b', expect.stringContaining('is not a PNG, JPEG or WebP image')],
      ['c', 'not run'],
    ]);
    expect(r.stdout).toMatch(/1 not run \(--fail-fast\)/);
  });
});

describe('pixel-loom batch: bad arguments exit 2 with one line', () => {
  function expectOneLine(name: string, message: RegExp): void {
    const r = runs[name]!;
    expect(r.code, `${name}: ${r.stderr}`).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  }
  it('an unknown node', () => expectOneLine('unknownNode', /^pixel-loom: --input nope=.*: no node "nope" in the graph \(nodes: load, noisy, blur, psnr, ssim, save\)$/));
  it('a node that is not an image.load', () => expectOneLine('notLoad', /^pixel-loom: --input noisy=.*: node "noisy" is a noise\.gaussian, not an image\.load$/));
  it('an empty folder', () => expectOneLine('empty', /^pixel-loom: --input load=.*empty: no images \(\.png, \.jpg, \.jpeg, \.webp\) in the folder .*empty$/));
  it('a sweep whose stop is below its start', () => expectOneLine('badSweep', /^pixel-loom: --sweep noisy\.sigma=0\.3:0\.1:0\.1: stop 0\.1 is below start 0\.3$/));
  it('a swept value out of the param range', () => expectOneLine('sweepRange', /^pixel-loom: --sweep noisy\.sigma=0\.5,7: node "noisy" param sigma: 7 is above the maximum \d+$/));
  it('--jobs 0', () => expectOneLine('badJobs', /^pixel-loom: --jobs 0: expected a whole number of worker threads from 1 to 256$/));
});

describe('pixel-loom worker: BullMQ on Redis', () => {
  let redis: ChildProcess | null = null;
  let url = '';

  beforeAll(async () => {
    const which = spawnSync('sh', ['-c', 'command -v redis-server']);
    if (which.status !== 0) throw new Error("redis-server is not installed (Debian's redis-server; .ci/run installs it)");
    const port = await freePort();
    url = `redis://127.0.0.1:${port}/0`;
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmp], { stdio: 'ignore' });
    const t0 = Date.now();
    for (;;) {
      const ping = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
      if (ping.stdout?.trim() === 'PONG') break;
      if (Date.now() - t0 > 20_000) throw new Error('redis-server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 30_000);

  afterAll(() => {
    redis?.kill('SIGKILL');
  });

  it('two workers, one killed with SIGKILL mid-job: every job done exactly once, outputs equal the local run', async () => {
    const out = dir('queued');
    const batch = start(['batch', dir('denoise.graph.json'), '--out', out, '--input', `load=${dir('imgs')}`, '--sweep', 'noisy.sigma=0.05:0.15:0.05', '--queue', url]);
    let killedJob = '';
    const a = start(['worker', '--queue', url, '--jobs', '1'], (chunk, child) => {
      const m = /worker: (\S+) started/.exec(chunk);
      if (m && !killedJob) {
        killedJob = m[1]!;
        child.kill('SIGKILL');
      }
    });
    // the second worker starts once the first has taken a job
    const t0 = Date.now();
    while (!killedJob && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 20));
    expect(killedJob).not.toBe('');
    const b = start(['worker', '--queue', url, '--jobs', '1']);
    const result = await batch.done;
    b.child.kill('SIGTERM');
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(ra.code).toBeNull(); // killed
    expect(rb.code).toBe(0); // stopped cleanly
    // the killed worker's job was taken over (BullMQ's stalled-job check) by the other
    expect(rb.stdout).toMatch(new RegExp(`worker: ${killedJob.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} started`));
    const doneLines = [...ra.stdout.matchAll(/worker: (\S+) done in/g), ...rb.stdout.matchAll(/worker: (\S+) done in/g)].map((m) => m[1]).sort();
    expect(doneLines).toEqual(JOBS_SWEEP);
    const sidecars = readdirSync(path.join(out, '.batch', 'jobs')).sort();
    expect(sidecars).toEqual(JOBS_SWEEP.map((j) => `${j}.json`));
    expect(snapshot(out)).toEqual(snapshot(dir('out1')));
    expect(csv(out).map((r) => r.slice(0, 5))).toEqual(csv(dir('out1')).map((r) => r.slice(0, 5)));
  }, 180_000);
});
