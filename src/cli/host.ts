/**
 * The Node host of the CLI: reads `image.load` sources from disk and data URLs.
 *
 * A graph file is untrusted input: the host reads only regular files (never a device, FIFO,
 * socket or folder), only inside the allowed folders (the graph file's folder, and those
 * given with `--allow-read`; symbolic links are followed before the check), and only up to
 * a size limit checked before reading (`--max-file-size`). A refusal is a ReadRefused error
 * naming the source and the rule.
 */
import { constants as fsc } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatBytes } from '../engine/evaluate';
import type { Host } from '../engine/types';
import { readModelFileFromDisk } from '../models/nodeIO';

/** Decodes a `data:` URL (base64 or percent-encoded) to bytes. */
export function decodeDataUrl(url: string): Uint8Array {
  const comma = url.indexOf(',');
  if (!url.startsWith('data:') || comma < 0) throw new Error('malformed data URL (expected data:[<type>][;base64],<data>)');
  const meta = url.slice(5, comma);
  const body = url.slice(comma + 1);
  if (/;base64$/i.test(meta)) {
    const clean = body.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean)) throw new Error('malformed data URL: the base64 data has invalid characters');
    return new Uint8Array(Buffer.from(clean, 'base64'));
  }
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === '%' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 1, i + 3))) {
      bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(ch, 'utf8')) bytes.push(b);
    }
  }
  return new Uint8Array(bytes);
}

function errCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

/** Default largest file an image.load source (or a custom model file) may be: 256 MiB. */
export const DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024;

export interface NodeHostOptions {
  /** Folder that relative paths are resolved against (the graph file's folder). */
  readonly baseDir: string;
  readonly maxImageSide: number;
  /** Folders files may be read from besides baseDir (`--allow-read`). */
  readonly allowRead?: readonly string[];
  /** Largest file read, in bytes (default DEFAULT_MAX_FILE_BYTES). */
  readonly maxFileBytes?: number;
}

/** A source the CLI will not read (outside the allowed folders, not a regular file, too big). */
export class ReadRefused extends Error {
  override name = 'ReadRefused';
  constructor(
    readonly source: string,
    readonly rule: string,
  ) {
    super(`source ${JSON.stringify(source)} is refused: ${rule}`);
  }
}

export interface NodeHost extends Host {
  /**
   * Checks a source against the read rules without reading it: throws ReadRefused when it
   * breaks one. URLs, data URLs and missing files pass (they fail, if at all, when read).
   */
  checkSource(source: string): Promise<void>;
}

function kindOf(st: { isDirectory(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

export function createNodeHost(opts: NodeHostOptions): NodeHost {
  const maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  /** Real paths of the allowed folders (resolved once; a missing folder allows nothing). */
  let roots: Promise<string[]> | null = null;
  const allowedRoots = (): Promise<string[]> =>
    (roots ??= Promise.all(
      [opts.baseDir, ...(opts.allowRead ?? [])].map((d) =>
        realpath(path.resolve(d)).catch(() => null),
      ),
    ).then((list) => list.filter((d): d is string => d !== null)));

  const fileOf = (source: string): string => (/^file:/i.test(source) ? fileURLToPath(source) : path.resolve(opts.baseDir, source));

  /** The regular-file and size rules, on a stat of the path or of the opened file. */
  function refuseUnlessSmallFile(source: string, real: string, st: Awaited<ReturnType<typeof stat>>): void {
    if (!st.isFile()) throw new ReadRefused(source, `${real} is ${kindOf(st)}, not a regular file`);
    if (st.size > maxFileBytes) throw new ReadRefused(source, `${real} is ${formatBytes(Number(st.size))}, above the file size limit of ${formatBytes(maxFileBytes)} (raise it with --max-file-size)`);
  }

  /** The real path of a source after the rules (inside the roots, a regular file, small enough); null when it does not exist. */
  async function vet(source: string): Promise<{ real: string; size: number } | null> {
    const file = fileOf(source);
    let real: string;
    try {
      real = await realpath(file);
    } catch (e) {
      if (errCode(e) === 'ENOENT' || errCode(e) === 'ENOTDIR') return null;
      throw e;
    }
    const rootList = await allowedRoots();
    if (!rootList.some((r) => real === r || real.startsWith(r.endsWith(path.sep) ? r : r + path.sep))) {
      const where = real === file ? real : `${file} → ${real}`;
      throw new ReadRefused(source, `${where} is outside the folders the CLI reads (the graph file's folder ${rootList[0] ?? opts.baseDir}${rootList.length > 1 ? ` and --allow-read ${rootList.slice(1).join(', ')}` : ''}); allow its folder with --allow-read <dir>`);
    }
    const st = await stat(real);
    refuseUnlessSmallFile(source, real, st);
    return { real, size: st.size };
  }

  return {
    limits: { maxImageSide: opts.maxImageSide, hint: 'raise it with --max-size' },
    /** Shipped model files from the package's public/models. */
    readModelFile: (file: string) => readModelFileFromDisk(file),
    async checkSource(source: string): Promise<void> {
      if (/^(https?|data):/i.test(source) || source === '') return;
      await vet(source);
    },
    async readSource(source: string, signal?: AbortSignal): Promise<Uint8Array> {
      if (/^https?:\/\//i.test(source)) {
        throw new Error(`cannot fetch URLs from the CLI: ${source} (download the file and give its path)`);
      }
      if (/^data:/i.test(source)) return decodeDataUrl(source);
      const shown = JSON.stringify(source);
      const file = fileOf(source);
      try {
        const vetted = await vet(source);
        if (!vetted) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
        // O_NONBLOCK: a path swapped for a FIFO after the check must not hang the open;
        // the descriptor is checked again, and never more than the limit is read.
        const fh = await open(vetted.real, fsc.O_RDONLY | fsc.O_NONBLOCK | (fsc.O_NOFOLLOW ?? 0));
        try {
          const st = await fh.stat();
          refuseUnlessSmallFile(source, vetted.real, st);
          const buf = new Uint8Array(st.size);
          let got = 0;
          while (got < buf.length) {
            signal?.throwIfAborted();
            const { bytesRead } = await fh.read(buf, got, buf.length - got, got);
            if (bytesRead === 0) break;
            got += bytesRead;
          }
          return got === buf.length ? buf : buf.subarray(0, got);
        } finally {
          await fh.close();
        }
      } catch (e) {
        if (e instanceof ReadRefused) throw e;
        const code = errCode(e);
        if (code === 'ENOENT') throw new Error(`cannot read ${shown}: no such file (looked for ${file})`);
        if (code === 'EISDIR') throw new Error(`cannot read ${shown}: ${file} is a folder, not a file`);
        if (code === 'EACCES' || code === 'EPERM') throw new Error(`cannot read ${shown}: permission denied (${file})`);
        throw e;
      }
    },
  };
}
