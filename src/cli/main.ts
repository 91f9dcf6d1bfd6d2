/**
 * The Node entry: `pixel-loom run <graph.json> --out <dir> …` (DESIGN.md §6).
 *
 * Exit codes: 0 everything ran; 1 a node failed (what succeeded is still written);
 * 2 bad input (arguments, graph file, --set, backend, output folder). Messages are one line;
 * stack traces only with --debug.
 */
import { access, constants, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { Engine, UpstreamFailure, type EngineEvent, type EvaluationResult } from '../engine/evaluate';
import { parseGraph } from '../engine/format';
import type { Graph } from '../engine/graph';
import { GraphError } from '../engine/errors';
import { checkParam } from '../engine/params';
import type { ParamSpec, Value } from '../engine/types';
import { createRegistry } from '../nodes';
import { encodePng } from '../nodes/lib/codec';
import { saveFileName } from '../nodes/imageSave';
import { parseArgs, UsageError, USAGE, type Command, type SetOption } from './args';
import { createNodeHost, ReadRefused, type NodeHost } from './host';
import { encodeNpy } from './npy';
import { initNodeBackend } from './tfNode';

type RunCommand = Extract<Command, { kind: 'run' }>;

export interface CliIO {
  stdout(line: string): void;
  stderr(line: string): void;
  /** Whether stderr is a terminal (progress lines are printed only then). */
  readonly tty: boolean;
}

const defaultIO: CliIO = {
  stdout: (l) => process.stdout.write(`${l}\n`),
  stderr: (l) => process.stderr.write(`${l}\n`),
  tty: Boolean(process.stderr.isTTY),
};

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

function errCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
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

/** Applies --set overrides; throws UsageError naming the node, the param and the bound. */
export function applySets(graph: Graph, sets: readonly SetOption[]): void {
  for (const s of sets) {
    const where = `--set ${s.raw}`;
    const node = graph.getNode(s.node);
    if (!node) throw new UsageError(`${where}: no node "${s.node}" in the graph (nodes: ${graph.nodeIds().join(', ')})`);
    const def = graph.definitionOf(s.node);
    if (!def) throw new UsageError(`${where}: node "${s.node}" has the unknown type ${node.type}`);
    const specs = def.params as Record<string, ParamSpec>;
    const spec = Object.prototype.hasOwnProperty.call(specs, s.param) ? specs[s.param] : undefined;
    if (!spec) {
      const known = Object.keys(specs);
      throw new UsageError(`${where}: node "${s.node}" (${def.type}) has no param ${s.param} (params: ${known.join(', ') || 'none'})`);
    }
    const value = parseSetValue(spec, s.value);
    const reason = checkParam(spec, value);
    if (reason) throw new UsageError(`${where}: node "${s.node}" param ${s.param}: ${reason}`);
    try {
      graph.setParam(s.node, s.param, value);
    } catch (e) {
      throw new UsageError(`${where}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/** A file-name-safe version of a node id or port name. */
function safePart(s: string): string {
  const t = s.replace(/[^A-Za-z0-9._-]/g, '_').replace(/\.{2,}/g, '_');
  return t.startsWith('.') ? `_${t.slice(1)}` : t;
}

interface PlannedFile {
  readonly node: string;
  readonly port: string;
  readonly file: string;
  readonly kind: 'png' | 'npy';
}

/** Which files the sinks will write; refuses two sinks writing the same file. */
function planFiles(graph: Graph, sinks: readonly string[]): PlannedFile[] {
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
  for (const id of sinks) {
    const node = graph.getNode(id)!;
    const def = graph.definitionOf(id);
    if (!def) continue;
    if (node.type === 'image.save') {
      const name = String(graph.effectiveParams(id).name);
      add({ node: id, port: 'image', file: saveFileName(name), kind: 'png' });
      continue;
    }
    for (const [port, spec] of Object.entries(def.outputs)) {
      if (spec.type === 'image' || spec.type === 'mask') add({ node: id, port, file: `${safePart(id)}.${safePart(port)}.png`, kind: 'png' });
      else if (spec.type === 'latent') add({ node: id, port, file: `${safePart(id)}.${safePart(port)}.npy`, kind: 'npy' });
    }
  }
  return planned;
}

type OutputEntry = number | string | { file: string; shape: number[] };

async function writeImage(outDir: string, file: string, t: tf.Tensor, npy: boolean): Promise<{ file: string; shape: number[] }> {
  const shape = [...t.shape];
  if (shape.length !== 3 || ![1, 3, 4].includes(shape[2]!)) {
    throw new Error(`output has shape [${shape.join(', ')}], not an image [height, width, 1|3|4]`);
  }
  const data = (await t.data()) as Float32Array;
  const [h, w, c] = shape as [number, number, number];
  await writeFile(path.join(outDir, file), encodePng(data, w, h, c));
  if (npy) await writeFile(path.join(outDir, file.replace(/\.png$/i, '.npy')), encodeNpy(Float32Array.from(data), shape));
  return { file, shape };
}

async function readNumber(v: Value): Promise<number> {
  if (typeof v === 'number') return v;
  const d = await v.data();
  if (d.length !== 1) throw new Error(`number output is a tensor of shape [${v.shape.join(', ')}]`);
  return Number(d[0]);
}

function progressLine(e: EngineEvent, graph: Graph, state: { done: number; total: number }): string | null {
  if (e.type === 'progress') {
    state.total = Math.max(state.total, e.total);
    return null;
  }
  if (e.status !== 'ok' && e.status !== 'cached' && e.status !== 'error') return null;
  state.done++;
  const type = graph.getNode(e.node)?.type ?? '?';
  const ms = e.ms !== undefined ? ` ${e.ms.toFixed(1)} ms` : '';
  const count = state.total > 0 ? `[${state.done}/${Math.max(state.done, state.total)}] ` : '';
  const tail = e.status === 'error' && e.error ? `: ${oneLine(e.error.message)}` : '';
  return `${count}${e.node} (${type}) ${e.status}${ms}${tail}`;
}

/** A private XDG_RUNTIME_DIR made for the WebGPU probe, removed when the run ends. */
let runtimeDir: string | undefined;

async function runCommand(cmd: RunCommand, io: CliIO): Promise<number> {
  try {
    return await runGraph(cmd, io);
  } finally {
    if (runtimeDir) await rm(runtimeDir, { recursive: true, force: true });
  }
}

async function runGraph(cmd: RunCommand, io: CliIO): Promise<number> {
  const registry = createRegistry();
  const graphPath = path.resolve(cmd.graph);

  // 1. The graph file.
  let text: string;
  try {
    text = await readFile(graphPath, 'utf8');
  } catch (e) {
    const code = errCode(e);
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new UsageError(`cannot read graph file ${cmd.graph}: ${why}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${cmd.graph} is not valid JSON: ${oneLine((e as Error).message)}`);
  }
  let graph: Graph;
  try {
    graph = parseGraph(doc, registry);
  } catch (e) {
    if (e instanceof GraphError) throw new UsageError(`${cmd.graph}: ${oneLine(e.message)}`);
    throw e;
  }
  applySets(graph, cmd.sets);
  const sinks = graph.sinks();
  const planned = planFiles(graph, sinks);

  // 2. The output folder.
  const outDir = path.resolve(cmd.out);
  try {
    await mkdir(outDir, { recursive: true });
    await access(outDir, constants.W_OK);
  } catch (e) {
    const code = errCode(e);
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way' : oneLine((e as Error).message);
    throw new UsageError(`cannot write to output folder ${cmd.out}: ${why}`);
  }

  // 3. The backend. Production mode silences tfjs's console banners (e.g. the cpu
  // backend's "install tfjs-node" notice), which would break the one-line-per-problem output.
  tf.enableProdMode();
  // Probing WebGPU (Dawn/Vulkan) prints "XDG_RUNTIME_DIR is invalid or not set" to stderr
  // when the variable is missing (CI, containers); give it a private empty folder.
  if (cmd.backend !== 'wasm' && cmd.backend !== 'cpu' && !process.env.XDG_RUNTIME_DIR) {
    runtimeDir = await mkdtemp(path.join(os.tmpdir(), 'pixel-loom-'));
    process.env.XDG_RUNTIME_DIR = runtimeDir;
  }
  let backendName: string;
  try {
    backendName = (await initNodeBackend(cmd.backend)).name;
  } catch (e) {
    throw new UsageError(`--backend ${cmd.backend}: ${oneLine((e as Error).message)}`);
  }

  // 4. Evaluate every sink, after checking every file the graph names against the read rules.
  const host = createNodeHost({ baseDir: path.dirname(graphPath), maxImageSide: cmd.maxSize, allowRead: cmd.allowRead, maxFileBytes: cmd.maxFileBytes });
  await checkSources(graph, host);
  const engine = new Engine({ registry, host, maxOutputBytes: cmd.maxMemory, memoryHint: 'raise it with --max-memory' });
  let result: EvaluationResult | undefined;
  try {
    const state = { done: 0, total: 0 };
    result = await engine.evaluate(graph, sinks, {
      onEvent: io.tty
        ? (e) => {
            const line = progressLine(e, graph, state);
            if (line) io.stderr(line);
          }
        : undefined,
    });

    // 5. Outputs.
    const outputs: Record<string, Record<string, OutputEntry>> = {};
    const errors = new Map<string, string>();
    for (const [id, err] of result.errors) errors.set(id, oneLine(err.message));
    const setOut = (node: string, port: string, v: OutputEntry): void => {
      (outputs[node] ??= {})[port] = v;
    };
    for (const id of sinks) {
      if (errors.has(id)) continue;
      const node = graph.getNode(id)!;
      const def = graph.definitionOf(id);
      if (!def) continue;
      try {
        if (node.type === 'image.save') {
          const edge = graph.edgeInto(id, 'image');
          const v = edge ? result.value(edge.from.node, edge.from.port) : undefined;
          if (v === undefined || typeof v === 'number') throw new Error('input "image" has no image to save');
          const plan = planned.find((p) => p.node === id)!;
          setOut(id, 'image', await writeImage(outDir, plan.file, v, cmd.npy));
          continue;
        }
        for (const [port, spec] of Object.entries(def.outputs)) {
          const v = result.value(id, port);
          if (v === undefined) continue;
          if (spec.type === 'number') {
            setOut(id, port, jsonNumber(await readNumber(v)));
          } else if (typeof v !== 'number') {
            const plan = planned.find((p) => p.node === id && p.port === port)!;
            if (plan.kind === 'png') setOut(id, port, await writeImage(outDir, plan.file, v, cmd.npy));
            else {
              const data = Float32Array.from((await v.data()) as Float32Array);
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
    const json: Record<string, unknown> = { backend: result.backend || backendName, outputs, timings };
    if (errors.size > 0) json.errors = Object.fromEntries(errors);
    try {
      await writeFile(path.join(outDir, 'result.json'), `${JSON.stringify(json, null, 2)}\n`);
    } catch (e) {
      throw new UsageError(`cannot write ${path.join(cmd.out, 'result.json')}: ${oneLine((e as Error).message)}`);
    }
    // A file refused by the read rules while running (e.g. a custom model's weights) is bad
    // input, like one refused before: exit 2 with one line.
    for (const [id, err] of result.errors) {
      const refused = readRefusal(err);
      if (refused) throw new UsageError(`node "${id}" (${graph.getNode(id)?.type ?? '?'}): ${refused.message}`);
    }
    // stderr: one line per node that failed by itself (result.json also lists the nodes
    // that failed only because an input came from a failed node).
    for (const [id, msg] of errors) {
      if (!(result.errors.get(id)?.cause instanceof UpstreamFailure)) io.stderr(`error: ${msg}`);
    }
    return errors.size > 0 ? 1 : 0;
  } finally {
    result?.release();
    engine.dispose();
  }
}

/** The ReadRefused behind an error, following `cause`. */
function readRefusal(e: unknown): ReadRefused | null {
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
async function checkSources(graph: Graph, host: NodeHost): Promise<void> {
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

function listNodes(json: boolean, io: CliIO): void {
  const catalog = createRegistry().catalog();
  if (json) {
    io.stdout(JSON.stringify(catalog, null, 2));
    return;
  }
  for (const n of catalog) {
    const ins = Object.entries(n.inputs).map(([k, p]) => `${k}:${p.type}${p.optional ? '?' : ''}`);
    const outs = Object.entries(n.outputs).map(([k, p]) => `${k}:${p.type}`);
    io.stdout(`${n.type.padEnd(22)} ${n.category.padEnd(9)} (${ins.join(', ')}) → (${outs.join(', ')})`);
    for (const [name, p] of Object.entries(n.params)) {
      let range = '';
      if (p.kind === 'float' || p.kind === 'int') range = ` [${p.min ?? '−∞'} … ${p.max ?? '∞'}]${p.kind === 'int' && p.odd ? ' odd' : ''}`;
      if (p.kind === 'enum') range = ` {${p.options.join('|')}}`;
      io.stdout(`    ${name}: ${p.kind}${range} = ${JSON.stringify(p.default)}`);
    }
  }
}

async function packageVersion(): Promise<string> {
  const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../package.json');
  return (JSON.parse(await readFile(pkg, 'utf8')) as { version: string }).version;
}

/** Runs the CLI and returns the exit code (never throws). */
export async function main(argv: readonly string[], io: CliIO = defaultIO): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const cmd = parseArgs(argv);
    switch (cmd.kind) {
      case 'help':
        io.stdout(USAGE);
        return 0;
      case 'version':
        io.stdout(`pixel-loom ${await packageVersion()}`);
        return 0;
      case 'nodes':
        listNodes(cmd.json, io);
        return 0;
      case 'run':
        return await runCommand(cmd, io);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`pixel-loom: ${oneLine(e.message)}`);
      if (debug && e.stack) io.stderr(e.stack);
      return 2;
    }
    io.stderr(`pixel-loom: internal error: ${oneLine(e instanceof Error ? e.message : String(e))}`);
    if (debug && e instanceof Error && e.stack) io.stderr(e.stack);
    return 1;
  }
}

/** Runs main and exits explicitly (the wasm/webgpu modules can keep the event loop alive). */
export async function runCli(argv: readonly string[]): Promise<never> {
  const code = await main(argv);
  process.exit(code);
}

function isEntry(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntry()) void runCli(process.argv.slice(2));
