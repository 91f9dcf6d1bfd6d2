/**
 * The CLI runs the model example graphs with the shipped weights (read from public/models
 * through the CLI host): files, shapes and the reconstruction score.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImageSync } from '../../src/nodes/lib/codec';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'pixel-loom.mjs');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'pl-models-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: os.tmpdir(), env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

function png(file: string): { width: number; height: number; channels: number } {
  return decodeImageSync(new Uint8Array(readFileSync(file)));
}

describe('pixel-loom run: model graphs (run from another folder: weights come from the package)', () => {
  it('vae-reconstruction and latent-walk write their images; the reconstruction scores SSIM ≥ 0.8', async () => {
    const [vae, walk] = await Promise.all([
      cli(['run', path.join(ROOT, 'graphs', 'vae-reconstruction.graph.json'), '--out', path.join(tmp, 'vae'), '--backend', 'wasm']),
      cli(['run', path.join(ROOT, 'graphs', 'latent-walk.graph.json'), '--out', path.join(tmp, 'walk'), '--backend', 'wasm']),
    ]);
    expect(vae.stderr).toBe('');
    expect(vae.code).toBe(0);
    const result = JSON.parse(readFileSync(path.join(tmp, 'vae', 'result.json'), 'utf8')) as { outputs: Record<string, Record<string, unknown>> };
    expect(result.outputs.ssim!.ssim).toBeGreaterThanOrEqual(0.8);
    expect(result.outputs.psnr!.psnr).toBeGreaterThan(15);
    const r = png(path.join(tmp, 'vae', 'vae-reconstruction.png'));
    expect([r.width, r.height, r.channels]).toEqual([28, 28, 1]);
    expect(walk.code).toBe(0);
    const w = png(path.join(tmp, 'walk', 'latent-walk.png'));
    expect([w.width, w.height]).toEqual([8 * 28 + 7 * 2, 28]);
  }, 120_000);

  it('restore-digits: five methods scored; gan restores more recognisable 5s than every interpolation', async () => {
    const res = await cli(['run', path.join(ROOT, 'graphs', 'restore-digits.graph.json'), '--out', path.join(tmp, 'restore'), '--backend', 'wasm']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const out = (JSON.parse(readFileSync(path.join(tmp, 'restore', 'result.json'), 'utf8')) as { outputs: Record<string, Record<string, number>> }).outputs;
    const rate = (id: string): number => out[id]!.rate!;
    expect(rate('recogniseOriginal')).toBeGreaterThanOrEqual(0.9);
    for (const m of ['telea', 'navierStokes', 'biharmonic', 'learned', 'gan']) {
      expect(out[`${m}Ssim`]!.ssim).toBeGreaterThan(0.5);
      expect(out[`${m}Ssim`]!.ssim).toBeLessThan(1);
      expect(out[`${m}Psnr`]!.psnr).toBeGreaterThan(10);
    }
    for (const m of ['telea', 'navierStokes', 'biharmonic']) expect(rate('ganRecognised'), m).toBeGreaterThan(rate(`${m}Recognised`));
    // measured: gan SSIM 0.92 / PSNR 20.0 dB; the others 0.83–0.85 / 16.0–16.8 dB
    for (const m of ['telea', 'navierStokes', 'biharmonic', 'learned']) {
      expect(out.ganSsim!.ssim, m).toBeGreaterThan(out[`${m}Ssim`]!.ssim!);
      expect(out.ganPsnr!.psnr, m).toBeGreaterThan(out[`${m}Psnr`]!.psnr!);
    }
  }, 120_000);

  it('conditional-gallery: every MNIST row is read as its class', async () => {
    const res = await cli(['run', path.join(ROOT, 'graphs', 'conditional-gallery.graph.json'), '--out', path.join(tmp, 'cond'), '--backend', 'wasm']);
    expect(res.code).toBe(0);
    const out = (JSON.parse(readFileSync(path.join(tmp, 'cond', 'result.json'), 'utf8')) as { outputs: Record<string, Record<string, number>> }).outputs;
    for (let c = 0; c < 10; c++) expect(out[`recognise${c}`]!.rate, `class ${c}`).toBeGreaterThanOrEqual(0.5);
  }, 120_000);

  it('gan-gallery writes 4×4 grids', async () => {
    const gan = await cli(['run', path.join(ROOT, 'graphs', 'gan-gallery.graph.json'), '--out', path.join(tmp, 'gan'), '--backend', 'wasm']);
    expect(gan.stderr).toBe('');
    expect(gan.code).toBe(0);
    for (const name of ['gan-mnist', 'gan-mnist-truncated', 'gan-fashion']) {
      const g = png(path.join(tmp, 'gan', `${name}.png`));
      expect([g.width, g.height, g.channels]).toEqual([118, 118, 1]);
    }
  }, 120_000);
});
