/**
 * Planning a batch (DESIGN.md §6b): the input items (files of each `--input`, paired by name
 * without extension), the values of each `--sweep`, and the jobs — every item × every
 * combination of swept values — with their ids. Pure apart from listing folders.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { glob } from 'tinyglobby';
import type { Graph } from '../../engine/graph';
import { checkParam } from '../../engine/params';
import type { ParamSpec } from '../../engine/types';
import { UsageError, type InputOption, type SweepOption } from '../args';
import { paramSpecOf, parseSetValue } from '../execute';

/** Image files an `--input` folder contributes (what image.load decodes). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp'];

/** Most jobs one batch may plan (a typo in a sweep should not plan a billion). */
export const MAX_JOBS = 1_000_000;

export interface SweepPlan {
  /** `node.param`, the column and job id part. */
  readonly key: string;
  readonly node: string;
  readonly param: string;
  readonly values: readonly unknown[];
}

export interface InputItem {
  /** The file name without extension, shared by the paired files. */
  readonly name: string;
  /** image.load node → absolute file path. */
  readonly files: Readonly<Record<string, string>>;
}

export interface JobSpec {
  readonly id: string;
  readonly item: InputItem;
  /** `node.param` → value, in sweep order. */
  readonly sweep: readonly (readonly [string, unknown])[];
}

function decimals(text: string): number {
  const m = /^-?\d*(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(text.trim());
  if (!m) return 0;
  return Math.max(0, (m[1]?.length ?? 0) - Number(m[2] ?? 0));
}

/** `start:stop:step` (stop included; values rounded to the step's decimals) or `v1,v2,…`. */
export function sweepValues(sweep: SweepOption, spec: ParamSpec): unknown[] {
  const where = `--sweep ${sweep.raw}`;
  const parts = sweep.spec.split(':');
  let values: unknown[];
  if (parts.length === 3) {
    const [a, b, c] = parts.map((p) => Number(p.trim())) as [number, number, number];
    if (![a, b, c].every(Number.isFinite)) throw new UsageError(`${where}: start:stop:step must be three numbers`);
    if (!(c > 0)) throw new UsageError(`${where}: the step must be above 0`);
    if (b < a) throw new UsageError(`${where}: stop ${b} is below start ${a}`);
    const d = decimals(parts[2]!);
    const n = Math.floor((b - a) / c + 1e-9) + 1;
    if (n > MAX_JOBS) throw new UsageError(`${where}: ${n} values; at most ${MAX_JOBS}`);
    values = [];
    for (let i = 0; i < n; i++) values.push(Number((a + i * c).toFixed(d)));
  } else if (parts.length === 1) {
    values = sweep.spec.split(',').map((t) => parseSetValue(spec, t.trim()));
    if (values.some((v) => v === '')) throw new UsageError(`${where}: an empty value in the list`);
  } else {
    throw new UsageError(`${where}: expected v1,v2,… or start:stop:step`);
  }
  for (const v of values) {
    const reason = checkParam(spec, v);
    if (reason) throw new UsageError(`${where}: node "${sweep.node}" param ${sweep.param}: ${reason}`);
  }
  if (new Set(values.map((v) => JSON.stringify(v))).size !== values.length) throw new UsageError(`${where}: a value is listed twice`);
  return values;
}

/** Checks each sweep against the graph and computes its values. */
export function planSweeps(graph: Graph, sweeps: readonly SweepOption[]): SweepPlan[] {
  const seen = new Set<string>();
  return sweeps.map((s) => {
    const where = `--sweep ${s.raw}`;
    const spec = paramSpecOf(graph, s.node, s.param, where);
    const key = `${s.node}.${s.param}`;
    if (seen.has(key)) throw new UsageError(`${where}: ${key} is swept twice`);
    seen.add(key);
    return { key, node: s.node, param: s.param, values: sweepValues(s, spec) };
  });
}

function stem(file: string): string {
  const base = path.basename(file);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** The image files one `--input` names (a folder: its images, not recursive; else a glob), sorted. */
async function filesOf(input: InputOption, cwd: string): Promise<string[]> {
  const abs = path.resolve(cwd, input.pattern);
  let isDir = false;
  try {
    isDir = (await stat(abs)).isDirectory();
  } catch {
    isDir = false;
  }
  const found = isDir
    ? await glob('*', { cwd: abs, absolute: true, onlyFiles: true, dot: false })
    : await glob(input.pattern, { cwd, absolute: true, onlyFiles: true, dot: false });
  const images = found.filter((f) => IMAGE_EXTENSIONS.includes(path.extname(f).toLowerCase()));
  if (images.length === 0) {
    throw new UsageError(`--input ${input.raw}: ${isDir ? `no images (${IMAGE_EXTENSIONS.join(', ')}) in the folder ${input.pattern}` : `no image matches ${input.pattern}`}`);
  }
  return images.map((f) => path.normalize(f)).sort();
}

/**
 * Resolves the inputs: each names an image.load node of the graph and a folder or glob.
 * With several inputs, files are paired by name without extension; the unpaired ones are
 * returned to be listed. Without inputs there is one item, named after the graph file.
 */
export async function resolveInputs(graph: Graph, inputs: readonly InputOption[], cwd: string, graphName: string): Promise<{ items: InputItem[]; unpaired: string[] }> {
  if (inputs.length === 0) return { items: [{ name: graphName, files: {} }], unpaired: [] };
  const byNode: { node: string; files: Map<string, string> }[] = [];
  for (const input of inputs) {
    const where = `--input ${input.raw}`;
    const node = graph.getNode(input.node);
    if (!node) throw new UsageError(`${where}: no node "${input.node}" in the graph (nodes: ${graph.nodeIds().join(', ')})`);
    if (node.type !== 'image.load') throw new UsageError(`${where}: node "${input.node}" is a ${node.type}, not an image.load`);
    if (byNode.some((b) => b.node === input.node)) throw new UsageError(`${where}: node "${input.node}" has two --input`);
    const files = new Map<string, string>();
    for (const f of await filesOf(input, cwd)) {
      const name = stem(f);
      const prev = files.get(name);
      if (prev) throw new UsageError(`${where}: two images named "${name}" (${path.basename(prev)}, ${path.basename(f)}); names without extension must differ`);
      files.set(name, f);
    }
    byNode.push({ node: input.node, files });
  }
  const names = [...byNode[0]!.files.keys()].filter((n) => byNode.every((b) => b.files.has(n))).sort();
  const paired = new Set(names);
  const unpaired: string[] = [];
  for (const b of byNode) for (const [n, f] of b.files) if (!paired.has(n)) unpaired.push(`${f} (input "${b.node}": no file named "${n}" in every other input)`);
  if (names.length === 0) throw new UsageError(`--input: no file name is in every input (${inputs.map((i) => i.raw).join(', ')}); paired inputs need files with the same name without extension`);
  const items = names.map((name) => ({ name, files: Object.fromEntries(byNode.map((b) => [b.node, b.files.get(name)!])) }));
  return { items, unpaired };
}

/** A value as written in a job id and results.csv. */
export function valueText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A job id that is a safe folder name: characters files cannot hold become `_`. */
function safeId(s: string): string {
  const t = s.replace(/[/\\:*?"<>|\u0000-\u001f\u007f]/g, '_');
  return t.startsWith('.') ? `_${t.slice(1)}` : t;
}

/** Every item × every combination of swept values; id = item name + `__node.param=value` per sweep. */
export function planJobs(items: readonly InputItem[], sweeps: readonly SweepPlan[]): JobSpec[] {
  let combos: (readonly [string, unknown])[][] = [[]];
  for (const s of sweeps) {
    const next: (readonly [string, unknown])[][] = [];
    for (const c of combos) for (const v of s.values) next.push([...c, [s.key, v] as const]);
    combos = next;
    if (combos.length * items.length > MAX_JOBS) throw new UsageError(`the sweeps plan more than ${MAX_JOBS} jobs`);
  }
  const jobs: JobSpec[] = [];
  for (const item of items) {
    for (const c of combos) jobs.push({ id: safeId(item.name + c.map(([k, v]) => `__${k}=${valueText(v)}`).join('')), item, sweep: c });
  }
  const ids = new Set<string>();
  for (const j of jobs) {
    if (ids.has(j.id)) throw new UsageError(`two jobs would have the id ${j.id} (values that differ only in characters a folder name cannot hold)`);
    ids.add(j.id);
  }
  return jobs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
