/**
 * Components in the CLI and batch (issue 22, DESIGN.md §2b), spawned as a user runs them: a
 * v3 file with components gives the same PNGs and numbers as its flattened version; paths
 * in result.json; `--set s1.sigma` (promoted) and `--set s1/blur.sigma` (that instance
 * only); an image.save inside an instance writes under <out>/<instance>/; batch sweeps and
 * inputs by path; `nodes <graph>` lists the components.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flattenGraph } from '../../src/engine/flatten';
import { graphToDocument, parseGraph, serializeGraph } from '../../src/engine/format';
import { createRegistry } from '../../src/nodes';
import { ROOT, cli, type CliRun as Run } from '../helpers/spawnCli';

const GRAPHS = path.join(ROOT, 'graphs');
const NESTED = path.join(GRAPHS, 'components-nested.graph.json');
const TWICE = path.join(GRAPHS, 'components-two-instances.graph.json');


let tmp = '';
const runs: Record<string, Run> = {};
const dir = (...p: string[]): string => path.join(tmp, ...p);
type Outputs = Record<string, Record<string, number | { file: string }>>;
const result = (name: string): { outputs: Outputs; timings: Record<string, number>; errors?: Record<string, string> } =>
  JSON.parse(readFileSync(dir(name, 'result.json'), 'utf8')) as { outputs: Outputs; timings: Record<string, number> };
const bytes = (name: string, file: string): Buffer => readFileSync(dir(name, file));

/** The graph flattened into a plain file (sources made absolute: it lives in another folder). */
function writeFlat(src: string, to: string): void {
  const g = parseGraph(readFileSync(src, 'utf8'), createRegistry());
  const flat = flattenGraph(g).graph;
  for (const id of flat.nodeIds()) if (flat.getNode(id)!.type === 'image.load') flat.setParam(id, 'source', path.join(GRAPHS, String(flat.effectiveParams(id).source)));
  const doc = graphToDocument(flat);
  expect(doc.components).toBeUndefined();
  writeFileSync(to, serializeGraph(parseGraph(doc, createRegistry())));
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'pixel-loom-components-'));
  writeFlat(NESTED, dir('nested-flat.graph.json'));
  writeFlat(TWICE, dir('twice-flat.graph.json'));
  // batch: a folder with two images for an image.load inside an instance
  mkdirSync(dir('imgs'));
  copyFileSync(path.join(GRAPHS, 'assets', 'camera.png'), dir('imgs', 'a.png'));
  copyFileSync(path.join(GRAPHS, 'assets', 'astronaut.png'), dir('imgs', 'b.png'));
  const e = (a: string, ap: string, b: string, bp: string) => ({ from: { node: a, port: ap }, to: { node: b, port: bp } });
  const loader = {
    format: 'pixel-loom.graph',
    version: 3,
    name: 'load inside',
    components: {
      loader: {
        nodes: [
          { id: 'load', type: 'image.load', params: { source: 'a.png' } },
          { id: 'gray', type: 'image.grayscale' },
          { id: 'out', type: 'graph.output', params: { name: 'image' } },
        ],
        edges: [e('load', 'image', 'gray', 'image'), e('gray', 'image', 'out', 'value')],
      },
    },
    nodes: [{ id: 's1', type: 'component', component: 'loader' }],
    edges: [],
  };
  writeFileSync(dir('imgs', 'loader.graph.json'), JSON.stringify(loader));
  const allow = ['--allow-read', GRAPHS];
  const entries: [string, Promise<Run>][] = [
    ['nested', cli(['run', NESTED, '--out', dir('nested')])],
    ['nestedFlat', cli(['run', dir('nested-flat.graph.json'), '--out', dir('nestedFlat'), ...allow])],
    ['twice', cli(['run', TWICE, '--out', dir('twice')])],
    ['twiceFlat', cli(['run', dir('twice-flat.graph.json'), '--out', dir('twiceFlat'), ...allow])],
    ['promoted', cli(['run', NESTED, '--out', dir('promoted'), '--set', 'r1.sigma=2'])],
    ['byPath', cli(['run', NESTED, '--out', dir('byPath'), '--set', 'r1/soft/blur.sigma=2'])],
    ['pathWins', cli(['run', NESTED, '--out', dir('pathWins'), '--set', 'r1/soft/blur.sigma=2', '--set', 'r1.sigma=0.5'])],
    ['oneInstance', cli(['run', TWICE, '--out', dir('oneInstance'), '--set', 'm5/median.size=3'])],
    ['badPath', cli(['run', NESTED, '--out', dir('x'), '--set', 'r1/soft/blurr.sigma=2'])],
    ['badPromoted', cli(['run', NESTED, '--out', dir('x'), '--set', 'r1.sigmaa=2'])],
    ['outOfRange', cli(['run', NESTED, '--out', dir('x'), '--set', 'r1.sigma=99'])],
    ['list', cli(['nodes', NESTED])],
    ['listJson', cli(['nodes', TWICE, '--json'])],
    ['batchInput', cli(['batch', dir('imgs', 'loader.graph.json'), '--out', dir('batchInput'), '--input', `s1/load=${dir('imgs')}`, '--jobs', '1'])],
    ['batch', cli(['batch', NESTED, '--out', dir('batch'), '--input', `load=${dir('imgs')}`, '--sweep', 'r1.sigma=1,2', '--jobs', '1'])],
  ];
  const settled = await Promise.all(entries.map(([, p]) => p));
  entries.forEach(([k], i) => (runs[k] = settled[i]!));
}, 240_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('pixel-loom run: components', () => {
  it('a v3 file with components gives the same PNGs and numbers as its flattened version', () => {
    for (const k of ['nested', 'nestedFlat', 'twice', 'twiceFlat']) expect(runs[k]!.code, `${k}: ${runs[k]!.stderr}`).toBe(0);
    const n = result('nested');
    const nf = result('nestedFlat');
    expect(Object.keys(n.timings).sort()).toEqual(Object.keys(nf.timings).sort());
    expect(Object.keys(n.timings)).toContain('r1/soft/blur');
    expect(n.outputs.ssim!.ssim).toBe(nf.outputs.ssim!.ssim);
    expect(n.outputs.psnr!.psnr).toBe(nf.outputs.psnr!.psnr);
    expect(n.outputs.ssim!.ssim).toBeGreaterThan(0.5);
    // The save inside r1 writes under <out>/r1/; the flat file has it at the top.
    expect(n.outputs['r1/save']!.image).toMatchObject({ file: 'r1/restored.png' });
    expect(bytes('nested', 'r1/restored.png').equals(bytes('nestedFlat', 'restored.png'))).toBe(true);
    expect(bytes('nested', 'ssim.map.png').equals(bytes('nestedFlat', 'ssim.map.png'))).toBe(true);
    const t = result('twice');
    const tf = result('twiceFlat');
    expect(t.outputs['m3/psnr']!.psnr).toBe(tf.outputs['m3/psnr']!.psnr);
    expect(t.outputs['m5/psnr']!.psnr).toBe(tf.outputs['m5/psnr']!.psnr);
    // 3×3 and 5×5 medians give different scores: the promoted size reaches each instance.
    expect(t.outputs['m3/psnr']!.psnr).not.toBe(t.outputs['m5/psnr']!.psnr);
  });

  it('--set s1.sigma (promoted) and --set s1/…/blur.sigma (that path) set the same inner param; the path wins over the promoted value', () => {
    for (const k of ['promoted', 'byPath', 'pathWins']) expect(runs[k]!.code, runs[k]!.stderr).toBe(0);
    const a = bytes('promoted', 'r1/restored.png');
    expect(a.equals(bytes('byPath', 'r1/restored.png'))).toBe(true);
    expect(a.equals(bytes('pathWins', 'r1/restored.png'))).toBe(true);
    expect(a.equals(bytes('nested', 'r1/restored.png'))).toBe(false);
    // one instance only: m5 with size 3 scores as m3
    const o = result('oneInstance');
    expect(o.outputs['m5/psnr']!.psnr).toBe(result('twice').outputs['m3/psnr']!.psnr);
    expect(o.outputs['m3/psnr']!.psnr).toBe(result('twice').outputs['m3/psnr']!.psnr);
  });

  it('bad targets exit 2 with one line naming the path, the param or the bound', () => {
    expect(runs.badPath!.code).toBe(2);
    expect(runs.badPath!.stderr.trim()).toMatch(/^pixel-loom: --set r1\/soft\/blurr\.sigma=2: no node "r1\/soft\/blurr" in the graph \(nodes: load, noise, r1, ssim, psnr, r1\/soft\/blur, r1\/sharp, r1\/save\)$/);
    expect(runs.badPromoted!.code).toBe(2);
    expect(runs.badPromoted!.stderr).toContain('--set r1.sigmaa=2: node "r1" (component) has no param sigmaa (component instance, promoted params: sigma, amount)');
    expect(runs.outOfRange!.code).toBe(2);
    expect(runs.outOfRange!.stderr).toContain('--set r1.sigma=99: node "r1" param sigma: 99 is above the maximum 50');
  });
});

describe('pixel-loom nodes <graph>: components', () => {
  it('lists each component with its ports, promoted params and instances', () => {
    expect(runs.list!.code, runs.list!.stderr).toBe(0);
    expect(runs.list!.stdout).toBe(
      [
        'soften                 "Soften" (image:image) → (image:image)',
        '    sigma: float [0 … 50] = 1  (blur.sigma)',
        '    instances: r1/soft',
        'restore                "Restore" (image:image) → (image:image)',
        '    sigma: float [0 … 50] = 1  (soft.sigma)',
        '    amount: float [0 … 20] = 0.6  (sharp.amount)',
        '    instances: r1',
        '',
      ].join('\n'),
    );
    const json = JSON.parse(runs.listJson!.stdout) as { id: string; inputs: Record<string, unknown>; outputs: Record<string, { type: string }>; instances: string[]; params: { name: string }[] }[];
    expect(json.map((c) => c.id)).toEqual(['denoiseScore']);
    expect(Object.keys(json[0]!.inputs)).toEqual(['noisy', 'clean']);
    expect(json[0]!.outputs).toEqual({ image: { type: 'image' }, psnr: { type: 'number' } });
    expect(json[0]!.instances).toEqual(['m3', 'm5']);
    expect(json[0]!.params.map((p) => p.name)).toEqual(['size']);
  });
});

describe('pixel-loom batch: components', () => {
  it('sweeps a promoted param and feeds an image.load inside an instance; each job writes under <job>/<instance>/', () => {
    expect(runs.batch!.code, runs.batch!.stderr).toBe(0);
    const csv = readFileSync(dir('batch', 'results.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('job,input.load,r1.sigma,ssim.ssim,psnr.psnr,ms,error');
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(['a__r1.sigma=1', 'a__r1.sigma=2', 'b__r1.sigma=1', 'b__r1.sigma=2']);
    const r = bytes('batch', 'a__r1.sigma=2/r1/restored.png');
    expect(runs.batchInput!.code, runs.batchInput!.stderr).toBe(0);
    const rows = readFileSync(dir('batchInput', 'results.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('job,input.s1/load,ms,error');
    expect(rows.slice(1).map((l) => l.split(',')[0])).toEqual(['a', 'b']);
    // --input s1/load=dir: each job's image, through the instance, written under <job>/s1/
    expect(bytes('batchInput', 'a/s1/gray.image.png').equals(bytes('batchInput', 'b/s1/gray.image.png'))).toBe(false);
    expect(r.equals(bytes('batch', 'a__r1.sigma=1/r1/restored.png'))).toBe(false);
  });
});
