/**
 * The bytes of one stored node result (resultStore.ts), the same in the CLI's cache folder
 * and the browser's IndexedDB: `PLR1\n`, a uint32 (little-endian) header length, the header
 * JSON `{ ports: { <port>: { kind: 'number', value } | { kind: 'tensor', dtype, shape, bytes } } }`,
 * then the tensors' values one after another in header order. Anything else — damaged,
 * truncated, foreign — decodes to null ("not stored").
 */
import type { StoredValue } from './resultStore';

const MAGIC = new Uint8Array([0x50, 0x4c, 0x52, 0x31, 0x0a]); // "PLR1\n"
const DTYPES = { float32: Float32Array, int32: Int32Array, bool: Uint8Array } as const;
type PortHeader = { kind: 'number'; value: number | string } | { kind: 'tensor'; dtype: keyof typeof DTYPES; shape: number[]; bytes: number };

export function encodeResult(outputs: Readonly<Record<string, StoredValue>>): Uint8Array {
  const ports: Record<string, PortHeader> = {};
  const chunks: Uint8Array[] = [];
  for (const [port, v] of Object.entries(outputs)) {
    if (v.kind === 'number') {
      // JSON has no Infinity / NaN: those travel as their names
      ports[port] = { kind: 'number', value: Number.isFinite(v.value) ? v.value : String(v.value) };
      continue;
    }
    if (!(v.dtype in DTYPES)) throw new Error(`cannot store a ${v.dtype} tensor`);
    const bytes = new Uint8Array(v.data.buffer, v.data.byteOffset, v.data.byteLength);
    ports[port] = { kind: 'tensor', dtype: v.dtype as keyof typeof DTYPES, shape: [...v.shape], bytes: bytes.length };
    chunks.push(bytes);
  }
  const header = new TextEncoder().encode(JSON.stringify({ ports }));
  const total = MAGIC.length + 4 + header.length + chunks.reduce((a, c) => a + c.length, 0);
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(MAGIC.length, header.length, true);
  let at = MAGIC.length + 4;
  out.set(header, at);
  at += header.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The outputs of stored bytes, or null when they are not a stored result. */
export function decodeResult(buf: Uint8Array): Record<string, StoredValue> | null {
  try {
    if (buf.length < MAGIC.length + 4 || MAGIC.some((b, i) => buf[i] !== b)) return null;
    const hlen = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(MAGIC.length, true);
    let at = MAGIC.length + 4;
    if (at + hlen > buf.length) return null;
    const header = JSON.parse(new TextDecoder().decode(buf.subarray(at, at + hlen))) as { ports?: Record<string, PortHeader> };
    at += hlen;
    const out: Record<string, StoredValue> = {};
    for (const [port, h] of Object.entries(header.ports ?? {})) {
      if (h.kind === 'number') {
        if (typeof h.value === 'string' && !['Infinity', '-Infinity', 'NaN'].includes(h.value)) return null;
        out[port] = { kind: 'number', value: typeof h.value === 'number' ? h.value : Number(h.value) };
        continue;
      }
      const Ctor = DTYPES[h.dtype];
      const size = h.shape.reduce((a, b) => a * b, 1);
      if (!Ctor || !Number.isInteger(h.bytes) || h.bytes !== size * Ctor.BYTES_PER_ELEMENT || at + h.bytes > buf.length) return null;
      // a copy: aligned for the typed array, and not tied to the stored buffer
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
