/** Command-line parsing for `pixel-loom` (DESIGN.md §6). */
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

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'nodes'; json: boolean }
  | {
      kind: 'run';
      graph: string;
      out: string;
      backend: BackendPreference;
      sets: SetOption[];
      npy: boolean;
      maxSize: number;
      /** Folders image.load may read besides the graph file's folder. */
      allowRead: string[];
      /** Largest file an image.load source may be, in bytes. */
      maxFileBytes: number;
      /** The memory budget: the most tensor data one node may output, in bytes. */
      maxMemory: number;
      debug: boolean;
    };

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

export const USAGE = `pixel-loom — run node graphs of image pipelines headless

Usage:
  pixel-loom run <graph.json> --out <dir> [options]
  pixel-loom nodes [--json]        list the node catalogue
  pixel-loom --help | --version

Options of run:
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
  --debug                 print stack traces of errors

Writes <dir>/result.json: { backend, outputs: { node: { port: number | {file, shape} } },
timings: { node: ms }, errors?: { node: message } }. image.save writes <dir>/<name>.png;
other image outputs of sinks are written as <dir>/<node>.<port>.png.
Only regular files are read (never devices, FIFOs or sockets). Exit codes: 0 ok, 1 a node
failed (the rest is still written), 2 bad input (also a source refused by these rules).`;

function parseSet(raw: string): SetOption {
  const eq = raw.indexOf('=');
  const target = eq < 0 ? raw : raw.slice(0, eq);
  const dot = target.lastIndexOf('.');
  if (eq < 0 || dot <= 0 || dot === target.length - 1) {
    throw new UsageError(`--set ${raw}: expected node.param=value (e.g. --set blur.sigma=2)`);
  }
  return { raw, node: target.slice(0, dot), param: target.slice(dot + 1), value: raw.slice(eq + 1) };
}

export function parseArgs(argv: readonly string[]): Command {
  const args = [...argv];
  if (args.length === 0) throw new UsageError('no command given (try pixel-loom --help)');
  if (args.includes('--help') || args.includes('-h') || args[0] === 'help') return { kind: 'help' };
  if (args.includes('--version') || args.includes('-v')) return { kind: 'version' };
  const cmd = args.shift()!;
  if (cmd === 'nodes') {
    const unknown = args.filter((a) => a !== '--json');
    if (unknown.length > 0) throw new UsageError(`nodes: unexpected argument ${JSON.stringify(unknown[0])}`);
    return { kind: 'nodes', json: args.includes('--json') };
  }
  if (cmd !== 'run') throw new UsageError(`unknown command ${JSON.stringify(cmd)} (expected run or nodes; try --help)`);

  let graph: string | undefined;
  let out: string | undefined;
  let backend: BackendPreference = 'wasm';
  const sets: SetOption[] = [];
  let npy = false;
  let maxSize = 8192;
  const allowRead: string[] = [];
  let maxFileBytes = 256 * 1024 * 1024;
  let maxMemory = 1024 ** 3;
  let debug = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const takesValue = ['--out', '--backend', '--set', '--max-size', '--allow-read', '--max-file-size', '--max-memory'].includes(flag);
    let value: string | undefined;
    if (takesValue) {
      if (eq > 0) value = a.slice(eq + 1);
      else {
        value = args[++i];
        if (value === undefined) throw new UsageError(`${flag} needs a value`);
      }
    } else if (eq > 0) {
      throw new UsageError(`${flag} takes no value`);
    }
    switch (flag) {
      case '--out':
        out = value!;
        break;
      case '--backend':
        try {
          backend = parseBackendPreference(value!);
        } catch (e) {
          throw new UsageError(`--backend: ${(e as Error).message}`);
        }
        break;
      case '--set':
        sets.push(parseSet(value!));
        break;
      case '--max-size': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1) throw new UsageError(`--max-size ${value}: expected a positive whole number of pixels`);
        maxSize = n;
        break;
      }
      case '--allow-read':
        if (value === '') throw new UsageError('--allow-read needs a folder');
        allowRead.push(value!);
        break;
      case '--max-file-size':
        maxFileBytes = parseSize(flag, value!);
        break;
      case '--max-memory':
        maxMemory = parseSize(flag, value!);
        break;
      case '--npy':
        npy = true;
        break;
      case '--debug':
        debug = true;
        break;
      default:
        if (a.startsWith('-')) throw new UsageError(`unknown option ${a} (try --help)`);
        if (graph !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(a)} (one graph file per run)`);
        graph = a;
    }
  }
  if (graph === undefined) throw new UsageError('run: missing the graph file (pixel-loom run <graph.json> --out <dir>)');
  if (out === undefined || out === '') throw new UsageError('run: missing --out <dir>');
  return { kind: 'run', graph, out, backend, sets, npy, maxSize, allowRead, maxFileBytes, maxMemory, debug };
}
