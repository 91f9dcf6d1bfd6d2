/**
 * The real CLI, spawned as a user runs it (`node bin/pixel-loom.mjs run …`): every example
 * graph, --set, --npy, --backend, and the bad-input paths with their one-line messages.
 * All spawns start together in beforeAll (each costs ~1–2 s of tsx + wasm start-up).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeNpy } from '../../src/cli/npy';
import { ROOT, cli, type CliRun as Run } from '../helpers/spawnCli';
import { decodeImageSync } from '../../src/nodes/lib/codec';

const GRAPHS = path.join(ROOT, 'graphs');



type OutputEntry = number | string | { file: string; shape: number[] };
interface ResultJson {
  backend: string;
  outputs: Record<string, Record<string, OutputEntry>>;
  timings: Record<string, number>;
  errors?: Record<string, string>;
}

let tmp = '';
const runs: Record<string, Run> = {};
const out = (name: string): string => path.join(tmp, name);
const result = (name: string): ResultJson => JSON.parse(readFileSync(path.join(out(name), 'result.json'), 'utf8')) as ResultJson;
const num = (r: ResultJson, node: string, port: string): number => {
  const v = r.outputs[node]?.[port];
  if (typeof v !== 'number') throw new Error(`outputs.${node}.${port} is ${JSON.stringify(v)}, not a number`);
  return v;
};
const png = (dir: string, file: string): ReturnType<typeof decodeImageSync> => decodeImageSync(new Uint8Array(readFileSync(path.join(out(dir), file))));

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'pixel-loom-cli-'));
  // inputs for the bad-input cases
  writeFileSync(path.join(tmp, 'malformed.graph.json'), '{ "format": "pixel-loom.graph", "version": 1, ');
  const doc = (nodes: unknown[], edges: unknown[]): string =>
    JSON.stringify({ format: 'pixel-loom.graph', version: 1, name: 't', nodes, edges });
  const n = (id: string, type: string, params: Record<string, unknown> = {}): unknown => ({ id, type, params, position: { x: 0, y: 0 } });
  const e = (a: string, b: string, port = 'image'): unknown => ({ from: { node: a, port: 'image' }, to: { node: b, port } });
  writeFileSync(path.join(tmp, 'cycle.graph.json'), doc([n('a', 'noise.gaussian'), n('b', 'noise.uniform')], [e('a', 'b'), e('b', 'a')]));
  writeFileSync(path.join(tmp, 'page.png'), '<!DOCTYPE html><html><body>not found</body></html>');
  writeFileSync(
    path.join(tmp, 'notimage.graph.json'),
    doc(
      [n('load', 'image.load', { source: 'page.png' }), n('save', 'image.save', { name: 'loaded' }), n('gen', 'generate.noise', { width: 8, height: 6, channels: 'gray', seed: 3 }), n('mse', 'metric.mse'), n('psnr', 'metric.psnr')],
      [e('load', 'save'), e('gen', 'mse', 'a'), e('gen', 'mse', 'b'), e('gen', 'psnr', 'a'), e('gen', 'psnr', 'b')],
    ),
  );
  writeFileSync(path.join(tmp, 'a-file'), 'x');
  // read rules (issue 10): graphs in their own folder naming files they must not read
  const rules = path.join(tmp, 'rules');
  const outside = path.join(tmp, 'outside');
  mkdirSync(rules);
  mkdirSync(outside);
  copyFileSync(path.join(GRAPHS, 'assets', 'camera.png'), path.join(outside, 'cam.png'));
  copyFileSync(path.join(GRAPHS, 'assets', 'camera.png'), path.join(rules, 'inside.png'));
  symlinkSync(path.join(outside, 'cam.png'), path.join(rules, 'link.png'));
  execFileSync('mkfifo', [path.join(rules, 'pipe.png')]);
  const loadGraph = (file: string, source: string): string => {
    const g = path.join(rules, file);
    writeFileSync(g, doc([n('load', 'image.load', { source }), n('save', 'image.save', { name: 'got' })], [e('load', 'save')]));
    return g;
  };
  const devZero = loadGraph('zero.graph.json', '/dev/zero');
  const fifo = loadGraph('fifo.graph.json', 'pipe.png');
  const escape = loadGraph('escape.graph.json', '../outside/cam.png');
  const link = loadGraph('link.graph.json', 'link.png');
  const inside = loadGraph('inside.graph.json', 'inside.png');

  // 640² RGB through blur and median: large enough to be split into bands with --threads
  writeFileSync(
    path.join(tmp, 'big.graph.json'),
    doc(
      [n('gen', 'generate.noise', { width: 640, height: 600, channels: 'rgb', seed: 5 }), n('blur', 'filter.gaussianBlur', { sigma: 2 }), n('med', 'filter.median', { size: 5 }), n('save', 'image.save', { name: 'big' })],
      [e('gen', 'blur'), e('blur', 'med'), e('med', 'save')],
    ),
  );
  // bypass and mute (format version 2): the denoise example with blur bypassed, median muted
  const modes = path.join(tmp, 'modes');
  mkdirSync(path.join(modes, 'assets'), { recursive: true });
  copyFileSync(path.join(GRAPHS, 'assets', 'camera16.png'), path.join(modes, 'assets', 'camera16.png'));
  const denoise = JSON.parse(readFileSync(path.join(GRAPHS, 'denoise.graph.json'), 'utf8')) as { nodes: { id: string; mode?: string }[] };
  for (const node of denoise.nodes) {
    if (node.id === 'blur') node.mode = 'bypass';
    if (node.id === 'median') node.mode = 'mute';
  }
  writeFileSync(path.join(modes, 'modes.graph.json'), JSON.stringify(denoise));
  const jobs: Record<string, Promise<Run>> = {
    modes: cli(['run', path.join(modes, 'modes.graph.json'), '--out', out('modes')]),
    oneThread: cli(['run', path.join(tmp, 'big.graph.json'), '--out', out('oneThread'), '--npy']),
    threeThreads: cli(['run', path.join(tmp, 'big.graph.json'), '--out', out('threeThreads'), '--npy', '--threads', '3']),
    denoise: cli(['run', 'graphs/denoise.graph.json', '--out', out('denoise')]),
    edges: cli(['run', 'graphs/edges.graph.json', '--out', out('edges')]),
    // from another working directory, with a relative --out
    gallery: cli(['run', path.join(GRAPHS, 'noise-gallery.graph.json'), '--out', 'gallery'], tmp),
    sharpen: cli(['run', 'graphs/sharpen.graph.json', '--out', out('sharpen')]),
    setNpy: cli(['run', 'graphs/denoise.graph.json', '--out', out('setNpy'), '--set', 'noisy.sigma=0.2', '--set', 'saveNoisy.name=noisier', '--npy']),
    sixteen: cli(['run', 'graphs/denoise.graph.json', '--out', out('sixteen'), '--set', 'saveMedian.bitDepth=16', '--npy']),
    bitDepth: cli(['run', 'graphs/denoise.graph.json', '--out', out('x'), '--set', 'saveMedian.bitDepth=12']),
    missing: cli(['run', 'graphs/nope.graph.json', '--out', out('x')]),
    malformed: cli(['run', path.join(tmp, 'malformed.graph.json'), '--out', out('x')]),
    cycle: cli(['run', path.join(tmp, 'cycle.graph.json'), '--out', out('x')]),
    setRange: cli(['run', 'graphs/denoise.graph.json', '--out', out('x'), '--set', 'noisy.sigma=-1']),
    backend: cli(['run', 'graphs/denoise.graph.json', '--out', out('x'), '--backend', 'metal']),
    notImage: cli(['run', path.join(tmp, 'notimage.graph.json'), '--out', out('notImage'), '--backend', 'cpu']),
    outDir: cli(['run', 'graphs/denoise.graph.json', '--out', path.join(tmp, 'a-file', 'sub')]),
    help: cli(['--help']),
    devZero: cli(['run', devZero, '--out', out('x')]),
    fifo: cli(['run', fifo, '--out', out('x')]),
    escape: cli(['run', escape, '--out', out('x')]),
    link: cli(['run', link, '--out', out('x')]),
    allowed: cli(['run', escape, '--out', out('allowed'), '--allow-read', outside, '--backend', 'cpu']),
    tooBig: cli(['run', inside, '--out', out('x'), '--max-file-size', '1k']),
    memory: cli(['run', 'graphs/noise-gallery.graph.json', '--out', out('memory'), '--max-memory', '64k', '--backend', 'cpu']),
  };
  const done = await Promise.all(Object.entries(jobs).map(async ([k, p]) => [k, await p] as const));
  for (const [k, r] of done) runs[k] = r;
}, 120_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('--threads', () => {
  it('splitting large images over 3 threads writes exactly the single-thread result', () => {
    expectOk('oneThread');
    expectOk('threeThreads');
    const one = decodeNpy(readFileSync(path.join(out('oneThread'), 'big.npy')));
    const three = decodeNpy(readFileSync(path.join(out('threeThreads'), 'big.npy')));
    expect(three.shape).toEqual([600, 640, 3]);
    expect((result('threeThreads') as unknown as { threads: number }).threads).toBe(3);
    expect((result('oneThread') as unknown as { threads: number }).threads).toBe(1);
    expect(Buffer.from(three.data.buffer).equals(Buffer.from(one.data.buffer))).toBe(true);
  });
});

function expectOk(name: string): void {
  const r = runs[name]!;
  expect(r.stderr, `stderr of ${name}`).toBe(''); // quiet when stderr is not a TTY
  expect(r.code).toBe(0);
}

function expectFile(dir: string, entry: OutputEntry | undefined, file: string, shape: number[]): void {
  expect(entry).toEqual({ file, shape });
  const img = png(dir, file);
  expect([img.height, img.width, img.channels]).toEqual(shape);
}

describe('pixel-loom run: example graphs', () => {
  it('denoise: files, shapes, and restored images score better than the noisy one', () => {
    expectOk('denoise');
    const r = result('denoise');
    expect(r.backend).toBe('wasm');
    expect(r.errors).toBeUndefined();
    expectFile('denoise', r.outputs.saveNoisy?.image, 'noisy.png', [128, 128, 1]);
    expectFile('denoise', r.outputs.saveMedian?.image, 'denoised-median.png', [128, 128, 1]);
    expectFile('denoise', r.outputs.saveBlur?.image, 'denoised-blur.png', [128, 128, 1]);
    // the SSIM nodes are sinks, so their map output is written too
    expectFile('denoise', r.outputs.ssimNoisy?.map, 'ssimNoisy.map.png', [128, 128, 1]);
    const ssim = { noisy: num(r, 'ssimNoisy', 'ssim'), median: num(r, 'ssimMedian', 'ssim'), blur: num(r, 'ssimBlur', 'ssim') };
    const psnr = { noisy: num(r, 'psnrNoisy', 'psnr'), median: num(r, 'psnrMedian', 'psnr'), blur: num(r, 'psnrBlur', 'psnr') };
    for (const v of Object.values(ssim)) {
      expect(v).toBeGreaterThan(0.1);
      expect(v).toBeLessThan(1);
    }
    // σ = 0.1 noise (clipped) gives PSNR ≈ 20 dB
    expect(psnr.noisy).toBeGreaterThan(19);
    expect(psnr.noisy).toBeLessThan(22);
    expect(ssim.median).toBeGreaterThan(ssim.noisy);
    expect(ssim.blur).toBeGreaterThan(ssim.noisy);
    expect(psnr.median).toBeGreaterThan(psnr.noisy);
    expect(psnr.blur).toBeGreaterThan(psnr.noisy);
    for (const id of ['load', 'noisy', 'median', 'blur', 'ssimNoisy', 'saveBlur']) expect(r.timings[id]).toBeGreaterThanOrEqual(0);
  });

  it('bypass and mute are honoured: a bypassed blur passes the noisy image, a muted median writes nothing', () => {
    expectOk('modes');
    const r = result('modes') as ResultJson & { skipped?: Record<string, string> };
    expect(r.errors).toBeUndefined();
    expect(r.skipped).toEqual({
      saveMedian: 'muted: an input comes from muted node "median"',
      ssimMedian: 'muted: an input comes from muted node "median"',
      psnrMedian: 'muted: an input comes from muted node "median"',
    });
    expect(r.outputs.ssimMedian).toBeUndefined();
    expect(existsSync(path.join(out('modes'), 'denoised-median.png'))).toBe(false);
    // the bypassed blur passes its input: the "blurred" image is the noisy one, bit for bit
    expect(readFileSync(path.join(out('modes'), 'denoised-blur.png'))).toEqual(readFileSync(path.join(out('modes'), 'noisy.png')));
    expect(num(r, 'psnrBlur', 'psnr')).toBe(num(r, 'psnrNoisy', 'psnr'));
    expect(num(r, 'ssimBlur', 'ssim')).toBe(num(r, 'ssimNoisy', 'ssim'));
    expect(num(r, 'psnrNoisy', 'psnr')).toBeLessThan(22);
  });

  it('edges: a JPEG in, gray edge maps out', () => {
    expectOk('edges');
    const r = result('edges');
    expectFile('edges', r.outputs.saveSobel?.image, 'edges-sobel.png', [128, 128, 1]);
    expectFile('edges', r.outputs.saveLaplacian?.image, 'edges-laplacian.png', [128, 128, 1]);
    const sobel = png('edges', 'edges-sobel.png').data;
    const max = sobel.reduce((a, b) => Math.max(a, b), 0);
    const mean = sobel.reduce((a, b) => a + b, 0) / sobel.length;
    expect(max).toBeGreaterThan(0.1); // there are edges …
    expect(mean).toBeLessThan(0.15); // … and most of the image is not an edge
  });

  it('noise gallery (run from another folder): five images with their shapes', () => {
    expectOk('gallery');
    const r = result('gallery');
    expectFile('gallery', r.outputs.saveGenGaussian?.image, 'generated-gaussian.png', [128, 128, 3]);
    expectFile('gallery', r.outputs.saveGenUniform?.image, 'generated-uniform.png', [128, 128, 1]);
    expectFile('gallery', r.outputs.saveGaussian?.image, 'astronaut-gaussian.png', [256, 256, 3]);
    expectFile('gallery', r.outputs.saveUniform?.image, 'astronaut-uniform.png', [256, 256, 3]);
    expectFile('gallery', r.outputs.saveSaltPepper?.image, 'astronaut-salt-pepper.png', [256, 256, 3]);
    // uniform noise on [0, 1]: mean 0.5 ± 0.02 over 16384 samples
    const u = png('gallery', 'generated-uniform.png').data;
    expect(u.reduce((a, b) => a + b, 0) / u.length).toBeCloseTo(0.5, 1);
  });

  it('sharpen: the unsharp mask brings the blurred image closer to the original', () => {
    expectOk('sharpen');
    const r = result('sharpen');
    expectFile('sharpen', r.outputs.saveBlurred?.image, 'blurred.png', [256, 256, 1]);
    expectFile('sharpen', r.outputs.saveSharpened?.image, 'sharpened.png', [256, 256, 1]);
    const blurred = { psnr: num(r, 'psnrBlurred', 'psnr'), ssim: num(r, 'ssimBlurred', 'ssim') };
    const sharp = { psnr: num(r, 'psnrSharpened', 'psnr'), ssim: num(r, 'ssimSharpened', 'ssim') };
    expect(blurred.psnr).toBeGreaterThan(20);
    expect(blurred.psnr).toBeLessThan(35);
    expect(sharp.psnr).toBeGreaterThan(blurred.psnr);
    expect(sharp.ssim).toBeGreaterThan(blurred.ssim);
  });
});

describe('pixel-loom run: --set and --npy', () => {
  it('--set changes a result and a file name', () => {
    expectOk('setNpy');
    const base = result('denoise');
    const r = result('setNpy');
    // σ 0.2 instead of 0.1: about 6 dB worse (clipping makes it a little less)
    const drop = num(base, 'psnrNoisy', 'psnr') - num(r, 'psnrNoisy', 'psnr');
    expect(drop).toBeGreaterThan(4);
    expect(drop).toBeLessThan(7);
    expect(r.outputs.saveNoisy?.image).toEqual({ file: 'noisier.png', shape: [128, 128, 1] });
    expect(existsSync(path.join(out('setNpy'), 'noisy.png'))).toBe(false);
  });

  it('--npy writes a float32 HWC .npy beside each PNG', () => {
    const raw = new Uint8Array(readFileSync(path.join(out('setNpy'), 'denoised-median.npy')));
    expect(String.fromCharCode(...raw.subarray(1, 6))).toBe('NUMPY');
    expect([raw[6], raw[7]]).toEqual([1, 0]); // format version 1.0
    const npy = decodeNpy(raw);
    expect(npy.header).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(128, 128, 1\), \}\s*\n$/);
    expect((10 + npy.header.length) % 64).toBe(0);
    const img = png('setNpy', 'denoised-median.png');
    // the PNG is the .npy rounded to 8 bits: equal within half a level
    let worst = 0;
    for (let i = 0; i < img.data.length; i++) worst = Math.max(worst, Math.abs(img.data[i]! - Math.min(1, Math.max(0, npy.data[i]!))));
    expect(worst).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
    expect(existsSync(path.join(out('setNpy'), 'ssimMedian.map.npy'))).toBe(true);
  });
});

describe('image.save bitDepth', () => {
  it('16 writes a 16-bit PNG equal to the float result within half a 16-bit level; the others stay 8-bit', () => {
    expectOk('sixteen');
    const img = png('sixteen', 'denoised-median.png');
    expect(img.bitDepth).toBe(16);
    expect(img.max).toBe(65535);
    expect(png('sixteen', 'noisy.png').bitDepth).toBe(8);
    const npy = decodeNpy(readFileSync(path.join(out('sixteen'), 'denoised-median.npy')));
    expect(img.data.length).toBe(npy.data.length);
    let worst = 0;
    let offGrid = 0; // values an 8-bit file could not hold: proves the extra precision is there
    for (let i = 0; i < img.data.length; i++) {
      const want = Math.min(1, Math.max(0, npy.data[i]!));
      worst = Math.max(worst, Math.abs(img.data[i]! - want));
      if (Math.abs(img.data[i]! * 255 - Math.round(img.data[i]! * 255)) > 1e-3) offGrid++;
    }
    expect(worst).toBeLessThanOrEqual(0.5 / 65535 + 1e-7);
    expect(offGrid).toBeGreaterThan(img.data.length / 2);
  });
});

describe('pixel-loom: bad input exits non-zero with one line on stderr', () => {
  function expectOneLine(name: string, code: number, message: string | RegExp): void {
    const r = runs[name]!;
    expect(r.code, `exit code of ${name}: ${r.stderr}`).toBe(code);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    if (typeof message === 'string') expect(lines[0]).toBe(message);
    else expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }

  it('missing graph file', () => expectOneLine('missing', 2, 'pixel-loom: cannot read graph file graphs/nope.graph.json: no such file'));
  it('malformed JSON', () => expectOneLine('malformed', 2, /^pixel-loom: .*malformed\.graph\.json is not valid JSON: /));
  it('a cycle', () => expectOneLine('cycle', 2, /^pixel-loom: .*cycle\.graph\.json: .*cycle/i));
  it('--set out of range names node, param and bound', () =>
    expectOneLine('setRange', 2, 'pixel-loom: --set noisy.sigma=-1: node "noisy" param sigma: -1 is below the minimum 0'));
  it('bitDepth other than 8 or 16', () => expectOneLine('bitDepth', 2, 'pixel-loom: --set saveMedian.bitDepth=12: node "saveMedian": param bitDepth is 12; it must be 8 or 16'));
  it('unknown backend', () => expectOneLine('backend', 2, 'pixel-loom: --backend: unknown backend "metal" (expected auto, webgpu, wasm, cpu)'));
  it('unwritable output folder', () => expectOneLine('outDir', 2, /^pixel-loom: cannot write to output folder .*a-file\/sub: /));

  it('an image that is not an image: exit 1, the rest still written; +∞ as "Infinity"', () => {
    expectOneLine('notImage', 1, 'error: node "load" (image.load): "page.png" is not a PNG, JPEG or WebP image (starts with bytes 3c 21 44 4f)');
    const r = result('notImage');
    expect(r.backend).toBe('cpu');
    expect(Object.keys(r.errors ?? {}).sort()).toEqual(['load', 'save']);
    expect(r.errors?.save).toMatch(/^node "save" \(image\.save\): .*"load"/);
    expect(r.outputs.mse).toEqual({ mse: 0 }); // the independent branch ran
    expect(r.outputs.psnr).toEqual({ psnr: 'Infinity' }); // PSNR of identical images, as a string
    expect(r.outputs.save).toBeUndefined();
  });

  it('a device (/dev/zero) is refused before anything is read: exit 2 naming node, source and rule', () =>
    expectOneLine('devZero', 2, /^pixel-loom: node "load" \(image\.load\): source "\/dev\/zero" is refused: \/dev\/zero is outside the folders the CLI reads \(the graph file's folder .*rules\); allow its folder with --allow-read <dir>$/));
  it('a FIFO inside the graph folder is refused without hanging', () => expectOneLine('fifo', 2, /^pixel-loom: node "load" \(image\.load\): source "pipe\.png" is refused: .*pipe\.png is a FIFO \(named pipe\), not a regular file$/));
  it('a path out of the graph folder, and a symbolic link out of it, are refused', () => {
    expectOneLine('escape', 2, /^pixel-loom: node "load" \(image\.load\): source "\.\.\/outside\/cam\.png" is refused: .*outside\/cam\.png is outside the folders the CLI reads/);
    expectOneLine('link', 2, /^pixel-loom: node "load" \(image\.load\): source "link\.png" is refused: .*link\.png → .*outside\/cam\.png is outside the folders/);
  });
  it('--allow-read widens the rule', () => {
    expect(runs.allowed!.code, runs.allowed!.stderr).toBe(0);
    expect(png('allowed', 'got.png').width).toBeGreaterThan(0);
  });
  it('a file above --max-file-size is refused before reading', () =>
    expectOneLine('tooBig', 2, /^pixel-loom: node "load" \(image\.load\): source "inside\.png" is refused: .*inside\.png is [\d.]+ \w+, above the file size limit of 1 KiB \(raise it with --max-file-size\)$/));
  it('--max-memory: a node whose output is above it fails before it runs, naming node and size', () => {
    expect(runs.memory!.code).toBe(1);
    const r = result('memory');
    const errs = Object.entries(r.errors ?? {});
    expect(errs.length).toBeGreaterThan(0);
    expect(errs.some(([, m]) => /^node "\w+" \(generate\.noise\): its output would take [\d.]+ KiB of tensor data, above the memory budget of 64 KiB, so it was not run; raise it with --max-memory$/.test(m))).toBe(true);
  });

  it('--help prints the usage', () => {
    expect(runs.help!.code).toBe(0);
    expect(runs.help!.stdout).toMatch(/pixel-loom run <graph\.json> --out <dir>/);
  });
});
