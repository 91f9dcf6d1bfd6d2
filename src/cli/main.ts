/**
 * The Node entry: `pixel-loom run <graph.json> --out <dir> …` (DESIGN.md §6).
 *
 * Exit codes: 0 everything ran; 1 a node failed (what succeeded is still written);
 * 2 bad input (arguments, graph file, --set, backend, output folder). Messages are one line;
 * stack traces only with --debug.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { Engine, type EngineEvent } from '../engine/evaluate';
import type { Graph } from '../engine/graph';
import { createRegistry } from '../nodes';
import { parseArgs, UsageError, USAGE, type Command } from './args';
import { checkSources, evaluateAndWrite, loadGraphFile, oneLine, prepareOutDir } from './execute';
import { createNodeHost } from './host';
import { initNodeBackend } from './tfNode';
import { initKernels } from '../kernels';
import { startNodeKernelThreads } from './kernelThreads';

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

export { jsonNumber, parseSetValue } from './execute';

function progressLine(e: EngineEvent, graph: Graph, state: { done: number; total: number }): string | null {
  if (e.type === 'progress') {
    state.total = Math.max(state.total, e.total);
    return null;
  }
  if (e.status !== 'ok' && e.status !== 'cached' && e.status !== 'error' && e.status !== 'bypassed' && e.status !== 'muted') return null;
  state.done++;
  const type = graph.getNode(e.node)?.type ?? '?';
  const ms = e.ms !== undefined && e.status !== 'bypassed' && e.status !== 'muted' ? ` ${e.ms.toFixed(1)} ms` : '';
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

  // 1. The graph file (with --set applied), 2. the output folder.
  const { graph, graphPath } = await loadGraphFile(cmd.graph, cmd.sets, registry);
  const outDir = await prepareOutDir(cmd.out);

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
  let threads = 1;
  try {
    backendName = (await initNodeBackend(cmd.backend)).name;
    if ((await initKernels()) && cmd.threads > 1) threads += await startNodeKernelThreads(cmd.threads - 1);
  } catch (e) {
    throw new UsageError(`--backend ${cmd.backend}: ${oneLine((e as Error).message)}`);
  }

  // 4. Evaluate every sink, after checking every file the graph names against the read rules.
  const host = createNodeHost({ baseDir: path.dirname(graphPath), maxImageSide: cmd.maxSize, allowRead: cmd.allowRead, maxFileBytes: cmd.maxFileBytes });
  await checkSources(graph, host);
  const engine = new Engine({ registry, host, maxOutputBytes: cmd.maxMemory, memoryHint: 'raise it with --max-memory' });
  const t0 = performance.now();
  try {
    const state = { done: 0, total: 0 };
    const written = await evaluateAndWrite(graph, engine, outDir, {
      npy: cmd.npy,
      backendName,
      threads,
      ...(io.tty
        ? {
            onEvent: (e: EngineEvent) => {
              const line = progressLine(e, graph, state);
              if (line) io.stderr(line);
            },
          }
        : {}),
    });
    // stderr: one line per node that failed by itself (result.json also lists the nodes
    // that failed only because an input came from a failed node).
    for (const id of written.rootErrors) io.stderr(`error: ${written.errors.get(id)}`);
    const failed = written.errors.size;
    io.stdout(
      `pixel-loom run: ${graph.nodeIds().length} nodes, ${failed === 0 ? 'all ok' : `${failed} failed`}, ${((performance.now() - t0) / 1000).toFixed(2)} s on ${String(written.json.backend)} → ${path.join(cmd.out, 'result.json')}`,
    );
    return failed > 0 ? 1 : 0;
  } finally {
    engine.dispose();
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
      // Loaded only for these commands (the pool and the queue client are not small).
      case 'batch': {
        const { runBatch } = await import('./batch/batch');
        return await runBatch(cmd, io, argv);
      }
      case 'worker': {
        const [{ runWorker }, { THREAD_ENTRY }] = await Promise.all([import('./batch/queue'), import('./batch/batch')]);
        return await runWorker(cmd.queue, cmd.jobs ?? os.availableParallelism(), cmd.backend, io, THREAD_ENTRY);
      }
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
