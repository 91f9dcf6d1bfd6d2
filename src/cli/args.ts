/**
 * Command-line parsing for `pixel-loom` (DESIGN.md §6, §6b), with commander. Every bad input
 * becomes a UsageError with one line naming the argument (exit code 2); commander's own
 * errors are translated into the same wording.
 */
import { availableParallelism } from 'node:os';
import { Command as Program, CommanderError } from 'commander';
import { parseBackendPreference, type BackendPreference } from '../engine/backend';

/** Bad command-line input or input files: exit code 2, one-line message. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface SetOption {
  /** The argument as given, for messages. */
  readonly raw: string;
  readonly node: string;
  readonly param: string;
  /** The text after `=`. */
  readonly value: string;
}

/** `--input node=<dir|glob>`. */
export interface InputOption {
  readonly raw: string;
  readonly node: string;
  readonly pattern: string;
}

/** `--sweep node.param=<v1,v2,…|start:stop:step>` (values still text; see batch/plan.ts). */
export interface SweepOption {
  readonly raw: string;
  readonly node: string;
  readonly param: string;
  readonly spec: string;
}

/** What run and every batch job share: how a graph is evaluated and written. */
export interface EvalOptions {
  backend: BackendPreference;
  npy: boolean;
  maxSize: number;
  /** Folders image.load may read besides the graph file's folder. */
  allowRead: string[];
  /** Largest file an image.load source may be, in bytes. */
  maxFileBytes: number;
  /** The memory budget: the most tensor data one node may output, in bytes. */
  maxMemory: number;
  /** `--cache <dir>`: node results kept between runs (null: none). */
  cache: string | null;
  debug: boolean;
}

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'nodes'; json: boolean; graph?: string }
  | ({ kind: 'run'; graph: string; out: string; sets: SetOption[]; threads: number; fingerprints: boolean } & EvalOptions)
  /** Runs the graph again and compares with its fingerprints (the file's, or `against` result.json's). */
  | ({ kind: 'check'; graph: string; against: string | null; sets: SetOption[] } & EvalOptions)
  | ({
      kind: 'batch';
      graph: string;
      out: string;
      sets: SetOption[];
      inputs: InputOption[];
      sweeps: SweepOption[];
      /** Worker threads (default: the number of cores). */
      jobs: number | null;
      queue: string | null;
      failFast: boolean;
    } & EvalOptions)
  /** `backend` null: each job's own (the batch's --backend). */
  | { kind: 'worker'; queue: string; jobs: number | null; backend: BackendPreference | null; debug: boolean };

export const USAGE = `pixel-loom — run node graphs of image pipelines headless

Usage:
  pixel-loom run <graph.json> --out <dir> [options]
  pixel-loom batch <graph.json> --out <dir> --input <node>=<dir|glob> [--input …]
                   [--sweep <node.param>=<v1,v2,…|start:stop:step>]… [--set node.param=value]…
                   [--jobs N] [--backend …] [--queue redis://host:port[/db]] [--fail-fast]
  pixel-loom worker --queue redis://host:port[/db] [--jobs N] [--backend …]
  pixel-loom check <graph.json> [--against <result.json>] [options of run]
                                   run again and compare with the fingerprints of an earlier
                                   run: bit-identical, within tolerance, or the first node
                                   that diverged (exit 1)
  pixel-loom nodes [--json]        list the node catalogue
  pixel-loom nodes <graph.json> [--json]
                                   list the components of a graph: ports, promoted params
  pixel-loom --help | --version

Options of run (and batch):
  --out <dir>             folder for result.json and the images (created if missing)
  --backend <name>        auto | wasm | cpu | webgpu (default wasm)
  --set <node.param=value>  override a param; value is JSON when it parses, else text
                          (repeatable), e.g. --set blur.sigma=2 --set save.name=out
  --npy                   also write every image as float32 HWC .npy beside its PNG
  --max-size <N>          largest accepted image side in px (default 8192)
  --allow-read <dir>      image.load may also read files in <dir> (repeatable); by default
                          only files inside the graph file's folder are read
  --max-file-size <size>  largest image file read, e.g. 64M (default 256M)
  --max-memory <size>     most tensor data one node may output, e.g. 2G (default 1G)
  --cache <dir>           keep node results in <dir> between runs: a rerun computes only
                          what changed (result.json "executed" lists what computed)
  --debug                 print stack traces of errors

Options of run:
  --fingerprints          result.json gets every output's fingerprint (a hash of the exact
                          values and a coarse summary), for \`pixel-loom check --against\`
  --threads <N|auto>      split large images into row bands over N threads for the
                          WebAssembly kernels (cpu and wasm backends; default 1; auto:
                          up to 4, the cores there are); the result is the same

Options of batch:
  --input <node>=<dir|glob>  images for an image.load node (repeatable; several inputs are
                          paired by file name without extension)
  --sweep <node.param>=<values>  run every value: a list v1,v2,… or start:stop:step (stop
                          included; values rounded to the step's decimals); repeatable
  --jobs <N>              worker threads (default: the number of cores)
  --queue <redis-url>     put the jobs on a BullMQ queue for \`pixel-loom worker\` processes
  --fail-fast             stop at the first failed job

Writes <dir>/result.json: { backend, outputs: { node: { port: number | {file, shape} } },
timings: { node: ms }, errors?: { node: message } }. image.save writes <dir>/<name>.png;
other image outputs of sinks are written as <dir>/<node>.<port>.png. batch writes one such
folder per job, <dir>/<job id>/, plus <dir>/results.csv and <dir>/batch.json.
Only regular files are read (never devices, FIFOs or sockets). Exit codes: 0 ok, 1 a node
(or a job) failed (the rest is still written), 2 bad input (also a source refused by these
rules).`;

function parseSet(raw: string, prev: SetOption[]): SetOption[] {
  const eq = raw.indexOf('=');
  const target = eq < 0 ? raw : raw.slice(0, eq);
  const dot = target.lastIndexOf('.');
  if (eq < 0 || dot <= 0 || dot === target.length - 1) {
    throw new UsageError(`--set ${raw}: expected node.param=value (e.g. --set blur.sigma=2)`);
  }
  return [...prev, { raw, node: target.slice(0, dot), param: target.slice(dot + 1), value: raw.slice(eq + 1) }];
}

function parseInput(raw: string, prev: InputOption[]): InputOption[] {
  const eq = raw.indexOf('=');
  if (eq <= 0 || eq === raw.length - 1) throw new UsageError(`--input ${raw}: expected <node>=<dir|glob> (e.g. --input load=images/)`);
  return [...prev, { raw, node: raw.slice(0, eq), pattern: raw.slice(eq + 1) }];
}

function parseSweep(raw: string, prev: SweepOption[]): SweepOption[] {
  const eq = raw.indexOf('=');
  const target = eq < 0 ? raw : raw.slice(0, eq);
  const dot = target.lastIndexOf('.');
  if (eq < 0 || dot <= 0 || dot === target.length - 1 || eq === raw.length - 1) {
    throw new UsageError(`--sweep ${raw}: expected node.param=v1,v2,… or node.param=start:stop:step (e.g. --sweep noisy.sigma=0.02:0.12:0.02)`);
  }
  return [...prev, { raw, node: target.slice(0, dot), param: target.slice(dot + 1), spec: raw.slice(eq + 1) }];
}

/**
 * A size in bytes from "268435456", "256M", "256MiB", "1.5G", "512k" (binary units: K = 1024).
 * Throws UsageError naming the flag.
 */
export function parseSize(flag: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*$/i.exec(text);
  const unit = m ? ({ '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 } as Record<string, number>)[m[2]!.toLowerCase()]! : 0;
  const n = m ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!Number.isFinite(n) || n < 1) throw new UsageError(`${flag} ${text}: expected a size such as 512M, 2G or a number of bytes`);
  return n;
}

function parseBackend(v: string): BackendPreference {
  try {
    return parseBackendPreference(v);
  } catch (e) {
    throw new UsageError(`--backend: ${(e as Error).message}`);
  }
}

function parseMaxSize(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--max-size ${v}: expected a positive whole number of pixels`);
  return n;
}

function parseThreads(v: string): number {
  const n = v === 'auto' ? Math.min(4, availableParallelism()) : Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--threads ${v}: expected auto or a whole number of threads from 1 to 64`);
  return n;
}

function parseJobs(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new UsageError(`--jobs ${v}: expected a whole number of worker threads from 1 to 256`);
  return n;
}

function parseQueue(v: string): string {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new UsageError(`--queue ${v}: expected a Redis URL such as redis://127.0.0.1:6379/0`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new UsageError(`--queue ${v}: expected a redis:// or rediss:// URL`);
  return v;
}

function collectDir(v: string, prev: string[]): string[] {
  if (v === '') throw new UsageError('--allow-read needs a folder');
  return [...prev, v];
}

interface RawEvalOptions {
  out?: string;
  backend: BackendPreference;
  set: SetOption[];
  npy?: boolean;
  maxSize: number;
  allowRead: string[];
  maxFileSize: number;
  maxMemory: number;
  cache?: string;
  debug?: boolean;
}

/** The options run and batch share. */
function withEvalOptions(cmd: Program): Program {
  return cmd
    .option('--out <dir>')
    .option('--backend <name>', '', parseBackend, 'wasm' as BackendPreference)
    .option('--set <node.param=value>', '', parseSet, [] as SetOption[])
    .option('--npy')
    .option('--max-size <N>', '', parseMaxSize, 8192)
    .option('--allow-read <dir>', '', collectDir, [] as string[])
    .option('--max-file-size <size>', '', (v: string) => parseSize('--max-file-size', v), 256 * 1024 * 1024)
    .option('--max-memory <size>', '', (v: string) => parseSize('--max-memory', v), 1024 ** 3)
    .option('--cache <dir>')
    .option('--debug');
}

function evalOptions(o: RawEvalOptions): EvalOptions {
  return { backend: o.backend, npy: !!o.npy, maxSize: o.maxSize, allowRead: o.allowRead, maxFileBytes: o.maxFileSize, maxMemory: o.maxMemory, cache: o.cache ?? null, debug: !!o.debug };
}

/** commander's errors in this CLI's words (one line, naming the argument). */
function translate(e: CommanderError, argv: readonly string[]): UsageError {
  const quoted = /'([^']*)'/.exec(e.message)?.[1] ?? '';
  switch (e.code) {
    case 'commander.unknownOption':
      return new UsageError(`unknown option ${quoted} (try --help)`);
    case 'commander.optionMissingArgument':
      return new UsageError(`${quoted.split(' ')[0]} needs a value`);
    case 'commander.unknownCommand':
      return new UsageError(`unknown command ${JSON.stringify(quoted || argv[0])} (expected run, batch, worker or nodes; try --help)`);
    case 'commander.excessArguments': {
      const cmd = argv[0];
      const extra = argv.slice(1).filter((a) => !a.startsWith('-'));
      const what = JSON.stringify(extra[1] ?? extra.at(-1) ?? '');
      return new UsageError(cmd === 'nodes' ? `nodes: unexpected argument ${what} (one graph file at most)` : `unexpected argument ${what} (one graph file per ${cmd})`);
    }
    default:
      return new UsageError(e.message.replace(/^error:\s*/, ''));
  }
}

export function parseArgs(argv: readonly string[]): Command {
  const args = [...argv];
  if (args.length === 0) throw new UsageError('no command given (try pixel-loom --help)');
  if (args.includes('--help') || args.includes('-h') || args[0] === 'help') return { kind: 'help' };
  if (args.includes('--version') || args.includes('-v')) return { kind: 'version' };

  let result: Command | undefined;
  const program = new Program('pixel-loom')
    .exitOverride()
    .helpOption(false)
    .helpCommand(false)
    .showSuggestionAfterError(false)
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });

  program
    .command('nodes')
    .argument('[graph]')
    .option('--json')
    .action((graph: string | undefined, o: { json?: boolean }) => {
      result = { kind: 'nodes', json: !!o.json, ...(graph !== undefined ? { graph } : {}) };
    });

  withEvalOptions(program.command('run').argument('[graph]'))
    .option('--threads <N>', '', parseThreads, 1)
    .option('--fingerprints')
    .action((graph: string | undefined, o: RawEvalOptions & { threads: number; fingerprints?: boolean }) => {
      if (graph === undefined) throw new UsageError('run: missing the graph file (pixel-loom run <graph.json> --out <dir>)');
      if (o.out === undefined || o.out === '') throw new UsageError('run: missing --out <dir>');
      result = { kind: 'run', graph, out: o.out, sets: o.set, threads: o.threads, fingerprints: !!o.fingerprints, ...evalOptions(o) };
    });

  withEvalOptions(program.command('check').argument('[graph]'))
    .option('--against <result.json>')
    .action((graph: string | undefined, o: RawEvalOptions & { against?: string }) => {
      if (graph === undefined) throw new UsageError('check: missing the graph file (pixel-loom check <graph.json> [--against <result.json>])');
      result = { kind: 'check', graph, against: o.against ?? null, sets: o.set, ...evalOptions(o) };
    });

  withEvalOptions(program.command('batch').argument('[graph]'))
    .option('--input <node=dir|glob>', '', parseInput, [] as InputOption[])
    .option('--sweep <node.param=values>', '', parseSweep, [] as SweepOption[])
    .option('--jobs <N>', '', parseJobs)
    .option('--queue <url>', '', parseQueue)
    .option('--fail-fast')
    .action((graph: string | undefined, o: RawEvalOptions & { input: InputOption[]; sweep: SweepOption[]; jobs?: number; queue?: string; failFast?: boolean }) => {
      if (graph === undefined) throw new UsageError('batch: missing the graph file (pixel-loom batch <graph.json> --out <dir> --input <node>=<dir>)');
      if (o.out === undefined || o.out === '') throw new UsageError('batch: missing --out <dir>');
      result = {
        kind: 'batch',
        graph,
        out: o.out,
        sets: o.set,
        inputs: o.input,
        sweeps: o.sweep,
        jobs: o.jobs ?? null,
        queue: o.queue ?? null,
        failFast: !!o.failFast,
        ...evalOptions(o),
      };
    });

  program
    .command('worker')
    .option('--queue <url>', '', parseQueue)
    .option('--jobs <N>', '', parseJobs)
    .option('--backend <name>', '', parseBackend)
    .option('--debug')
    .action((o: { queue?: string; jobs?: number; backend?: BackendPreference; debug?: boolean }) => {
      if (!o.queue) throw new UsageError('worker: missing --queue redis://host:port[/db]');
      result = { kind: 'worker', queue: o.queue, jobs: o.jobs ?? null, backend: o.backend ?? null, debug: !!o.debug };
    });

  try {
    program.parse(args, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) throw translate(e, args);
    throw e;
  }
  if (!result) throw new UsageError(`unknown command ${JSON.stringify(args[0])} (expected run, check, batch, worker or nodes; try --help)`);
  return result;
}
