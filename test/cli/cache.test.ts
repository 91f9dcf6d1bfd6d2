/**
 * `--cache <dir>` and `executed` (DESIGN.md §4, §6; issue 24 item 3): a second run executes
 * nothing and writes identical files; `--set` of one param executes exactly that node and its
 * descendants; a damaged cache file is computed again (and the result is still right); the
 * file format round-trips every kind of output.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeResult as decode, encodeResult } from '../../src/engine/resultCodec';
import { ROOT, cli, type CliRun } from '../helpers/spawnCli';

const GRAPH = path.join(ROOT, 'graphs', 'denoise.graph.json');
let tmp = '';
const dir = (...p: string[]): string => path.join(tmp, ...p);
type Result = { outputs: Record<string, unknown>; executed: string[] };
const result = (name: string): Result => JSON.parse(readFileSync(dir(name, 'result.json'), 'utf8')) as Result;
const files = (name: string): Record<string, string> =>
  Object.fromEntries(
    readdirSync(dir(name))
      .filter((f) => f.endsWith('.png'))
      .map((f) => [f, readFileSync(dir(name, f)).toString('base64')]),
  );
const cacheFiles = (): string[] => readdirSync(dir('cache'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.plr'));

/** The node and everything downstream of it, from the graph file's edges. */
function descendants(node: string): string[] {
  const doc = JSON.parse(readFileSync(GRAPH, 'utf8')) as { nodes: { id: string }[]; edges: { from: { node: string }; to: { node: string } }[] };
  const out = new Set([node]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of doc.edges) if (out.has(e.from.node) && !out.has(e.to.node)) grew = out.add(e.to.node) !== null;
  }
  return doc.nodes.map((n) => n.id).filter((id) => out.has(id));
}

const runs: Record<string, CliRun> = {};
beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'pixel-loom-cache-'));
  const run = async (name: string, extra: string[] = []): Promise<void> => {
    runs[name] = await cli(['run', GRAPH, '--out', dir(name), '--cache', dir('cache'), ...extra]);
  };
  await cli(['run', GRAPH, '--out', dir('plain')]).then((r) => (runs.plain = r));
  await run('first');
  await run('second');
  await run('sigma', ['--set', 'blur.sigma=2']);
  // damage every cache file of the median (a run with its size changed, then the files cut short)
  const before = new Set(cacheFiles());
  await run('median5', ['--set', 'median.size=5']);
  for (const f of cacheFiles().filter((x) => !before.has(x))) writeFileSync(dir('cache', f), readFileSync(dir('cache', f)).subarray(0, 12));
  await run('damaged', ['--set', 'median.size=5']);
  // two batches over one cache folder, two workers each
  const pairs = path.join(ROOT, 'graphs', 'training-pairs.graph.json');
  for (const name of ['batch1', 'batch2']) {
    runs[name] = await cli(['batch', pairs, '--out', dir(name), '--input', `load=${path.join(ROOT, 'graphs', 'assets', 'camera.png')}`, '--sweep', 'noisy.sigma=0.02,0.05,0.08', '--jobs', '2', '--cache', dir('batch-cache')]);
  }
}, 240_000);
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('pixel-loom run --cache', () => {
  it('the first run executes every node; a second executes none and writes the same files and outputs', () => {
    for (const r of Object.values(runs)) expect(r.code, r.stderr).toBe(0);
    const all = result('plain').executed;
    expect(all.length).toBe(13);
    expect([...result('first').executed].sort()).toEqual([...all].sort());
    expect(result('second').executed).toEqual([]);
    expect(result('second').outputs).toEqual(result('first').outputs);
    expect(files('second')).toEqual(files('first'));
    expect(files('first')).toEqual(files('plain'));
    expect(cacheFiles().length).toBeGreaterThanOrEqual(13);
  });

  it('--set of one param executes exactly that node and its descendants', () => {
    expect([...result('sigma').executed].sort()).toEqual(descendants('blur').sort());
    expect(descendants('blur').sort()).toEqual(['blur', 'psnrBlur', 'saveBlur', 'ssimBlur']);
    expect(result('sigma').outputs).not.toEqual(result('first').outputs);
  });

  it('damaged cache files are computed again, with the same result', () => {
    expect([...result('median5').executed].sort()).toEqual(descendants('median').sort());
    expect([...result('damaged').executed].sort()).toEqual(descendants('median').sort());
    expect(result('damaged').outputs).toEqual(result('median5').outputs);
    expect(files('damaged')).toEqual(files('median5'));
  });
});

describe('pixel-loom batch --cache', () => {
  it('concurrent workers share the folder: a second batch executes nothing and writes the same images', () => {
    const jobs = (name: string): string[] => readdirSync(dir(name)).filter((f) => f.includes('noisy.sigma=')).sort();
    expect(jobs('batch1')).toHaveLength(3);
    expect(jobs('batch2')).toEqual(jobs('batch1'));
    for (const job of jobs('batch1')) {
      expect(result(path.join('batch1', job)).executed.length).toBeGreaterThan(0);
      expect(result(path.join('batch2', job)).executed).toEqual([]);
      expect(files(path.join('batch2', job))).toEqual(files(path.join('batch1', job)));
    }
  });
});

describe('cache file format', () => {
  it('round-trips numbers (Infinity and NaN too) and float32 / int32 / bool tensors; anything damaged reads as not stored', () => {
    const outputs = {
      n: { kind: 'number', value: 0.25 },
      inf: { kind: 'number', value: -Infinity },
      nan: { kind: 'number', value: NaN },
      image: { kind: 'tensor', dtype: 'float32', shape: [2, 3, 1], data: Float32Array.from([0, 0.5, 1, 1e-7, 0.25, 0.75]) },
      labels: { kind: 'tensor', dtype: 'int32', shape: [3], data: Int32Array.from([-1, 0, 7]) },
      mask: { kind: 'tensor', dtype: 'bool', shape: [2], data: Uint8Array.from([1, 0]) },
    } as const;
    const buf = Buffer.from(encodeResult(outputs));
    const back = decode(buf)!;
    expect(back.n).toEqual(outputs.n);
    expect(back.inf).toEqual(outputs.inf);
    expect(Number.isNaN((back.nan as { value: number }).value)).toBe(true);
    expect(back.image).toEqual(outputs.image);
    expect(back.labels).toEqual(outputs.labels);
    expect(back.mask).toEqual(outputs.mask);
    expect(decode(buf.subarray(0, buf.length - 1))).toBeNull();
    expect(decode(Buffer.concat([buf, Buffer.from([0])]))).toBeNull();
    expect(decode(Buffer.from('not a cache file'))).toBeNull();
    const bad = Buffer.from(buf);
    bad[2] = 0x58;
    expect(decode(bad)).toBeNull();
  });
});
