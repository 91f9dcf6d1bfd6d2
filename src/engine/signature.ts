/**
 * Cache signatures (DESIGN.md §4): a canonical JSON text of a node's identity (type,
 * definition version, effective params, input signatures, resource signature) hashed to a
 * short hex string. Environment-neutral (no Node or DOM APIs).
 */

/**
 * Stable canonical JSON: object keys sorted by UTF-16 code units, no whitespace, numbers as
 * JSON writes them (so -0 and 0 are the same), `undefined` object members omitted (as JSON
 * does). Non-finite numbers, which JSON cannot hold, are written as the bare tokens `NaN`,
 * `Infinity`, `-Infinity` so they never collide with the strings "NaN" etc. Typed arrays are
 * written as `{"$typed":"Float32Array","data":[…]}`. Functions, symbols, bigints and cycles
 * throw a TypeError.
 */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts, new Set());
  return parts.join('');
}

function write(v: unknown, out: string[], stack: Set<object>): void {
  switch (typeof v) {
    case 'number':
      out.push(Number.isFinite(v) ? JSON.stringify(v) : String(v));
      return;
    case 'string':
      out.push(JSON.stringify(v));
      return;
    case 'boolean':
      out.push(v ? 'true' : 'false');
      return;
    case 'undefined':
      out.push('null');
      return;
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: cannot encode a ${typeof v}`);
  }
  if (v === null) {
    out.push('null');
    return;
  }
  if (stack.has(v)) throw new TypeError('canonicalJson: cyclic structure');
  stack.add(v);
  if (Array.isArray(v)) {
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(',');
      write(v[i], out, stack);
    }
    out.push(']');
  } else if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const arr = v as unknown as ArrayLike<number | bigint>;
    out.push(`{"$typed":${JSON.stringify(v.constructor.name)},"data":[`);
    for (let i = 0; i < arr.length; i++) {
      if (i > 0) out.push(',');
      const x = arr[i]!;
      out.push(typeof x === 'bigint' ? x.toString() : Number.isFinite(x) ? JSON.stringify(x) : String(x));
    }
    out.push(']}');
  } else if (typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    write((v as { toJSON(): unknown }).toJSON(), out, stack);
  } else {
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj).sort();
    out.push('{');
    let first = true;
    for (const k of keys) {
      const x = obj[k];
      if (x === undefined) continue;
      if (!first) out.push(',');
      first = false;
      out.push(JSON.stringify(k), ':');
      write(x, out, stack);
    }
    out.push('}');
  }
  stack.delete(v);
}

// FNV-1a 64-bit, computed exactly with two 32-bit halves held in doubles, followed by the
// MurmurHash3 fmix64 finalizer (a bijection) so that every input bit affects every output bit.
const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;
const TWO32 = 4294967296;
const MASK64 = (1n << 64n) - 1n;

function finish(hi: number, lo: number): string {
  let k = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  k ^= k >> 33n;
  k = (k * 0xff51afd7ed558ccdn) & MASK64;
  k ^= k >> 33n;
  k = (k * 0xc4ceb9fe1a85ec53n) & MASK64;
  k ^= k >> 33n;
  return k.toString(16).padStart(16, '0');
}

function fnvBytes(bytes: Uint8Array): [number, number] {
  let hi = OFFSET_HI;
  let lo = OFFSET_LO;
  for (let i = 0; i < bytes.length; i++) {
    lo = (lo ^ bytes[i]!) >>> 0;
    // (hi·2^32 + lo) · (2^40 + 0x1b3) mod 2^64
    const l = lo * 0x1b3;
    hi = (hi * 0x1b3 + Math.floor(l / TWO32) + ((lo << 8) >>> 0)) >>> 0;
    lo = l >>> 0;
  }
  return [hi, lo];
}

/** Plain FNV-1a 64 (no finalizer), 16 hex digits; exported for its published test vectors. */
export function fnv1a64(bytes: Uint8Array): string {
  const [hi, lo] = fnvBytes(bytes);
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}

/** 64-bit hash (16 hex digits) of raw bytes, e.g. the content hash of a loaded file. */
export function hashBytes(bytes: Uint8Array): string {
  const [hi, lo] = fnvBytes(bytes);
  return finish(hi, lo);
}

/**
 * 64-bit hash (16 hex digits) of a string's UTF-8 encoding (lone surrogates as U+FFFD, as
 * TextEncoder does), so `hashString(s) === hashBytes(new TextEncoder().encode(s))`.
 */
export function hashString(s: string): string {
  let hi = OFFSET_HI;
  let lo = OFFSET_LO;
  const feed = (b: number): void => {
    lo = (lo ^ b) >>> 0;
    const l = lo * 0x1b3;
    hi = (hi * 0x1b3 + Math.floor(l / TWO32) + ((lo << 8) >>> 0)) >>> 0;
    lo = l >>> 0;
  };
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdfff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (cp <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else {
        cp = 0xfffd;
      }
    }
    if (cp < 0x80) {
      feed(cp);
    } else if (cp < 0x800) {
      feed(0xc0 | (cp >> 6));
      feed(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      feed(0xe0 | (cp >> 12));
      feed(0x80 | ((cp >> 6) & 0x3f));
      feed(0x80 | (cp & 0x3f));
    } else {
      feed(0xf0 | (cp >> 18));
      feed(0x80 | ((cp >> 12) & 0x3f));
      feed(0x80 | ((cp >> 6) & 0x3f));
      feed(0x80 | (cp & 0x3f));
    }
  }
  return finish(hi, lo);
}

/** Hash of a value's canonical JSON. */
export function hashValue(value: unknown): string {
  return hashString(canonicalJson(value));
}

/**
 * The cache key of one node evaluation. `inputSignatures` maps each declared input port to
 * the signature of the value wired into it (see `inputSignature`), or null when an optional
 * input is left unconnected. `resourceSignature` is the loaded resource's signature (e.g. the
 * content hash of an image file's bytes), when the node has one.
 */
export function nodeSignature(
  type: string,
  version: number,
  effectiveParams: Readonly<Record<string, unknown>>,
  inputSignatures: Readonly<Record<string, string | null>>,
  resourceSignature?: string,
): string {
  return hashValue({ t: type, v: version, p: effectiveParams, i: inputSignatures, r: resourceSignature ?? null });
}

/** Signature of the value on an output port: the producing node's signature and the port. */
export function inputSignature(nodeSig: string, port: string): string {
  return `${nodeSig}.${port}`;
}
