/**
 * `pixel-loom batch` (DESIGN.md §6b): plans the jobs, skips those whose output is already
 * complete (a rerun resumes), runs the rest on a pool of worker threads (piscina), or puts
 * them on a BullMQ queue for `pixel-loom worker` processes, and writes `<out>/results.csv`
 * and `<out>/batch.json`.
 */
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { Graph } from '../../engine/graph';
import { createRegistry } from '../../nodes';
import type { Command } from '../args';
import { loadGraphFile, numberOutputs, oneLine, prepareOutDir } from '../execute';
import { batchDir, completeResult, type JobResult, type JobTask } from './job';
import { planJobs, planSweeps, resolveInputs, valueText, type JobSpec, type SweepPlan } from './plan';
import { Progress, type ProgressIO } from './progress';
import { runOnQueue } from './queue';
import { writeAtomicText } from './files';

type BatchCommand = Extract<Command, { kind: 'batch' }>;

export const THREAD_ENTRY = fileURLToPath(
  typeof __PIXEL_LOOM_BUILD__ !== 'undefined' ? new URL('../../../dist-cli/job.mjs', import.meta.url) : new URL('./thread.mjs', import.meta.url),
);

export interface BatchIO extends ProgressIO {
  stdout(line: string): void;
  stderr(line: string): void;
}

interface Planned {
  readonly graph: Graph;
  readonly graphPath: string;
  readonly graphText: string;
  readonly outDir: string;
  readonly jobs: readonly JobSpec[];
  readonly sweeps: readonly SweepPlan[];
  readonly inputs: readonly string[];
  readonly numberColumns: readonly string[];
  readonly unpaired: readonly string[];
  readonly itemCount: number;
}

async function plan(cmd: BatchCommand): Promise<Planned> {
  const { graph, outer, text: graphText, graphPath } = await loadGraphFile(cmd.graph, cmd.sets, createRegistry());
  // Sweeps may name an instance's promoted param (s1.sigma) or a path inside it (s1/blur.sigma).
  const sweeps = planSweeps(outer, cmd.sweeps);
  const stem = path.basename(graphPath).replace(/\.graph\.json$|\.json$/i, '');
  const { items, unpaired } = await resolveInputs(graph, cmd.inputs, process.cwd(), stem);
  const jobs = planJobs(items, sweeps);
  const outDir = await prepareOutDir(cmd.out);
  return { graph, graphPath, graphText, outDir, jobs, sweeps, inputs: cmd.inputs.map((i) => i.node), numberColumns: numberOutputs(graph), unpaired, itemCount: items.length };
}

function taskOf(p: Planned, cmd: BatchCommand, job: JobSpec): JobTask {
  return {
    id: job.id,
    graphPath: p.graphPath,
    graphText: p.graphText,
    outDir: p.outDir,
    sets: cmd.sets,
    files: job.item.files,
    sweep: job.sweep,
    options: { backend: cmd.backend, npy: cmd.npy, maxSize: cmd.maxSize, allowRead: cmd.allowRead.map((d) => path.resolve(d)), maxFileBytes: cmd.maxFileBytes, maxMemory: cmd.maxMemory, cache: cmd.cache === null ? null : path.resolve(cmd.cache), debug: cmd.debug },
  };
}

/** One CSV field (RFC 4180 quoting). */
function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function resultsCsv(p: Pick<Planned, 'jobs' | 'inputs' | 'sweeps' | 'numberColumns'>, results: ReadonlyMap<string, JobResult>): string {
  const header = ['job', ...p.inputs.map((n) => `input.${n}`), ...p.sweeps.map((s) => s.key), ...p.numberColumns, 'ms', 'error'];
  const lines = [header.map(csvField).join(',')];
  for (const job of p.jobs) {
    const r = results.get(job.id);
    const row = [
      job.id,
      ...p.inputs.map((n) => job.item.files[n] ?? ''),
      ...job.sweep.map(([, v]) => valueText(v)),
      ...p.numberColumns.map((c) => (r && r.numbers[c] !== undefined ? String(r.numbers[c]) : '')),
      r ? r.ms.toFixed(1) : '',
      r ? r.error : 'not run',
    ];
    lines.push(row.map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

export async function runBatch(cmd: BatchCommand, io: BatchIO, argv: readonly string[]): Promise<number> {
  const t0 = performance.now();
  const p = await plan(cmd);
  for (const u of p.unpaired) io.stdout(`batch: skipped unpaired ${u}`);

  // Resume: jobs whose output is complete are not run again.
  const results = new Map<string, JobResult>();
  for (const job of p.jobs) {
    const r = await completeResult(p.outDir, job.id);
    if (r) results.set(job.id, r);
  }
  const pending = p.jobs.filter((j) => !results.has(j.id));
  const skipped = results.size;
  const threads = cmd.jobs ?? os.availableParallelism();
  io.stdout(
    `batch: ${p.jobs.length} jobs (${p.itemCount} item${p.itemCount === 1 ? '' : 's'}${p.sweeps.length ? ` × ${p.sweeps.map((s) => `${s.values.length} ${s.key}`).join(' × ')}` : ''}), ${skipped} complete already, ${pending.length} to run ${cmd.queue ? `on the queue ${redact(cmd.queue)}` : `on ${threads} thread${threads === 1 ? '' : 's'}`}`,
  );

  const progress = new Progress(pending.length, io);
  let failed = 0;
  const onResult = (r: JobResult): void => {
    results.set(r.id, r);
    if (r.error) {
      failed++;
      io.stderr(`error: job ${r.id}: ${r.error}`);
    }
    progress.tick(r.error !== '');
  };

  if (pending.length > 0) {
    if (cmd.queue) {
      await runOnQueue(cmd.queue, pending.map((j) => taskOf(p, cmd, j)), onResult, { failFast: cmd.failFast });
    } else {
      await runLocal(pending.map((j) => taskOf(p, cmd, j)), threads, onResult, cmd.failFast);
    }
  }
  progress.stop();
  await rm(path.join(batchDir(p.outDir), 'tmp'), { recursive: true, force: true }).catch(() => undefined);

  const csv = resultsCsv(p, results);
  await writeAtomicText(path.join(p.outDir, 'results.csv'), csv);
  const seconds = (performance.now() - t0) / 1000;
  const ran = [...results.values()].filter((r) => r.outcome === 'ran').length;
  const notRun = p.jobs.length - results.size;
  const summary = {
    command: ['pixel-loom', ...argv],
    graph: p.graphText,
    graphFile: p.graphPath,
    counts: { jobs: p.jobs.length, ran, complete: results.size - ran, failed, notRun, unpaired: p.unpaired.length },
    timings: { seconds, jobsPerSecond: ran / Math.max(seconds, 1e-9), meanJobMs: ran ? [...results.values()].filter((r) => r.outcome === 'ran').reduce((a, r) => a + r.ms, 0) / ran : 0 },
    threads: cmd.queue ? null : threads,
    queue: cmd.queue ? redact(cmd.queue) : null,
  };
  await writeAtomicText(path.join(p.outDir, 'batch.json'), `${JSON.stringify(summary, null, 2)}\n`);
  io.stdout(
    `batch: ${p.jobs.length} jobs: ${ran} ran, ${results.size - ran} were complete, ${failed} failed${notRun ? `, ${notRun} not run (--fail-fast)` : ''}; ${seconds.toFixed(1)} s, ${summary.timings.jobsPerSecond.toFixed(2)} jobs/s → ${path.join(cmd.out, 'results.csv')}`,
  );
  return failed > 0 || notRun > 0 ? 1 : 0;
}

/** A Redis URL without its password, for messages and batch.json. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.href;
  } catch {
    return url;
  }
}

/**
 * The local pool: `threads` worker threads, each with its own engine; at most `threads` jobs
 * are handed to it at a time, so with `failFast` nothing new starts after a failure.
 */
async function runLocal(tasks: readonly JobTask[], threads: number, onResult: (r: JobResult) => void, failFast: boolean): Promise<void> {
  const pool = new Piscina<JobTask, JobResult>({ filename: THREAD_ENTRY, minThreads: Math.min(threads, tasks.length), maxThreads: threads, idleTimeout: 1000, concurrentTasksPerWorker: 1 });
  let next = 0;
  let stop = false;
  const lane = async (): Promise<void> => {
    while (!stop && next < tasks.length) {
      const task = tasks[next++]!;
      let r: JobResult;
      try {
        r = await pool.run(task);
      } catch (e) {
        r = { id: task.id, ms: 0, error: `the job's thread failed: ${oneLine(e instanceof Error ? e.message : String(e))}`, numbers: {}, outcome: 'ran' };
      }
      onResult(r);
      if (r.error && failFast) stop = true;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(threads, tasks.length) }, lane));
  } finally {
    await pool.destroy();
  }
}
