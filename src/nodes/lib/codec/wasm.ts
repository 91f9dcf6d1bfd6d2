/**
 * The WebAssembly codecs (libjpeg-turbo as MozJPEG, libwebp; the builds of @jsquash/jpeg and
 * @jsquash/webp), guarded: each runs in its own Emscripten instance whose messages are
 * captured, and a C-level `exit()` (libjpeg's fatal errors) is caught, turned into the
 * error it printed, and the instance is replaced — it never ends the process or the worker.
 *
 * The .wasm bytes come from the package files in Node and from the app's own assets in the
 * browser (`wasmUrls.ts`, bundled by Vite): the same binaries serve both.
 */

export type CodecName = 'jpeg' | 'webp';

interface DecoderModule {
  decode(data: BufferSource, preserveOrientation?: boolean): { data: Uint8ClampedArray; width: number; height: number } | null;
}

type Factory = (opts: Record<string, unknown>) => Promise<DecoderModule>;

const FILES: Record<CodecName, { pkg: string; glue: string; wasm: string }> = {
  jpeg: { pkg: '@jsquash/jpeg', glue: 'codec/dec/mozjpeg_dec.js', wasm: 'codec/dec/mozjpeg_dec.wasm' },
  webp: { pkg: '@jsquash/webp', glue: 'codec/dec/webp_dec.js', wasm: 'codec/dec/webp_dec.wasm' },
};

const isNode = typeof process === 'object' && typeof process.versions?.node === 'string' && typeof window === 'undefined';

async function wasmBytes(name: CodecName): Promise<ArrayBuffer> {
  if (isNode) {
    // Module names in variables so bundlers leave them alone.
    const modName = 'node:module';
    const fsName = 'node:fs/promises';
    const { createRequire } = (await import(/* @vite-ignore */ modName)) as typeof import('node:module');
    const fs = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs/promises');
    const file = createRequire(import.meta.url).resolve(`${FILES[name].pkg}/${FILES[name].wasm}`);
    const buf = await fs.readFile(file);
    return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  }
  const { WASM_URLS } = await import('./wasmUrls');
  const res = await fetch(WASM_URLS[name]);
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${WASM_URLS[name]}`);
  return res.arrayBuffer();
}

async function glue(name: CodecName): Promise<Factory> {
  const mod = (name === 'jpeg'
    ? await import('@jsquash/jpeg/codec/dec/mozjpeg_dec.js')
    : await import('@jsquash/webp/codec/dec/webp_dec.js')) as unknown as { default: Factory };
  return mod.default;
}

interface Codec {
  readonly factory: Factory;
  readonly module: WebAssembly.Module;
  instance: DecoderModule | null;
  /** Lines the C code printed (libjpeg's warnings and errors) since the last decode began. */
  readonly messages: string[];
}

const codecs = new Map<CodecName, Promise<Codec>>();

function load(name: CodecName): Promise<Codec> {
  let p = codecs.get(name);
  if (!p) {
    p = (async () => {
      const [factory, bytes] = await Promise.all([glue(name), wasmBytes(name)]);
      return { factory, module: await WebAssembly.compile(bytes), instance: null, messages: [] };
    })();
    p.catch(() => codecs.delete(name)); // a failed load is retried next time
    codecs.set(name, p);
  }
  return p;
}

async function instance(c: Codec): Promise<DecoderModule> {
  c.instance ??= await c.factory({
    noInitialRun: true,
    print: (s: string) => c.messages.push(String(s)),
    printErr: (s: string) => c.messages.push(String(s)),
    instantiateWasm: (imports: WebAssembly.Imports, done: (i: WebAssembly.Instance) => void) => {
      const inst = new WebAssembly.Instance(c.module, imports);
      done(inst);
      return inst.exports;
    },
  });
  return c.instance;
}

/** Loads a codec ahead of use (the CLI and the worker call it at start; decoding also does). */
export async function initCodec(name: CodecName): Promise<void> {
  await instance(await load(name));
}

export interface WasmDecoded {
  readonly rgba: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
  /** What the C library printed while decoding (warnings), in order. */
  readonly messages: readonly string[];
}

/** A failure inside the C library: its own words, when it printed any. */
export class CodecFailure extends Error {}

/**
 * Decodes with the named codec. Throws CodecFailure with the library's message when it fails
 * (returns null, aborts or exits); the instance is replaced after an abort or exit.
 */
export async function wasmDecode(name: CodecName, bytes: Uint8Array): Promise<WasmDecoded> {
  const c = await load(name);
  const m = await instance(c);
  c.messages.length = 0;
  let r: ReturnType<DecoderModule['decode']>;
  try {
    // MozJPEG's decode takes (data, preserveOrientation), libwebp's (data): orientation is ours.
    r = name === 'jpeg' ? m.decode(bytes as Uint8Array<ArrayBuffer>, false) : m.decode(bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    c.instance = null; // exit() or abort(): this instance's state is gone
    const said = c.messages.filter((s) => !/^(Program terminated|Aborted|exit\()/.test(s)).join('; ');
    throw new CodecFailure(said || (e instanceof Error ? e.message : String(e)));
  }
  const messages = c.messages.splice(0);
  if (!r) throw new CodecFailure(messages.join('; ') || 'the decoder rejected the data');
  return { rgba: r.data, width: r.width, height: r.height, messages };
}
