/**
 * One batch job (DESIGN.md §6b), run in a worker thread of the local pool or of a
 * `pixel-loom worker`: the graph with this job's input files and swept values, evaluated into
 * a temporary folder that is renamed to `<out>/<job id>/` when complete. A thread keeps one
 * engine across its jobs, so upstream work that does not depend on the job (a mask made from
 * params, a loaded model) comes from its cache.
 *
 * Files under `<out>`:
 *   <job id>/                 what `pixel-loom run` writes (result.json, images)
 *   .batch/jobs/<job id>.json  { id, ms, error, numbers, by } written after the rename
 *   .batch/tmp/               folders of jobs in progress (a killed job leaves one behind)
 * A job is complete when <job id>/result.json exists without errors; the rename makes its
 * output appear once and whole, so a job run twice (a retried stalled job) writes it once.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../../engine/evaluate';
import { parseGraph } from '../../engine/format';
import type { Host } from '../../engine/types';
import { createRegistry } from '../../nodes';
import { UsageError, type EvalOptions, type SetOption } from '../args';
import { applyOverrides, setOverrides, checkSources, evaluateAndWrite, oneLine } from '../execute';
import { createNodeHost, type NodeHost } from '../host';
import { initNodeBackend } from '../tfNode';
import { initKernels } from '../../kernels';
import { writeAtomicText } from './files';
import { DirStore } from '../dirStore';

/** Everything a job needs; plain data (it crosses threads and the Redis queue). */
export interface JobTask {
  readonly id: string;
  /** Absolute paths: a worker on another machine sees the same shared folder. */
  readonly graphPath: string;
  readonly graphText: string;
  readonly outDir: string;
  readonly sets: readonly SetOption[];
  /** image.load node → absolute file. */
  readonly files: Readonly<Record<string, string>>;
  /** [node.param, value] per swept param. */
  readonly sweep: readonly (readonly [string, unknown])[];
  readonly options: EvalOptions;
}

export interface JobResult {
  readonly id: string;
  /** Wall time of the job in ms (of the run that wrote it, for a job found complete). */
  readonly ms: number;
  /** Empty when it succeeded. */
  readonly error: string;
  /** Number outputs, `node.port` → value. */
  readonly numbers: Readonly<Record<string, number | string>>;
  /** 'ran': this call wrote it; 'complete': it was complete already (skipped, or done by another worker). */
  readonly outcome: 'ran' | 'complete';
}

interface Sidecar {
  id: string;
  ms: number;
  error: string;
  numbers: Record<string, number | string>;
  by: string;
}

export const batchDir = (outDir: string): string => path.join(outDir, '.batch');
export const sidecarPath = (outDir: string, id: string): string => path.join(batchDir(outDir), 'jobs', `${id}.json`);

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** The job's result when its output folder is complete (result.json without errors), else null. */
export async function completeResult(outDir: string, id: string): Promise<JobResult | null> {
  const result = (await readJson(path.join(outDir, id, 'result.json'))) as { errors?: unknown; outputs?: Record<string, Record<string, unknown>>; timings?: Record<string, number> } | undefined;
  if (!result || typeof result !== 'object' || result.errors !== undefined || !result.outputs) return null;
  const side = (await readJson(sidecarPath(outDir, id))) as Partial<Sidecar> | undefined;
  const numbers: Record<string, number | string> = {};
  for (const [node, ports] of Object.entries(result.outputs)) {
    for (const [port, v] of Object.entries(ports)) if (typeof v === 'number' || typeof v === 'string') numbers[`${node}.${port}`] = v;
  }
  const ms = typeof side?.ms === 'number' ? side.ms : Object.values(result.timings ?? {}).reduce((a, b) => a + b, 0);
  return { id, ms, error: '', numbers, outcome: 'complete' };
}

interface ThreadContext {
  readonly engine: Engine;
  readonly backend: string;
  /** The engine's host reads through this one, set per job (each job may name other folders). */
  readonly host: { current: NodeHost };
}

/** Per thread: the backend, the registry and one engine kept across jobs. */
let context: Promise<ThreadContext> | null = null;
let contextKey = '';

function threadContext(opts: EvalOptions): Promise<ThreadContext> {
  const key = `${opts.backend}|${opts.maxMemory}|${opts.cache ?? ''}`;
  if (context && key === contextKey) return context;
  contextKey = key;
  const previous = context;
  context = (async () => {
    (await previous?.catch(() => null))?.engine.dispose();
    const choice = await initNodeBackend(opts.backend);
    await initKernels();
    const current = { current: createNodeHost({ baseDir: os.tmpdir(), maxImageSide: opts.maxSize }) };
    const host: Host = {
      get limits() {
        return current.current.limits;
      },
      readSource: (source, signal) => current.current.readSource(source, signal),
      readModelFile: (file, signal) => current.current.readModelFile!(file, signal),
    };
    // --cache: the workers share one folder (atomic renames: a reader never sees half a file)
    const store = opts.cache ? new DirStore(opts.cache) : undefined;
    const engine = new Engine({ registry: createRegistry(), host, maxOutputBytes: opts.maxMemory, memoryHint: 'raise it with --max-memory', ...(store ? { store } : {}) });
    return { engine, backend: choice.name, host: current };
  })();
  return context;
}

/** Runs one job (see the file comment). Never throws for a failure of the job itself: it is in `error`. */
export async function runJob(task: JobTask, signal?: AbortSignal): Promise<JobResult> {
  const { id, outDir } = task;
  const done = await completeResult(outDir, id);
  if (done) return done;
  const t0 = performance.now();
  const tmp = path.join(batchDir(outDir), 'tmp', `${id}.${process.pid}.${randomBytes(4).toString('hex')}`);
  const finalDir = path.join(outDir, id);
  let error = '';
  let numbers: Record<string, number | string> = {};
  try {
    const { engine, backend, host: hostRef } = await threadContext(task.options);
    const registry = createRegistry();
    const outer = parseGraph(task.graphText, registry);
    const graph = applyOverrides(outer, [
      ...setOverrides(outer, task.sets),
      ...Object.entries(task.files).map(([node, file]) => ({ node, param: 'source', value: file, where: `--input ${node}` })),
      ...task.sweep.map(([key, value]) => {
        const dot = key.lastIndexOf('.');
        return { node: key.slice(0, dot), param: key.slice(dot + 1), value, where: `--sweep ${key}` };
      }),
    ]);
    const inputDirs = [...new Set(Object.values(task.files).map((f) => path.dirname(f)))];
    const host = createNodeHost({ baseDir: path.dirname(task.graphPath), maxImageSide: task.options.maxSize, allowRead: [...task.options.allowRead, ...inputDirs], maxFileBytes: task.options.maxFileBytes });
    hostRef.current = host;
    await checkSources(graph, host);
    await mkdir(tmp, { recursive: true });
    const written = await evaluateAndWrite(graph, engine, tmp, { npy: task.options.npy, backendName: backend, ...(signal ? { signal } : {}) });
    numbers = { ...written.numbers };
    if (written.errors.size > 0) error = written.rootErrors.map((n) => written.errors.get(n)).join('; ') || [...written.errors.values()].join('; ');
  } catch (e) {
    error = oneLine(e instanceof UsageError || e instanceof Error ? e.message : String(e));
    if (!(await exists(path.join(tmp, 'result.json')))) {
      await rm(tmp, { recursive: true, force: true });
      return { id, ms: performance.now() - t0, error, numbers, outcome: 'ran' };
    }
  }
  const ms = performance.now() - t0;
  // Another worker may have completed the same job meanwhile: its output stays, ours goes.
  const other = await completeResult(outDir, id);
  if (other) {
    await rm(tmp, { recursive: true, force: true });
    return other;
  }
  await rm(finalDir, { recursive: true, force: true }); // a failed earlier attempt's output
  await rename(tmp, finalDir);
  const sidecar: Sidecar = { id, ms, error, numbers, by: `${os.hostname()}:${process.pid}` };
  await writeAtomicText(sidecarPath(outDir, id), `${JSON.stringify(sidecar, null, 2)}\n`);
  return { id, ms, error, numbers, outcome: 'ran' };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/** The worker-thread entry (piscina): one task → its result. */
export default function runJobInThread(task: JobTask): Promise<JobResult> {
  return runJob(task);
}
