/** The Node host of the CLI: reads `image.load` sources from disk and data URLs. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

export interface NodeHostOptions {
  /** Folder that relative paths are resolved against (the graph file's folder). */
  readonly baseDir: string;
  readonly maxImageSide: number;
}

export function createNodeHost(opts: NodeHostOptions): Host {
  return {
    limits: { maxImageSide: opts.maxImageSide, hint: 'raise it with --max-size' },
    /** Shipped model files from the package's public/models. */
    readModelFile: (file: string) => readModelFileFromDisk(file),
    async readSource(source: string, signal?: AbortSignal): Promise<Uint8Array> {
      if (/^https?:\/\//i.test(source)) {
        throw new Error(`cannot fetch URLs from the CLI: ${source} (download the file and give its path)`);
      }
      if (/^data:/i.test(source)) return decodeDataUrl(source);
      const file = /^file:/i.test(source) ? fileURLToPath(source) : path.resolve(opts.baseDir, source);
      const shown = JSON.stringify(source);
      try {
        const buf = await readFile(file, { signal });
        return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
      } catch (e) {
        const code = errCode(e);
        if (code === 'ENOENT') throw new Error(`cannot read ${shown}: no such file (looked for ${file})`);
        if (code === 'EISDIR') throw new Error(`cannot read ${shown}: ${file} is a folder, not a file`);
        if (code === 'EACCES' || code === 'EPERM') throw new Error(`cannot read ${shown}: permission denied (${file})`);
        throw e;
      }
    },
  };
}
