/**
 * The Node entry: `pixel-loom run <graph.json> --out <dir> …` (DESIGN.md §6).
 *
 * Exit codes: 0 everything ran; 1 a node failed (what succeeded is still written);
 * 2 bad input (arguments, graph file, --set, backend, output folder). Messages are one line;
 * stack traces only with --debug.
 *
 * Only what every command needs is imported here; tfjs, the nodes and the engine load with
 * the command that uses them (run.ts, batch/), so `--version`, `--help` and `nodes` start at once.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodeCatalogEntry } from '../engine/registry';
import catalogData from '../generated/catalog.json';
import { parseArgs, UsageError, USAGE } from './args';
import { oneLine } from './text';

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

function listNodes(json: boolean, io: CliIO): void {
  // The generated catalogue is createRegistry().catalog() as data (a unit test keeps it
  // current), so listing the nodes loads neither tfjs nor the nodes.
  const catalog = catalogData as unknown as NodeCatalogEntry[];
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
        if (cmd.graph !== undefined) {
          const { listComponents } = await import('./components');
          return await listComponents(cmd.graph, cmd.json, io);
        }
        listNodes(cmd.json, io);
        return 0;
      case 'run': {
        const { runCommand } = await import('./run');
        return await runCommand(cmd, io);
      }
      case 'check': {
        const { checkCommand } = await import('./check');
        return await checkCommand(cmd, io);
      }
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
