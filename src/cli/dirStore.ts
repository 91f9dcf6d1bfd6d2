/**
 * `--cache <dir>` (DESIGN.md §4, §6): node results kept between runs as content-addressed
 * files, `<dir>/<key[0:2]>/<key>.plr`. A file is written under a temporary name and renamed
 * into place, so a reader (another run, a concurrent batch worker) sees a whole file or none;
 * two writers of one key write the same bytes. A damaged or foreign file reads as "not
 * stored" — the node is computed again and the file replaced.
 *
 * File: `PLR1\n`, a uint32 (little-endian) header length, the header JSON
 * `{ ports: { <port>: { kind: 'number', value } | { kind: 'tensor', dtype, shape, bytes } } }`
 * and the tensors' values one after another, in header order.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ResultStore, StoredValue } from '../engine/resultStore';

const MAGIC = Buffer.from('PLR1\n', 'latin1');
const DTYPES = { float32: Float32Array, int32: Int32Array, bool: Uint8Array } as const;

type PortHeader = { kind: 'number'; value: number | string } | { kind: 'tensor'; dtype: keyof typeof DTYPES; shape: number[]; bytes: number };

export class DirStore implements ResultStore {
  constructor(readonly dir: string) {}

  private file(key: string): string {
    if (!/^[0-9a-z]+$/i.test(key)) throw new Error(`bad cache key ${JSON.stringify(key)}`);
    return path.join(this.dir, key.slice(0, 2), `${key}.plr`);
  }

  async get(key: string): Promise<Record<string, StoredValue> | null> {
    let buf: Buffer;
    try {
      buf = await readFile(this.file(key));
    } catch {
      return null;
    }
    return decode(buf);
  }

  async put(key: string, outputs: Readonly<Record<string, StoredValue>>): Promise<void> {
    const file = this.file(key);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, encode(outputs));
      await rename(tmp, file);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }
}

export function encode(outputs: Readonly<Record<string, StoredValue>>): Buffer {
  const ports: Record<string, PortHeader> = {};
  const chunks: Buffer[] = [];
  for (const [port, v] of Object.entries(outputs)) {
    if (v.kind === 'number') {
      // JSON has no Infinity / NaN: those travel as their names
      ports[port] = { kind: 'number', value: Number.isFinite(v.value) ? v.value : String(v.value) };
      continue;
    }
    if (!(v.dtype in DTYPES)) throw new Error(`cannot store a ${v.dtype} tensor`);
    const bytes = Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength);
    ports[port] = { kind: 'tensor', dtype: v.dtype as keyof typeof DTYPES, shape: [...v.shape], bytes: bytes.length };
    chunks.push(bytes);
  }
  const header = Buffer.from(JSON.stringify({ ports }), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length, 0);
  return Buffer.concat([MAGIC, len, header, ...chunks]);
}

/** The outputs of a stored file, or null when it is not one (damaged, truncated, foreign). */
export function decode(buf: Buffer): Record<string, StoredValue> | null {
  try {
    if (buf.length < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return null;
    const hlen = buf.readUInt32LE(MAGIC.length);
    let at = MAGIC.length + 4;
    if (at + hlen > buf.length) return null;
    const header = JSON.parse(buf.subarray(at, at + hlen).toString('utf8')) as { ports?: Record<string, PortHeader> };
    at += hlen;
    const out: Record<string, StoredValue> = {};
    for (const [port, h] of Object.entries(header.ports ?? {})) {
      if (h.kind === 'number') {
        const value = typeof h.value === 'number' ? h.value : Number(h.value);
        if (typeof h.value === 'string' && !['Infinity', '-Infinity', 'NaN'].includes(h.value)) return null;
        out[port] = { kind: 'number', value };
        continue;
      }
      const Ctor = DTYPES[h.dtype];
      const size = h.shape.reduce((a, b) => a * b, 1);
      if (!Ctor || !Number.isInteger(h.bytes) || h.bytes !== size * Ctor.BYTES_PER_ELEMENT || at + h.bytes > buf.length) return null;
      // a copy: aligned for the typed array, and not tied to the file's buffer
      const data = new Ctor(size);
      new Uint8Array(data.buffer).set(buf.subarray(at, at + h.bytes));
      at += h.bytes;
      out[port] = { kind: 'tensor', dtype: h.dtype, shape: h.shape, data };
    }
    return at === buf.length ? out : null;
  } catch {
    return null;
  }
}
