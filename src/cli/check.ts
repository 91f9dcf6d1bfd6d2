/**
 * `pixel-loom check <graph.json> [--against <result.json>]` (issue 24, item 5): runs the graph
 * again and compares every output with the fingerprints of an earlier run — a result.json
 * written by `run --fingerprints`, or a graph file that carries a `fingerprints` key.
 * Prints "bit-identical", "within tolerance (…)", or the first node that diverged while its
 * inputs matched, with the backends of both runs; exit 0, or 1 on divergence (2: nothing to
 * compare with).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { compareRuns, type Fingerprints } from '../engine/fingerprint';
import { UsageError, type Command } from './args';
import { oneLine } from './execute';
import type { CliIO } from './main';
import { runCommand, type RunOutcome } from './run';

type CheckCommand = Extract<Command, { kind: 'check' }>;

async function expectedOf(cmd: CheckCommand): Promise<{ fingerprints: Fingerprints; backend: string }> {
  const file = cmd.against ?? cmd.graph;
  let doc: { fingerprints?: unknown; backend?: unknown; fingerprintsFrom?: { backend?: unknown } };
  try {
    doc = JSON.parse(await readFile(path.resolve(file), 'utf8')) as typeof doc;
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${oneLine((e as Error).message)}`);
  }
  const fp = doc?.fingerprints;
  if (!fp || typeof fp !== 'object' || Array.isArray(fp)) {
    throw new UsageError(`${file} has no fingerprints to compare with: run \`pixel-loom run <graph> --out <dir> --fingerprints\` first, then check <dir>/graph.json (or --against <dir>/result.json)`);
  }
  const backend = cmd.against ? doc.backend : doc.fingerprintsFrom?.backend;
  return { fingerprints: fp as Fingerprints, backend: typeof backend === 'string' ? backend : 'unknown' };
}

export async function checkCommand(cmd: CheckCommand, io: CliIO): Promise<number> {
  const expected = await expectedOf(cmd);
  const out = await mkdtemp(path.join(os.tmpdir(), 'pixel-loom-check-'));
  let outcome: RunOutcome | undefined;
  try {
    const quiet: CliIO = { ...io, stdout: () => undefined, tty: false };
    const code = await runCommand({ ...cmd, kind: 'run', out, threads: 1, fingerprints: true }, quiet, (o) => (outcome = o));
    if (!outcome) return code;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
  const { json, graph } = outcome;
  const order = Object.keys((json.timings ?? {}) as Record<string, number>);
  const report = compareRuns(expected.fingerprints, (json.fingerprints ?? {}) as Fingerprints, order, (n) => graph.edges.filter((e) => e.to.node === n).map((e) => e.from.node));
  const backends = `${expected.backend} then, ${String(json.backend)} now`;
  const ports = report.ports.length;
  if (report.verdict === 'identical') {
    io.stdout(`pixel-loom check: bit-identical — ${ports} outputs (${backends})`);
    return 0;
  }
  if (report.verdict === 'within') {
    const db = report.worstPsnr === null ? '' : `, lowest summary PSNR ${report.worstPsnr.toFixed(1)} dB`;
    io.stdout(`pixel-loom check: within tolerance — ${ports} outputs, ${report.ports.filter((p) => p.verdict === 'identical').length} bit-identical${db} (${backends})`);
    return 0;
  }
  const f = report.first;
  if (f) {
    const type = graph.getNode(f.node)?.type ?? '?';
    io.stdout(`pixel-loom check: first diverging node: ${f.node} (${type}) output "${f.port}" — its inputs matched; ${f.detail ?? 'differs'} (${backends})`);
  }
  for (const m of report.ports.filter((p) => p.verdict === 'missing')) io.stdout(`pixel-loom check: ${m.node}.${m.port} was not computed in this run`);
  return 1;
}
