/**
 * `npm run bench:codecs` (also the end of `npm run bench`): image files at photo size, ours
 * against libjpeg-turbo / libpng through PIL and OpenCV (one thread), in the same run.
 * - decode of a 12-megapixel 4:2:0 JPEG (goal ≤ 2× libjpeg-turbo);
 * - `pixel-loom run` of a JPEG → PNG graph against OpenCV's imread + imwrite (goal ≤ 2×), as
 *   processes (start included) and inside the process;
 * - the run's peak resident memory against the decoded image (goal ≤ 3×);
 * - the PNG's size against OpenCV's at its default level.
 * Not a test: it prints a table. Needs Debian's python3-opencv and python3-pil.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeImage, encodePngParts } from '../../src/nodes/lib/codec';
import { zlibDeflate } from '../../src/cli/zlib';

const ROOT = path.resolve(import.meta.dirname, '../..');
const WORK = path.join(ROOT, 'tmp', 'bench-codecs');
const PHOTO = path.join(WORK, 'photo.jpg');
mkdirSync(WORK, { recursive: true });

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timed(f: () => Promise<unknown> | unknown, n: number): Promise<number> {
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await f();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

/** Wall ms and peak RSS (bytes) of a command, median of n, through GNU time. */
function proc(cmd: string[], n: number): { wall: number; rss: number; stdout: string } {
  const walls: number[] = [];
  const rss: number[] = [];
  let stdout = '';
  for (let i = 0; i < n; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...cmd], { encoding: 'utf8', cwd: ROOT });
    if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    const [e, m] = r.stderr.trim().split('\n').pop()!.split(' ');
    walls.push(Number(e) * 1000);
    rss.push(Number(m) * 1024);
    stdout = r.stdout + r.stderr;
  }
  return { wall: median(walls), rss: median(rss), stdout };
}

const peerRun = spawnSync('/usr/bin/python3', ['scripts/bench/bench_codecs_peer.py', PHOTO, WORK], { encoding: 'utf8', cwd: ROOT });
if (peerRun.status !== 0) {
  console.error(`codec bench: the peer (python3-opencv, python3-pil) failed: ${peerRun.stderr.trim().split('\n').pop()}`);
  process.exit(0);
}
const peer = JSON.parse(peerRun.stdout) as Record<string, number>;

const bytes = new Uint8Array(readFileSync(PHOTO));
const first = performance.now();
const img = await decodeImage(bytes, { name: 'photo.jpg' }); // compiles the WebAssembly decoder
const firstMs = performance.now() - first;
const decodeMs = await timed(() => decodeImage(bytes), 5);
const floatsMs = await timed(async () => (await decodeImage(bytes)).writeFloats(new Float32Array(img.width * img.height * 3)), 3);
const floats = img.data;
let pngBytes = 0;
const encodeMs = await timed(() => {
  pngBytes = encodePngParts(floats, img.width, img.height, 3, { deflate: zlibDeflate }).reduce((n, p) => n + p.length, 0);
}, 3);

const graph = path.join(WORK, 'jpeg2png.graph.json');
writeFileSync(
  graph,
  JSON.stringify({
    format: 'pixel-loom.graph',
    version: 2,
    name: 'jpeg → png',
    nodes: [
      { id: 'load', type: 'image.load', params: { source: 'photo.jpg' } },
      { id: 'save', type: 'image.save', params: { name: 'photo' } },
    ],
    edges: [{ from: { node: 'load', port: 'image' }, to: { node: 'save', port: 'image' } }],
  }),
);
const cli = ['node', 'bin/pixel-loom.mjs'];
const run = proc([...cli, 'run', graph, '--out', path.join(WORK, 'out')], 3);
const inProcess = Number(/all ok, ([\d.]+) s/.exec(run.stdout)?.[1] ?? 'NaN') * 1000;
const idle = proc([...cli, 'nodes'], 3);
const ourPng = statSync(path.join(WORK, 'out', 'photo.png')).size;

const px = img.width * img.height;
const floatMiB = (px * 3 * 4) / 2 ** 20;
const u8MiB = (px * 3) / 2 ** 20;
const MiB = (b: number): string => (b / 2 ** 20).toFixed(0);
const ratio = (a: number, b: number): string => (a / b).toFixed(2);

console.log(`\n12 MP JPEG (${img.width}×${img.height}, 4:2:0, ${MiB(bytes.length)} MiB): ours and libjpeg-turbo / libpng in one run`);
console.log('\n| figure | ours | peer | ours/peer | goal |');
console.log('|---|---|---|---|---|');
console.log(`| decode to 8-bit samples (ms) | ${decodeMs.toFixed(0)} (first, with compiling: ${firstMs.toFixed(0)}) | ${peer.pil_decode!.toFixed(0)} (PIL) / ${peer.cv_imread!.toFixed(0)} (OpenCV imread) | ${ratio(decodeMs, peer.pil_decode!)} / ${ratio(decodeMs, peer.cv_imread!)} | ≤ 2 |`);
console.log(`| decode to float32 [0, 1] (ms) | ${floatsMs.toFixed(0)} | ${peer.cv_imread!.toFixed(0)} (OpenCV imread, 8-bit) | ${ratio(floatsMs, peer.cv_imread!)} | — |`);
console.log(`| PNG encode of the image (ms) | ${encodeMs.toFixed(0)} | ${peer.cv_imwrite!.toFixed(0)} (OpenCV imwrite) | ${ratio(encodeMs, peer.cv_imwrite!)} | ≤ 1 |`);
console.log(`| PNG size (MB) | ${(pngBytes / 1e6).toFixed(2)} (run: ${(ourPng / 1e6).toFixed(2)}) | ${(peer.cv_png_bytes! / 1e6).toFixed(2)} (OpenCV default) | ${ratio(ourPng, peer.cv_png_bytes!)} | ≈ 1 |`);
console.log(`| JPEG → PNG, whole process (ms) | ${run.wall.toFixed(0)} (pixel-loom run) | ${peer.cv_script_wall!.toFixed(0)} (python3 cv2 script) | ${ratio(run.wall, peer.cv_script_wall!)} | ≤ 2 |`);
console.log(`| JPEG → PNG, inside the process (ms) | ${inProcess.toFixed(0)} | ${peer.cv_read_write!.toFixed(0)} (imread + imwrite) | ${ratio(inProcess, peer.cv_read_write!)} | ≤ 2 |`);
console.log(`| start: pixel-loom nodes (ms) | ${idle.wall.toFixed(0)} | — | — | — |`);
console.log(
  `| peak resident memory (MiB) | ${MiB(run.rss)} (${MiB(run.rss - idle.rss)} above an idle start) | ${MiB(peer.cv_script_rss!)} (cv2 script) | ${ratio(run.rss, peer.cv_script_rss!)} | — |`,
);
console.log(
  `| memory ÷ decoded image | ${ratio(run.rss - idle.rss, floatMiB * 2 ** 20)} × the float32 image (${floatMiB.toFixed(0)} MiB), ${ratio(run.rss, u8MiB * 2 ** 20)} × the 8-bit one (${u8MiB.toFixed(0)} MiB) | ${ratio(peer.cv_script_rss!, u8MiB * 2 ** 20)} × the 8-bit image | — | ≤ 3 |`,
);
process.exit(0);
