/**
 * Scale-out through BullMQ on Redis (DESIGN.md §6b) — an existing job engine, not a queue of
 * our own. `batch --queue` adds one BullMQ job per pending batch job (its id derived from the
 * output folder and the job id, so a rerun does not add it twice) and collects the results
 * from the shared output folder; `pixel-loom worker --queue` processes take the jobs on any
 * machine that sees the same folder. A worker killed mid-job loses its lock; BullMQ's stalled
 * job check hands the job to another worker, and the atomic rename in job.ts makes its output
 * appear once.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Piscina } from 'piscina';
import type { BackendPreference } from '../../engine/backend';
import { hashString } from '../../engine/signature';
import { UsageError } from '../args';
import { oneLine } from '../execute';
import { batchDir, completeResult, sidecarPath, type JobResult, type JobTask } from './job';

export const QUEUE_NAME = 'pixel-loom-batch';
/** A worker's lock on a job; a worker killed mid-job loses its job to another after about this. */
export const LOCK_MS = 10_000;
const STALLED_CHECK_MS = 4_000;
const POLL_MS = 400;
const CONNECT_TIMEOUT_MS = 10_000;
const CLOSE_TIMEOUT_MS = 10_000;

function redisConnection(url: string): Redis {
  const conn = new Redis(url, { maxRetriesPerRequest: null, connectTimeout: CONNECT_TIMEOUT_MS });
  // ioredis reconnects by itself; an 'error' event without a listener would crash the process.
  conn.on('error', () => undefined);
  return conn;
}

async function reachable(conn: Redis, url: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      conn.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
      }),
    ]);
  } catch (e) {
    conn.disconnect();
    throw new UsageError(`--queue ${url}: cannot reach Redis (${oneLine(e instanceof Error ? e.message : String(e))})`);
  } finally {
    clearTimeout(timer);
  }
}

/** The BullMQ job id of a batch job: the output folder and the job id (no ":" allowed). */
export function queueJobId(task: Pick<JobTask, 'outDir' | 'id'>): string {
  return `pl${hashString(task.outDir)}__${task.id}`;
}

async function readSidecar(outDir: string, id: string): Promise<JobResult | null> {
  try {
    const s = JSON.parse(await readFile(sidecarPath(outDir, id), 'utf8')) as { ms: number; error: string; numbers: Record<string, number | string> };
    return { id, ms: s.ms, error: s.error, numbers: s.numbers, outcome: 'ran' };
  } catch {
    return null;
  }
}

/**
 * Puts `tasks` on the queue and calls `onResult` as each one is done (read from the shared
 * output folder) or has failed for good in BullMQ (its attempts used up). Resolves when all
 * are accounted for, or at the first error with `failFast` (jobs not started are removed).
 */
export async function runOnQueue(url: string, tasks: readonly JobTask[], onResult: (r: JobResult) => void, opts: { failFast: boolean }): Promise<void> {
  const conn = redisConnection(url);
  await reachable(conn, url);
  const queue = new Queue<JobTask, JobResult>(QUEUE_NAME, { connection: conn });
  try {
    // A sidecar left by an earlier failed attempt must not be read as this run's result.
    for (const t of tasks) await rm(sidecarPath(t.outDir, t.id), { force: true });
    const byQueueId = new Map(tasks.map((t) => [queueJobId(t), t]));
    await queue.addBulk(
      tasks.map((t) => ({
        name: 'job',
        data: t,
        opts: { jobId: queueJobId(t), attempts: 3, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: true, removeOnFail: 1000 },
      })),
    );
    const remaining = new Map(tasks.map((t) => [t.id, t]));
    const outDir = tasks[0]!.outDir;
    while (remaining.size > 0) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      let names: string[] = [];
      try {
        names = await readdir(path.join(batchDir(outDir), 'jobs'));
      } catch {
        names = [];
      }
      for (const name of names) {
        const id = name.replace(/\.json$/, '');
        const t = remaining.get(id);
        if (!t || !name.endsWith('.json')) continue;
        const r = (await completeResult(outDir, id).then((c) => (c ? { ...c, outcome: 'ran' as const } : null))) ?? (await readSidecar(outDir, id));
        if (!r) continue;
        remaining.delete(id);
        onResult(r);
        if (r.error && opts.failFast) return await dropWaiting(queue, remaining);
      }
      for (const job of await queue.getFailed()) {
        const t = job.id ? byQueueId.get(job.id) : undefined;
        if (!t || !remaining.has(t.id) || job.attemptsMade < (job.opts.attempts ?? 1)) continue;
        remaining.delete(t.id);
        onResult({ id: t.id, ms: 0, error: `the job failed in every attempt on the queue: ${oneLine(job.failedReason ?? 'unknown reason')}`, numbers: {}, outcome: 'ran' });
        if (opts.failFast) return await dropWaiting(queue, remaining);
      }
    }
  } finally {
    await queue.close();
    conn.disconnect();
  }
}

async function dropWaiting(queue: Queue<JobTask, JobResult>, remaining: ReadonlyMap<string, JobTask>): Promise<void> {
  for (const t of remaining.values()) await queue.remove(queueJobId(t)).catch(() => 0);
}

/**
 * `pixel-loom worker`: takes jobs from the queue, `jobs` at a time, each on a worker thread of
 * its own (one engine per thread), until SIGINT/SIGTERM. `backend` overrides the batch's.
 */
export async function runWorker(
  url: string,
  jobs: number,
  backend: BackendPreference | null,
  io: { stdout(line: string): void; stderr(line: string): void },
  threadEntry: string,
): Promise<number> {
  const conn = redisConnection(url);
  await reachable(conn, url);
  const pool = new Piscina<JobTask, JobResult>({ filename: threadEntry, minThreads: jobs, maxThreads: jobs, concurrentTasksPerWorker: 1 });
  const worker = new Worker<JobTask, JobResult>(
    QUEUE_NAME,
    async (job) => {
      const task = backend ? { ...job.data, options: { ...job.data.options, backend } } : job.data;
      io.stdout(`worker: ${task.id} started (attempt ${job.attemptsMade + 1})`);
      const r = await pool.run(task);
      io.stdout(`worker: ${task.id} ${r.error ? `failed: ${r.error}` : r.outcome === 'complete' ? 'was complete already' : `done in ${r.ms.toFixed(0)} ms`}`);
      return r;
    },
    { connection: conn, concurrency: jobs, lockDuration: LOCK_MS, stalledInterval: STALLED_CHECK_MS, maxStalledCount: 2 },
  );
  // While Redis is unreachable the client retries every few hundred ms: say so once, then
  // at most every 30 s.
  let lastError = { text: '', at: 0, repeats: 0 };
  worker.on('error', (e) => {
    const text = oneLine(e.message);
    const now = Date.now();
    if (text === lastError.text && now - lastError.at < 30_000) {
      lastError.repeats++;
      return;
    }
    io.stderr(`worker: ${text}${lastError.repeats ? ` (and ${lastError.repeats} more times)` : ''}`);
    lastError = { text, at: now, repeats: 0 };
  });
  io.stdout(`worker: waiting for jobs on ${url.replace(/\/\/[^@]*@/, '//***@')} (${jobs} at a time)`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  io.stdout('worker: stopping (jobs in progress finish first)');
  // A graceful close waits for Redis; when Redis is gone it would wait for ever.
  const closed = await Promise.race([worker.close().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), CLOSE_TIMEOUT_MS))]);
  if (!closed) {
    io.stderr(`worker: Redis did not answer in ${CLOSE_TIMEOUT_MS / 1000} s while stopping; stopped without it (unfinished jobs go back to the queue when their lock expires)`);
    void worker.close(true).catch(() => undefined);
  }
  await pool.destroy();
  conn.disconnect();
  return 0;
}
