/**
 * CLI start-up (issue 25): wall time and peak memory of `pixel-loom --version`, `nodes` and a
 * tiny `run` (a 64² noise image blurred and saved), median of N, for the built CLI
 * (`bin/pixel-loom.mjs` → dist-cli/) and for the TypeScript sources through tsx (what the bin
 * ran before), side by side in one run, against the goal (≤ 0.3 s for --version and nodes)
 * and a peer command-line tool that loads nothing much (python3 -c "import cv2").
 *
 * Usage: npm run bench:cli [-- --reps N]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const i = process.argv.indexOf('--reps');
const REPS = i > 0 ? Number(process.argv[i + 1]) : 7;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timeCmd(cmd: string[]): { ms: number; mib: number } {
  const walls: number[] = [];
  const rss: number[] = [];
  for (let k = 0; k < REPS; k++) {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...cmd], { encoding: 'utf8', cwd: ROOT });
    if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    const [e, m] = r.stderr.trim().split('\n').pop()!.split(' ');
    walls.push(Number(e) * 1000);
    rss.push(Number(m) / 1024);
  }
  return { ms: median(walls), mib: median(rss) };
}

const work = mkdtempSync(path.join(os.tmpdir(), 'pixel-loom-bench-cli-'));
const graph = path.join(work, 'tiny.graph.json');
writeFileSync(
  graph,
  JSON.stringify({
    format: 'pixel-loom.graph',
    version: 1,
    name: 'tiny',
    nodes: [
      { id: 'gen', type: 'generate.noise', params: { width: 64, height: 64, channels: 'gray', seed: 1 }, position: { x: 0, y: 0 } },
      { id: 'blur', type: 'filter.gaussianBlur', params: { sigma: 1 }, position: { x: 0, y: 0 } },
      { id: 'save', type: 'image.save', params: { name: 'tiny' }, position: { x: 0, y: 0 } },
    ],
    edges: [
      { from: { node: 'gen', port: 'image' }, to: { node: 'blur', port: 'image' } },
      { from: { node: 'blur', port: 'image' }, to: { node: 'save', port: 'image' } },
    ],
  }),
);

const built = ['node', 'bin/pixel-loom.mjs'];
const sources = ['node', '--import', 'tsx', 'src/cli/main.ts'];
const cases: [string, string[], string][] = [
  ['--version', ['--version'], '≤ 300 ms'],
  ['nodes', ['nodes'], '≤ 300 ms'],
  ['run (64² blur, wasm)', ['run', graph, '--out', path.join(work, 'out'), '--backend', 'wasm'], '—'],
];

console.log(`\nCLI start-up, median of ${REPS} (wall ms / peak MiB): built (dist-cli) vs the TypeScript sources through tsx`);
console.log('\n| command | built | sources (tsx) | built/sources | goal |');
console.log('|---|---|---|---|---|');
for (const [name, args, goal] of cases) {
  const a = timeCmd([...built, ...args]);
  const b = timeCmd([...sources, ...args]);
  const met = goal.startsWith('≤') ? (a.ms <= Number(goal.replace(/\D/g, '')) ? ' ✓' : ' ✗') : '';
  console.log(`| ${name} | ${a.ms.toFixed(0)} / ${a.mib.toFixed(0)} | ${b.ms.toFixed(0)} / ${b.mib.toFixed(0)} | ${(a.ms / b.ms).toFixed(2)} | ${goal}${met} |`);
}
const peer = spawnSync('/usr/bin/python3', ['-c', 'import cv2'], { encoding: 'utf8' });
if (peer.status === 0) {
  const p = timeCmd(['/usr/bin/python3', '-c', 'import cv2']);
  console.log(`| peer: python3 -c "import cv2" | ${p.ms.toFixed(0)} / ${p.mib.toFixed(0)} | | | |`);
}
rmSync(work, { recursive: true, force: true });
process.exit(0);
