/**
 * Evaluating a parsed graph into an output folder, as `pixel-loom run` does and as every job
 * of `pixel-loom batch` does: --set overrides, the read-rule check of every source, the
 * evaluation of every sink, `result.json` and the images.
 */
import { access, constants, mkdir, open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { UpstreamFailure, type Engine, type EngineEvent, type EvaluationResult } from '../engine/evaluate';
import { fingerprintOf, type Fingerprints } from '../engine/fingerprint';
import { GraphError } from '../engine/errors';
import { parseGraph } from '../engine/format';
import { COMPONENT_TYPE } from '../engine/components';
import { flatOrigin, flattenGraph } from '../engine/flatten';
import type { Graph } from '../engine/graph';
import type { NodeRegistry } from '../engine/registry';
import { checkParam } from '../engine/params';
import type { ParamSpec, Value } from '../engine/types';
import { encodePngParts } from '../nodes/lib/codec';
import { zlibDeflate } from './zlib';
import { hostValues } from '../nodes/lib/hostData';
import { saveFileName } from '../nodes/imageSave';
import { UsageError, type SetOption } from './args';
import { ReadRefused, type NodeHost } from './host';
import { encodeNpy } from './npy';
import { oneLine } from './text';

export { oneLine };

function errCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

/**
 * The graph file `file` (as given on the command line) read, parsed, validated, with the
 * --set overrides applied and its output files planned (two sinks writing one file are
 * refused). Every problem is a UsageError naming the file.
 */
export async function loadGraphFile(file: string, sets: readonly SetOption[], registry: NodeRegistry): Promise<{ graph: Graph; outer: Graph; text: string; graphPath: string }> {
  const graphPath = path.resolve(file);
  let text: string;
  try {
    text = await readFile(graphPath, 'utf8');
  } catch (e) {
    const code = errCode(e);
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new UsageError(`cannot read graph file ${file}: ${why}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file} is not valid JSON: ${oneLine((e as Error).message)}`);
  }
  let graph: Graph;
  try {
    graph = parseGraph(doc, registry);
  } catch (e) {
    if (e instanceof GraphError) throw new UsageError(`${file}: ${oneLine(e.message)}`);
    throw e;
  }
  const flat = applySets(graph, sets);
  planFiles(flat, flat.sinks());
  return { graph: flat, outer: graph, text, graphPath };
}

/** Creates the output folder `out` (as given) when missing and checks it is writable; returns its absolute path. */
export async function prepareOutDir(out: string): Promise<string> {
  const outDir = path.resolve(out);
  try {
    await mkdir(outDir, { recursive: true });
    await access(outDir, constants.W_OK);
  } catch (e) {
    const code = errCode(e);
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way' : oneLine((e as Error).message);
    throw new UsageError(`cannot write to output folder ${out}: ${why}`);
  }
  return outDir;
}

/** A number for result.json: non-finite values as the strings "Infinity", "-Infinity", "NaN". */
export function jsonNumber(x: number): number | string {
  return Number.isFinite(x) ? x : String(x);
}

/** Parses a --set value for a param: JSON when it parses (text params keep the raw text). */
export function parseSetValue(spec: ParamSpec | undefined, text: string): unknown {
  let parsed: unknown;
  let isJson = true;
  try {
    parsed = JSON.parse(text);
  } catch {
    isJson = false;
  }
  if (spec && (spec.kind === 'string' || spec.kind === 'enum')) return isJson && typeof parsed === 'string' ? parsed : text;
  return isJson ? parsed : text;
}

/**
 * Where a --set / --sweep / --input target lives: a node of the graph itself (an instance's
 * promoted params too: `s1.sigma`), or, for a path such as `s1/blur`, a node inside an
 * instance (that instance only) — looked up in the flattened graph.
 */
function targetGraph(graph: Graph, node: string): Graph {
  if (graph.getNode(node) || !node.includes('/')) return graph;
  return flattenGraph(graph).graph;
}

/** The nodes to suggest in a "no node" message: the graph's, and the paths inside its instances. */
function nodeList(graph: Graph): string {
  const flat = flattenGraph(graph);
  const ids = [...graph.nodeIds(), ...flat.graph.nodeIds().filter((id) => !graph.getNode(id))];
  return ids.join(', ');
}

/**
 * The schema of param `param` of node `node` (a --set or --sweep target; a path names a
 * node inside an instance); throws UsageError starting with `where` when there is no such
 * node or param.
 */
export function paramSpecOf(graph: Graph, node: string, param: string, where: string): ParamSpec {
  const g = targetGraph(graph, node);
  const n = g.getNode(node);
  if (!n) throw new UsageError(`${where}: no node "${node}" in the graph (nodes: ${nodeList(graph)})`);
  const def = g.definitionOf(node);
  if (!def) throw new UsageError(`${where}: node "${node}" has the unknown type ${n.type}`);
  const specs = def.params as Record<string, ParamSpec>;
  if (!Object.prototype.hasOwnProperty.call(specs, param)) {
    const what = def.type === COMPONENT_TYPE ? `component instance, promoted params` : 'params';
    throw new UsageError(`${where}: node "${node}" (${def.type}) has no param ${param} (${what}: ${Object.keys(specs).join(', ') || 'none'})`);
  }
  return specs[param]!;
}

/** A param value to set on a node of the graph or, by path, inside an instance. */
export interface Override {
  readonly node: string;
  readonly param: string;
  readonly value: unknown;
  /** The option it came from, for messages (`--set s1/blur.sigma=3`). */
  readonly where: string;
}

/** The overrides of --set options (values parsed for their params' kinds). */
export function setOverrides(graph: Graph, sets: readonly SetOption[]): Override[] {
  return sets.map((s) => {
    const where = `--set ${s.raw}`;
    return { node: s.node, param: s.param, value: parseSetValue(paramSpecOf(graph, s.node, s.param, where), s.value), where };
  });
}

/**
 * Applies overrides and returns the graph to evaluate: those on the graph's own nodes are
 * set first (an instance's promoted params), then instances are expanded (flatten.ts) and
 * those naming paths inside them are set on the expanded nodes. Throws UsageError naming
 * the node, the param and the bound.
 */
export function applyOverrides(graph: Graph, overrides: readonly Override[]): Graph {
  const set = (g: Graph, o: Override): void => {
    const spec = paramSpecOf(g, o.node, o.param, o.where);
    const reason = checkParam(spec, o.value);
    if (reason) throw new UsageError(`${o.where}: node "${o.node}" param ${o.param}: ${reason}`);
    try {
      g.setParam(o.node, o.param, o.value);
    } catch (e) {
      throw new UsageError(`${o.where}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const inner = overrides.filter((o) => !graph.getNode(o.node) && o.node.includes('/'));
  for (const o of overrides) if (!inner.includes(o)) set(graph, o);
  let flat: Graph;
  try {
    flat = flattenGraph(graph).graph;
  } catch (e) {
    if (e instanceof GraphError) throw new UsageError(`components: ${oneLine(e.message)}`);
    throw e;
  }
  for (const o of inner) set(flat, o);
  return flat;
}

/** Applies --set overrides; returns the graph to evaluate (instances expanded, see applyOverrides). */
export function applySets(graph: Graph, sets: readonly SetOption[]): Graph {
  return applyOverrides(graph, setOverrides(graph, sets));
}

/** A file-name-safe version of a node id or port name. */
function safePart(s: string): string {
  const t = s.replace(/[^A-Za-z0-9._-]/g, '_').replace(/\.{2,}/g, '_');
  return t.startsWith('.') ? `_${t.slice(1)}` : t;
}

export interface PlannedFile {
  readonly node: string;
  readonly port: string;
  readonly file: string;
  readonly kind: 'png' | 'npy';
}

/** Which files the sinks will write; refuses two sinks writing the same file. */
export function planFiles(graph: Graph, sinks: readonly string[]): PlannedFile[] {
  const planned: PlannedFile[] = [];
  const owner = new Map<string, string>();
  const add = (p: PlannedFile): void => {
    const prev = owner.get(p.file.toLowerCase());
    if (prev !== undefined) {
      throw new UsageError(`two outputs would write ${p.file}: node "${prev}" and node "${p.node}" (give the image.save nodes different names)`);
    }
    owner.set(p.file.toLowerCase(), p.node);
    planned.push(p);
  };
  const flat = flatOrigin(graph);
  for (const id of sinks) {
    const node = graph.getNode(id)!;
    const def = graph.definitionOf(id);
    if (!def) continue;
    // A node inside instance s1 (path s1/blur) writes under <out>/s1/.
    const slash = id.lastIndexOf('/');
    const inInstance = slash > 0 && flat?.isInstance(id.slice(0, slash)) === true;
    const dir = inInstance ? `${id.slice(0, slash).split('/').map(safePart).join('/')}/` : '';
    const base = inInstance ? id.slice(slash + 1) : id;
    if (node.type === 'image.save') {
      const name = String(graph.effectiveParams(id).name);
      add({ node: id, port: 'image', file: dir + saveFileName(name), kind: 'png' });
      continue;
    }
    for (const [port, spec] of Object.entries(def.outputs)) {
      if (spec.type === 'image' || spec.type === 'mask') add({ node: id, port, file: `${dir}${safePart(base)}.${safePart(port)}.png`, kind: 'png' });
      else if (spec.type === 'latent') add({ node: id, port, file: `${dir}${safePart(base)}.${safePart(port)}.npy`, kind: 'npy' });
    }
  }
  return planned;
}

export type OutputEntry = number | string | { file: string; shape: number[] };

async function writeImage(outDir: string, file: string, t: tf.Tensor, npy: boolean, bitDepth: 8 | 16 = 8): Promise<{ file: string; shape: number[] }> {
  const shape = [...t.shape];
  if (shape.length !== 3 || ![1, 3, 4].includes(shape[2]!)) {
    throw new Error(`output has shape [${shape.join(', ')}], not an image [height, width, 1|3|4]`);
  }
  const [h, w, c] = shape as [number, number, number];
  // A view of the tensor's memory on wasm (no 4-byte-per-sample copy); encodePng reads it
  // before anything else can allocate a tensor.
  const parts = encodePngParts(hostValues(t), w, h, c, { bitDepth, deflate: zlibDeflate });
  if (file.includes('/')) await mkdir(path.dirname(path.join(outDir, file)), { recursive: true });
  const fh = await open(path.join(outDir, file), 'w');
  try {
    await fh.writev(parts);
  } finally {
    await fh.close();
  }
  if (npy) await writeFile(path.join(outDir, file.replace(/\.png$/i, '.npy')), encodeNpy(Float32Array.from(hostValues(t)), shape));
  return { file, shape };
}

async function readNumber(v: Value): Promise<number> {
  if (typeof v === 'number') return v;
  const d = await v.data();
  if (d.length !== 1) throw new Error(`number output is a tensor of shape [${v.shape.join(', ')}]`);
  return Number(d[0]);
}

/** The ReadRefused behind an error, following `cause`. */
export function readRefusal(e: unknown): ReadRefused | null {
  for (let x: unknown = e, depth = 0; x instanceof Error && depth < 8; x = (x as { cause?: unknown }).cause, depth++) {
    if (x instanceof ReadRefused) return x;
  }
  return null;
}

/**
 * Refuses, before anything runs, a graph that names a file the CLI must not read: every
 * image.load source and every custom model URL. Exit 2 with one line naming the node, the
 * source and the rule.
 */
export async function checkSources(graph: Graph, host: NodeHost): Promise<void> {
  for (const id of graph.nodeIds()) {
    const node = graph.getNode(id)!;
    if (!graph.definitionOf(id)) continue;
    const p = graph.effectiveParams(id);
    const sources: string[] = [];
    if (node.type === 'image.load' && typeof p.source === 'string') sources.push(p.source);
    if (p.model === 'custom' && typeof p.modelUrl === 'string') sources.push(p.modelUrl);
    for (const source of sources) {
      try {
        await host.checkSource(source);
      } catch (e) {
        if (e instanceof ReadRefused) throw new UsageError(`node "${id}" (${node.type}): ${e.message}`);
        throw new UsageError(`node "${id}" (${node.type}): cannot check source ${JSON.stringify(source)}: ${oneLine((e as Error).message)}`);
      }
    }
  }
}


export interface WriteResult {
  /** What was written to result.json. */
  readonly json: Record<string, unknown>;
  /** node → message, every node that failed (also those that failed because an input did). */
  readonly errors: ReadonlyMap<string, string>;
  /** The nodes that failed by themselves (not only because of an input). */
  readonly rootErrors: readonly string[];
  /** Number outputs of the sinks as `node.port` → value ("Infinity" etc. as strings). */
  readonly numbers: Readonly<Record<string, number | string>>;
}

/**
 * Evaluates every sink of `graph` with `engine` and writes result.json and the images into
 * `outDir` (which exists). A source refused by the read rules while running (e.g. a custom
 * model's weights) throws UsageError, like one refused before.
 */
/** Every evaluated node's outputs as fingerprints (engine/fingerprint.ts), in evaluation order. */
async function fingerprintsOf(graph: Graph, result: EvaluationResult): Promise<Fingerprints> {
  const out: Fingerprints = {};
  for (const [id, st] of result.status) {
    if ((st !== 'ok' && st !== 'cached') || !graph.getNode(id)) continue;
    const outs = result.outputs(id);
    if (!outs) continue;
    for (const [port, v] of Object.entries(outs)) {
      if (typeof v !== 'number' && !(v instanceof tf.Tensor)) continue;
      (out[id] ??= {})[port] = await fingerprintOf(v);
    }
  }
  return out;
}

export async function evaluateAndWrite(
  graph: Graph,
  engine: Engine,
  outDir: string,
  opts: { npy: boolean; backendName: string; threads?: number; onEvent?: (e: EngineEvent) => void; signal?: AbortSignal; fingerprints?: boolean },
): Promise<WriteResult> {
  const sinks = graph.sinks();
  const planned = planFiles(graph, sinks);
  const result = await engine.evaluate(graph, sinks, { ...(opts.onEvent ? { onEvent: opts.onEvent } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
  try {
    const outputs: Record<string, Record<string, OutputEntry>> = {};
    const numbers: Record<string, number | string> = {};
    const errors = new Map<string, string>();
    for (const [id, err] of result.errors) errors.set(id, oneLine(err.message));
    const setOut = (node: string, port: string, v: OutputEntry): void => {
      (outputs[node] ??= {})[port] = v;
    };
    // Muted sinks (and those fed by a muted node) and bypassed image.save nodes write nothing.
    const skipped: Record<string, string> = {};
    for (const id of sinks) {
      if (errors.has(id)) continue;
      const node = graph.getNode(id)!;
      const def = graph.definitionOf(id);
      if (!def) continue;
      const root = result.muted.get(id);
      if (root !== undefined) {
        skipped[id] = root === id ? 'muted' : `muted: an input comes from muted node "${root}"`;
        continue;
      }
      if (node.type === 'image.save' && result.status.get(id) === 'bypassed') {
        skipped[id] = 'bypassed';
        continue;
      }
      try {
        if (node.type === 'image.save') {
          const edge = graph.edgeInto(id, 'image');
          const v = edge ? result.value(edge.from.node, edge.from.port) : undefined;
          if (v === undefined || typeof v === 'number') throw new Error('input "image" has no image to save');
          const plan = planned.find((p) => p.node === id)!;
          const depth = graph.effectiveParams(id).bitDepth === 16 ? 16 : 8;
          setOut(id, 'image', await writeImage(outDir, plan.file, v, opts.npy, depth));
          continue;
        }
        for (const [port, spec] of Object.entries(def.outputs)) {
          const v = result.value(id, port);
          if (v === undefined) continue;
          if (spec.type === 'number') {
            const n = jsonNumber(await readNumber(v));
            setOut(id, port, n);
            numbers[`${id}.${port}`] = n;
          } else if (typeof v !== 'number') {
            const plan = planned.find((p) => p.node === id && p.port === port)!;
            if (plan.kind === 'png') setOut(id, port, await writeImage(outDir, plan.file, v, opts.npy));
            else {
              const data = Float32Array.from((await v.data()) as Float32Array);
              if (plan.file.includes('/')) await mkdir(path.dirname(path.join(outDir, plan.file)), { recursive: true });
              await writeFile(path.join(outDir, plan.file), encodeNpy(data, v.shape));
              setOut(id, port, { file: plan.file, shape: [...v.shape] });
            }
          }
        }
      } catch (e) {
        errors.set(id, `node "${id}" (${node.type}): ${oneLine(e instanceof Error ? e.message : String(e))}`);
      }
    }

    const timings: Record<string, number> = {};
    for (const [id, ms] of result.timings) timings[id] = Math.round(ms * 1000) / 1000;
    // the nodes that computed in this run; the rest came from a cache (--cache keeps them between runs)
    const executed = [...result.status].filter(([, st]) => st === 'ok').map(([id]) => id);
    const json: Record<string, unknown> = { backend: result.backend || opts.backendName, outputs, timings, executed };
    // threads the WebAssembly kernels split large images over (run --threads)
    if (opts.threads !== undefined) json.threads = opts.threads;
    if (Object.keys(skipped).length > 0) json.skipped = skipped;
    if (opts.fingerprints) json.fingerprints = await fingerprintsOf(graph, result);
    if (errors.size > 0) json.errors = Object.fromEntries(errors);
    try {
      await writeFile(path.join(outDir, 'result.json'), `${JSON.stringify(json, null, 2)}\n`);
    } catch (e) {
      throw new UsageError(`cannot write ${path.join(outDir, 'result.json')}: ${oneLine((e as Error).message)}`);
    }
    for (const [id, err] of result.errors) {
      const refused = readRefusal(err);
      if (refused) throw new UsageError(`node "${id}" (${graph.getNode(id)?.type ?? '?'}): ${refused.message}`);
    }
    const rootErrors = [...errors.keys()].filter((id) => !(result.errors.get(id)?.cause instanceof UpstreamFailure));
    return { json, errors, rootErrors, numbers };
  } finally {
    result.release();
  }
}

/** The `node.port` names of the number outputs of the graph's sinks (result.json's numbers), in graph order. */
export function numberOutputs(graph: Graph): string[] {
  const out: string[] = [];
  for (const id of graph.sinks()) {
    const def = graph.definitionOf(id);
    if (!def || graph.getNode(id)?.type === 'image.save') continue;
    for (const [port, spec] of Object.entries(def.outputs)) if (spec.type === 'number') out.push(`${id}.${port}`);
  }
  return out;
}
