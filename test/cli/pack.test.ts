/**
 * The CLI as it is published (issue 25): the files `npm pack` puts in the tarball, laid out in
 * an empty folder whose node_modules holds the runtime packages but no TypeScript compiler
 * (no tsx, esbuild or typescript), run as a user runs it. Proves the built CLI needs nothing
 * the tarball lacks: its chunks, the kernel and batch thread entries, the kernels' .wasm, the
 * models and the example graphs.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import catalog from '../../src/generated/catalog.json';

const ROOT = path.resolve(__dirname, '..', '..');
/** Development tools that must not be needed at run time. */
const COMPILERS = new Set(['tsx', 'esbuild', '@esbuild', 'typescript', 'vite', 'vitest', 'vue-tsc']);

let pkg = '';
let packed: string[] = [];

function cli(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(pkg, 'bin', 'pixel-loom.mjs'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  packed = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
  pkg = mkdtempSync(path.join(os.tmpdir(), 'pixel-loom-pack-'));
  for (const file of packed) {
    mkdirSync(path.dirname(path.join(pkg, file)), { recursive: true });
    cpSync(path.join(ROOT, file), path.join(pkg, file));
  }
  const modules = path.join(pkg, 'node_modules');
  mkdirSync(modules);
  for (const name of readdirSync(path.join(ROOT, 'node_modules'))) {
    if (COMPILERS.has(name) || name.startsWith('.')) continue;
    symlinkSync(path.join(ROOT, 'node_modules', name), path.join(modules, name));
  }
}, 60_000);

afterAll(() => {
  if (pkg) rmSync(pkg, { recursive: true, force: true });
});

describe('the packed CLI', () => {
  it('holds the built entries, the kernels, the models and the examples, and no TypeScript or tests', () => {
    for (const f of ['bin/pixel-loom.mjs', 'dist-cli/main.mjs', 'dist-cli/job.mjs', 'dist-cli/nodeHelper.mjs', 'src/kernels/wasm/build/kernels.wasm', 'public/models/manifest.json', 'graphs/denoise.graph.json', 'package.json']) {
      expect(packed, f).toContain(f);
    }
    expect(packed.filter((f) => /\.(ts|mts|vue)$/.test(f) || f.startsWith('test/'))).toEqual([]);
  });

  it('imports nothing from a TypeScript loader', () => {
    for (const f of packed.filter((p) => p.startsWith('dist-cli/') && p.endsWith('.mjs'))) {
      const text = readFileSync(path.join(pkg, f), 'utf8');
      expect(text, f).not.toMatch(/(from|import\s*\(?)\s*["'](tsx|[^"']+\.ts)["']/);
    }
  });

  it('--version and nodes work without tsx', () => {
    const v = cli(['--version'], os.tmpdir());
    expect(v).toMatchObject({ code: 0, stderr: '' });
    expect(v.stdout.trim()).toBe(`pixel-loom ${(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}`);
    const n = cli(['nodes', '--json'], os.tmpdir());
    expect(n.code).toBe(0);
    expect(JSON.parse(n.stdout)).toEqual(catalog);
  });

  it('runs an example graph with kernel threads, and a batch on two pool threads', () => {
    const out = path.join(pkg, 'out');
    const r = cli(['run', 'graphs/denoise.graph.json', '--out', out, '--threads', '2'], pkg);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')) as { threads: number; outputs: Record<string, Record<string, unknown>> };
    expect(result.threads).toBe(2); // the helper thread started from dist-cli/nodeHelper.mjs and loaded the kernels
    expect(result.outputs.psnrMedian?.psnr).toBeGreaterThan(20);
    const b = cli(['batch', 'graphs/training-pairs.graph.json', '--out', path.join(pkg, 'pairs'), '--input', 'load=graphs/assets/camera*.png', '--jobs', '2'], pkg);
    expect(b.code, b.stderr).toBe(0);
    const csv = readFileSync(path.join(pkg, 'pairs', 'results.csv'), 'utf8').trim().split('\n');
    expect(csv.length).toBeGreaterThan(1);
  });
});
