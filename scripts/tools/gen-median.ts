/**
 * Generates src/kernels/wasm/median.gen.ts (AssemblyScript): straight-line SIMD median
 * filters for 3×3, 5×5 and 7×7 windows from the pruned selection networks of
 * src/nodes/lib/selectNetwork.ts (Batcher's odd–even merge sort, pruned to the median: 40, 202
 * and 590 min/max ops), one f32x4 local per network value (m0, m1, …; never v128, the namespace), so the window stays in registers.
 * On 8-bit data the medians run from presorted columns (columnMedianNetwork: 26, 116 and
 * 348 ops per 16 values). Run by `npm run build:kernels` before asc; the output is not committed.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { columnMedianNetwork, selectionNetwork } from '../../src/kernels/selectionNetwork';

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/kernels/wasm/median.gen.ts');

function medianFunction(size: number): string {
  const n = size * size;
  const net = selectionNetwork(n, (n - 1) / 2);
  const lines: string[] = [];
  lines.push(`/** ${size}×${size} median of every channel; plane: the image padded by ${(size - 1) / 2} px on every side (replicated edge), rows of (w + ${size - 1})·c floats, 4 floats spare at the end. */`);
  lines.push(`export function median${size}(plane: usize, dst: usize, h: i32, w: i32, c: i32): void {`);
  lines.push(`  const padRow = <usize>((w + ${size - 1}) * c) * 4;`);
  lines.push(`  const cb = <usize>c * 4;`);
  lines.push(`  const rowLen = w * c;`);
  lines.push(`  for (let y = 0; y < h; y++) {`);
  lines.push(`    const prow = plane + <usize>y * padRow;`);
  lines.push(`    const drow = dst + <usize>(y * rowLen) * 4;`);
  lines.push(`    for (let i = 0; i < rowLen; i += 4) {`);
  lines.push(`      const p = prow + <usize>i * 4;`);
  let k = 0;
  for (let dy = 0; dy < size; dy++) for (let dx = 0; dx < size; dx++) lines.push(`      const m${k++} = v128.load(p + ${dy} * padRow + ${dx} * cb);`);
  for (const op of net.ops) lines.push(`      const m${op.out} = f32x4.${op.op}(m${op.a}, m${op.b});`);
  lines.push(`      const r = m${net.result};`);
  lines.push(`      if (i + 4 <= rowLen) v128.store(drow + <usize>i * 4, r);`);
  lines.push(`      else {`);
  lines.push(`        const rest = rowLen - i;`);
  lines.push(`        store<f32>(drow + <usize>i * 4, f32x4.extract_lane(r, 0));`);
  lines.push(`        if (rest > 1) store<f32>(drow + <usize>(i + 1) * 4, f32x4.extract_lane(r, 1));`);
  lines.push(`        if (rest > 2) store<f32>(drow + <usize>(i + 2) * 4, f32x4.extract_lane(r, 2));`);
  lines.push(`      }`);
  lines.push(`    }`);
  lines.push(`  }`);
  lines.push(`}`);
  return lines.join('\n');
}

/**
 * The medians of 8-bit data (one byte per value, 16 values per instruction), from presorted columns (columnMedianNetwork): per output row,
 * every column of the window rows is sorted once (`size` sorted rows in `work`), every two
 * neighbouring sorted columns are merged once (2·size rows), and each window selects its median
 * from (size − 1)/2 merged pairs and one column — 116 ops per 16 values at 5×5 instead of 202.
 * `work`: 3·size rows of (padRow + 64) bytes; the plane needs 64 spare bytes at its end.
 */
function medianColumnsU8Function(size: number): string {
  const net = columnMedianNetwork(size);
  const pairs = (size - 1) / 2;
  const L: string[] = [];
  L.push(`/** ${size}×${size} median of 8-bit data from presorted columns (see gen-median.ts); work: ${3 * size} rows of (padRow + 64) bytes. */`);
  L.push(`export function median${size}u8c(plane: usize, dst: usize, h: i32, w: i32, c: i32, scratch: usize, work: usize): void {`);
  L.push(`  const padRow = <usize>((w + ${size - 1}) * c);`);
  L.push(`  const ws = padRow + 64;`);
  L.push(`  const cb = <usize>c;`);
  L.push(`  const rowLen = w * c;`);
  L.push(`  const cols = work;`);
  L.push(`  const prs = work + ${size} * ws;`);
  L.push(`  const pairEnd = <i32>((w + ${size - 3}) * c) + 16;`);
  L.push(`  for (let y = 0; y < h; y++) {`);
  L.push(`    const prow = plane + <usize>y * padRow;`);
  L.push(`    const drow = dst + <usize>(y * rowLen);`);
  // 1. column sort
  L.push(`    for (let i: usize = 0; i < padRow + 32; i += 16) {`);
  const col = Array.from({ length: size }, (_, k) => `c${k}`);
  for (let k = 0; k < size; k++) L.push(`      let c${k} = v128.load(prow + ${k} * padRow + i);`);
  for (const [i, j] of net.columnSort) {
    L.push(`      { const lo = i8x16.min_u(${col[i]}, ${col[j]}); ${col[j]} = i8x16.max_u(${col[i]}, ${col[j]}); ${col[i]} = lo; }`);
  }
  for (let k = 0; k < size; k++) L.push(`      v128.store(cols + ${k} * ws + i, c${k});`);
  L.push(`    }`);
  // 2. pair merge: columns at i and i + cb
  L.push(`    for (let i: usize = 0; i < <usize>pairEnd; i += 16) {`);
  for (let k = 0; k < size; k++) L.push(`      const q${k} = v128.load(cols + ${k} * ws + i);`);
  for (let k = 0; k < size; k++) L.push(`      const q${size + k} = v128.load(cols + ${k} * ws + i + cb);`);
  for (const o of net.pairMerge.ops) L.push(`      const q${o.out} = i8x16.${o.op}_u(q${o.a}, q${o.b});`);
  net.pairMerge.outputs.forEach((id, k) => L.push(`      v128.store(prs + ${k} * ws + i, q${id});`));
  L.push(`    }`);
  // 3. windows
  L.push(`    for (let i = 0; i < rowLen; i += 16) {`);
  L.push(`      const o = <usize>i;`);
  for (let p = 0; p < pairs; p++) for (let k = 0; k < 2 * size; k++) L.push(`      const m${p * 2 * size + k} = v128.load(prs + ${k} * ws + o + ${2 * p} * cb);`);
  for (let k = 0; k < size; k++) L.push(`      const m${pairs * 2 * size + k} = v128.load(cols + ${k} * ws + o + ${size - 1} * cb);`);
  for (const op of net.window.ops) L.push(`      const m${op.out} = i8x16.${op.op}_u(m${op.a}, m${op.b});`);
  L.push(`      const r = m${net.window.result};`);
  L.push(`      if (i + 16 <= rowLen) v128.store(drow + o, r);`);
  L.push(`      else {`);
  L.push(`        v128.store(scratch, r);`);
  L.push(`        memory.copy(drow + o, scratch, <usize>(rowLen - i));`);
  L.push(`      }`);
  L.push(`    }`);
  L.push(`  }`);
  L.push(`}`);
  return L.join('\n');
}

const text = `// GENERATED by scripts/tools/gen-median.ts — do not edit.\n\n${[3, 5, 7].map(medianFunction).join('\n\n')}\n\n${[3, 5, 7].map(medianColumnsU8Function).join('\n\n')}\n`;
writeFileSync(OUT, text);
console.log(`wrote ${path.relative(process.cwd(), OUT)}`);
