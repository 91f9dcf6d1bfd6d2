/**
 * Node-only model file access (CLI host, training and evaluation scripts, tests): reads model
 * files under public/models and saves tfjs LayersModels as model.json + one weights .bin,
 * optionally quantized to float16. Never import this from browser code (it uses node:fs).
 */
import * as tf from '@tensorflow/tfjs-core';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (the folder holding package.json), found from this file. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the pixel-loom package root (no package.json above src/models)');
}

/** public/models of this package. */
export function modelsRoot(): string {
  return path.join(packageRoot(), 'public', 'models');
}

/**
 * Reads a model file. `file` is relative to `root` (public/models by default), e.g.
 * `mnist-vae/decoder/model.json`; `..` may not leave the root. Absolute paths and file: URLs
 * (custom models) are read as given.
 */
export async function readModelFileFromDisk(file: string, root = modelsRoot()): Promise<Uint8Array> {
  let full: string;
  if (/^file:/i.test(file)) full = fileURLToPath(file);
  else if (path.isAbsolute(file)) full = file;
  else {
    full = path.resolve(root, file);
    if (!full.startsWith(path.resolve(root) + path.sep)) throw new Error(`model file ${JSON.stringify(file)} lies outside the models folder ${root}`);
  }
  try {
    const b = await readFile(full);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') throw new Error(`cannot read model file ${JSON.stringify(file)}: no such file (looked for ${full})`);
    throw e;
  }
}

function toFloat16Bits(v: number): number {
  // Round-to-nearest-even float32 → float16 conversion.
  const f32 = new Float32Array([v]);
  const x = new Uint32Array(f32.buffer)[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  e = half >>> 10;
  return sign | half;
}

/** Converts float32 values to IEEE float16 bit patterns. */
export function float32ToFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toFloat16Bits(values[i]!);
  return out;
}

/**
 * An IOHandler that writes `<dir>/model.json` and `<dir>/weights.bin`. With `float16`, every
 * float32 weight is stored as float16 (the weights manifest says so; tfjs decodes it on load).
 */
export function fileSaveHandler(dir: string, opts: { float16?: boolean } = {}): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      await mkdir(dir, { recursive: true });
      const specs = artifacts.weightSpecs ?? [];
      const data = artifacts.weightData ? tf.io.CompositeArrayBuffer.join(artifacts.weightData as ArrayBuffer | ArrayBuffer[]) : new ArrayBuffer(0);
      let bytes = new Uint8Array(data);
      let outSpecs: tf.io.WeightsManifestEntry[] = specs.map((s) => ({ ...s }));
      if (opts.float16) {
        const parts: Uint8Array[] = [];
        let off = 0;
        outSpecs = specs.map((s) => {
          const n = s.shape.reduce((a, b) => a * b, 1);
          if (s.dtype === 'float32') {
            const f = new Float32Array(data.slice(off, off + 4 * n));
            off += 4 * n;
            parts.push(new Uint8Array(float32ToFloat16(f).buffer));
            return { ...s, quantization: { dtype: 'float16' as const } };
          }
          const size = 4 * n;
          parts.push(new Uint8Array(data.slice(off, off + size)));
          off += size;
          return { ...s };
        });
        const total = parts.reduce((a, p) => a + p.length, 0);
        bytes = new Uint8Array(total);
        let o = 0;
        for (const p of parts) {
          bytes.set(p, o);
          o += p.length;
        }
      }
      const json = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: ['weights.bin'], weights: outSpecs }],
        // e.g. a class-conditional generator's { conditional: { latent, classes } }
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      await writeFile(path.join(dir, 'model.json'), JSON.stringify(json));
      await writeFile(path.join(dir, 'weights.bin'), bytes);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: bytes.length } };
    },
  };
}
