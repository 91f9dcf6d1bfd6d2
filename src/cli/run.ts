/**
 * `pixel-loom run`: evaluates one graph and writes its results (DESIGN.md §6). Loaded by
 * main.ts only for this command, so `--version`, `--help` and `nodes` start without tfjs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Engine, type EngineEvent } from '../engine/evaluate';
import type { Graph } from '../engine/graph';
import { createRegistry } from '../nodes';
import { UsageError, type Command } from './args';
import { checkSources, evaluateAndWrite, loadGraphFile, oneLine, prepareOutDir } from './execute';
import { createNodeHost } from './host';
import { initNodeBackend } from './tfNode';
import { initKernels } from '../kernels';
import { startNodeKernelThreads } from './kernelThreads';
import type { CliIO } from './main';
import { DirStore } from './dirStore';

type RunCommand = Extract<Command, { kind: 'run' }>;

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

/** What a run wrote (for `pixel-loom check`): result.json's content and the graph as evaluated. */
export interface RunOutcome {
  json: Record<string, unknown>;
  graph: Graph;
}

export async function runCommand(cmd: RunCommand, io: CliIO, outcome?: (o: RunOutcome) => void): Promise<number> {
  try {
    return await runGraph(cmd, io, outcome);
  } finally {
    if (runtimeDir) await rm(runtimeDir, { recursive: true, force: true });
  }
}

async function runGraph(cmd: RunCommand, io: CliIO, outcome?: (o: RunOutcome) => void): Promise<number> {
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
  const store = cmd.cache ? new DirStore(path.resolve(cmd.cache)) : undefined;
  const engine = new Engine({ registry, host, maxOutputBytes: cmd.maxMemory, memoryHint: 'raise it with --max-memory', ...(store ? { store } : {}) });
  const t0 = performance.now();
  try {
    const state = { done: 0, total: 0 };
    const written = await evaluateAndWrite(graph, engine, outDir, {
      npy: cmd.npy,
      backendName,
      threads,
      fingerprints: cmd.fingerprints,
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
    outcome?.({ json: written.json, graph });
    io.stdout(
      `pixel-loom run: ${graph.nodeIds().length} nodes, ${failed === 0 ? 'all ok' : `${failed} failed`}, ${((performance.now() - t0) / 1000).toFixed(2)} s on ${String(written.json.backend)} → ${path.join(cmd.out, 'result.json')}`,
    );
    return failed > 0 ? 1 : 0;
  } finally {
    engine.dispose();
  }
}
