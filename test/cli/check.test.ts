/**
 * `pixel-loom run --fingerprints` and `pixel-loom check` (issue 24, item 5): a graph run on
 * wasm and checked on cpu reports what is true — bit-identical when every hash is the same
 * (the fingerprints of a cpu run say so), within tolerance otherwise; a changed param is
 * reported as the first diverging node with exit 1; nothing to compare with is exit 2.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, cli, type CliRun } from '../helpers/spawnCli';

const GRAPH = path.join(ROOT, 'graphs', 'denoise.graph.json');
let tmp = '';
const runs: Record<string, CliRun> = {};
type Fp = Record<string, Record<string, { hash?: string; value?: unknown }>>;
const fingerprints = (name: string): Fp => (JSON.parse(readFileSync(path.join(tmp, name, 'result.json'), 'utf8')) as { fingerprints: Fp }).fingerprints;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'pixel-loom-check-'));
  const against = path.join(tmp, 'wasm', 'result.json');
  runs.wasm = await cli(['run', GRAPH, '--out', path.join(tmp, 'wasm'), '--fingerprints']);
  runs.cpu = await cli(['run', GRAPH, '--out', path.join(tmp, 'cpu'), '--backend', 'cpu', '--fingerprints']);
  runs.checkCpu = await cli(['check', GRAPH, '--against', against, '--backend', 'cpu']);
  runs.checkChanged = await cli(['check', GRAPH, '--against', against, '--set', 'median.size=5']);
  runs.none = await cli(['check', GRAPH]);
}, 180_000);
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('pixel-loom check', () => {
  it('run --fingerprints records every evaluated output', () => {
    expect(runs.wasm!.code, runs.wasm!.stderr).toBe(0);
    const fp = fingerprints('wasm');
    expect(Object.keys(fp)).toHaveLength(10); // the three image.save nodes have no outputs
    expect(fp.median!.image!.hash).toMatch(/^[0-9a-f]+$/);
    expect(typeof fp.psnrBlur!.psnr!.value).toBe('number');
  });

  it('wasm checked on cpu: the verdict the two runs\' hashes call for', () => {
    const a = fingerprints('wasm');
    const b = fingerprints('cpu');
    const ports = Object.entries(a).flatMap(([n, ps]) => Object.entries(ps).map(([p, f]) => [f, b[n]?.[p]] as const));
    const identical = ports.every(([x, y]) => JSON.stringify(x) === JSON.stringify(y));
    expect(runs.checkCpu!.code, runs.checkCpu!.stderr).toBe(0);
    expect(runs.checkCpu!.stdout.trim()).toMatch(identical ? /^pixel-loom check: bit-identical — 13 outputs \(wasm then, cpu now\)$/ : /^pixel-loom check: within tolerance — 13 outputs, \d+ bit-identical, lowest summary PSNR \d+\.\d dB \(wasm then, cpu now\)$/);
  });

  it('a changed param: the first diverging node, exit 1; no fingerprints: exit 2 with what to run', () => {
    expect(runs.checkChanged!.code).toBe(1);
    expect(runs.checkChanged!.stdout).toMatch(/^pixel-loom check: first diverging node: median \(filter\.median\) output "image" — its inputs matched; summary PSNR \d+\.\d dB \(wasm then, wasm now\)$/m);
    expect(runs.none!.code).toBe(2);
    expect(runs.none!.stderr).toContain('has no fingerprints to compare with: run `pixel-loom run <graph> --out <dir> --fingerprints` first');
  });
});
