/**
 * Our WGSL compute programs for the webgpu backend (DESIGN.md §7b): pure descriptions (the
 * code, its inputs, the dispatch), no tfjs. src/nodes/lib/gpuKernels.ts runs them through
 * tfjs-backend-webgpu's `runWebGPUProgram`, which binds the output as `result`, the inputs by
 * the names in `variableNames` and the extra uniforms as `uniforms.<name>`, and calls our
 * `main()` from its `_start` entry point (localId, workgroupId, globalId are set there).
 *
 * Images are float32 HWC buffers, flattened; a pixel's c ≤ 4 channels are handled as one
 * vec4 (unused lanes 0), so every program serves 1, 3 and 4 channels alike. Borders come as
 * index tables (the source row / column of each padded position), as for the WebAssembly
 * kernels, so every border mode behaves exactly as on the other backends.
 */
import { selectionNetwork } from '../selectionNetwork';

export interface GpuProgram {
  /** Cache key of the compiled pipeline: everything compiled into `code`. */
  readonly shaderKey: string;
  readonly variableNames: string[];
  readonly workgroupSize: [number, number, number];
  readonly dispatch: [number, number, number];
  readonly outputShape: number[];
  /** Extra uniform struct members, in the order of `uniformData`. */
  readonly uniforms: string;
  readonly uniformData: { type: 'int32' | 'float32'; data: number[] }[];
  readonly code: string;
}

/** Side of the square workgroup tile (16×16 invocations). */
export const TILE = 16;
/**
 * Largest radius the separable pass keeps in workgroup memory: (16 + 2r)·16 vec4 must fit the
 * 16 KiB every WebGPU device offers (maxComputeWorkgroupStorageSize), so r ≤ 24.
 */
export const MAX_SHARED_RADIUS = 24;

function checkChannels(c: number): void {
  if (!Number.isInteger(c) || c < 1 || c > 4) throw new Error(`WGSL kernels take 1 to 4 channels, got ${c}`);
}

/** WGSL that reads pixel (py, px) of the HWC buffer `buf` (width `w`) as a vec4. */
function loadFn(name: string, buf: string, c: number): string {
  const lanes = Array.from({ length: 4 }, (_, i) => (i < c ? `${buf}[base + ${i}]` : '0.0')).join(', ');
  return `fn ${name}(py: i32, px: i32) -> vec4<f32> {
  let base = (py * uniforms.w + px) * ${c};
  return vec4<f32>(${lanes});
}`;
}

/** WGSL that writes the first c lanes of v to pixel (py, px) of `result`. */
function storeFn(c: number): string {
  const lanes = Array.from({ length: c }, (_, i) => `  result[base + ${i}] = v[${i}];`).join('\n');
  return `fn storePixel(py: i32, px: i32, v: vec4<f32>) {
  let base = (py * uniforms.w + px) * ${c};
${lanes}
}`;
}

/**
 * `n` copies of `body` with the tap index written in: the SSIM passes' 11-tap loops, unrolled,
 * run ~20× faster on SwiftShader (256² gray: 1.9 s → 85 ms).
 */
function unroll(n: number, body: (t: number) => string): string {
  return Array.from({ length: n }, (_, t) => body(t)).join('\n    ');
}

function dispatch2d(h: number, w: number): [number, number, number] {
  return [Math.ceil(w / TILE), Math.ceil(h / TILE), 1];
}

/**
 * One pass of a separable correlation: along the width (`axis` x) or the height (y) with
 * 2r + 1 taps (input `taps`, float32), centred. Inputs: `x` (the h×w×c image), `taps`,
 * `idx` (int32: for x the source column of each of the w + 2r padded columns, for y the
 * source row of each of the h + 2r padded rows). With r ≤ MAX_SHARED_RADIUS each 16×16
 * workgroup first copies its tile and halo (16 × (16 + 2r) pixels) into workgroup memory, so
 * every pixel is read from global memory once per workgroup instead of 2r + 1 times; wider
 * kernels, and `tiles` false, read global memory directly. (On a software adapter the tiles are
 * a loss: SwiftShader runs a workgroup's invocations as coroutines and every barrier switches
 * them — 256²×3 Gaussian σ 3: tiled 1.5 s, direct 90 ms, tfjs depthwise conv 420 ms.)
 */
export function separablePass(axis: 'x' | 'y', h: number, w: number, c: number, r: number, tiles = true): GpuProgram {
  checkChannels(c);
  if (!Number.isInteger(r) || r < 0) throw new Error(`separablePass: radius must be an integer ≥ 0, got ${r}`);
  const shared = tiles && r <= MAX_SHARED_RADIUS;
  const span = TILE + 2 * r;
  const n = 2 * r + 1;
  let body: string;
  if (shared) {
    const fill =
      axis === 'x'
        ? `for (var p = lx; p < ${span}; p = p + ${TILE}) {
    let gx = ox + p;
    let gy = oy + ly;
    var v = vec4<f32>(0.0);
    if (gx < uniforms.w + ${2 * r} && gy < uniforms.h) { v = loadPixel(gy, idx[gx]); }
    tile[ly * ${span} + p] = v;
  }`
        : `for (var p = ly; p < ${span}; p = p + ${TILE}) {
    let gy = oy + p;
    let gx = ox + lx;
    var v = vec4<f32>(0.0);
    if (gy < uniforms.h + ${2 * r} && gx < uniforms.w) { v = loadPixel(idx[gy], gx); }
    tile[p * ${TILE} + lx] = v;
  }`;
    const at = axis === 'x' ? 'tile[row + t]' : `tile[col + t * ${TILE}]`;
    body = `var<workgroup> tile: array<vec4<f32>, ${span * TILE}>;
fn main() {
  let lx = i32(localId.x);
  let ly = i32(localId.y);
  let ox = i32(workgroupId.x) * ${TILE};
  let oy = i32(workgroupId.y) * ${TILE};
  ${fill}
  workgroupBarrier();
  let X = ox + lx;
  let Y = oy + ly;
  if (X < uniforms.w && Y < uniforms.h) {
    let row = ly * ${span} + lx;
    let col = ly * ${TILE} + lx;
    var acc = vec4<f32>(0.0);
    for (var t = 0; t < ${n}; t = t + 1) { acc = acc + taps[t] * ${at}; }
    storePixel(Y, X, acc);
  }
}`;
  } else {
    const at = axis === 'x' ? 'loadPixel(Y, idx[X + t])' : 'loadPixel(idx[Y + t], X)';
    body = `fn main() {
  let X = i32(globalId.x);
  let Y = i32(globalId.y);
  if (X < uniforms.w && Y < uniforms.h) {
    var acc = vec4<f32>(0.0);
    for (var t = 0; t < ${n}; t = t + 1) { acc = acc + taps[t] * ${at}; }
    storePixel(Y, X, acc);
  }
}`;
  }
  return {
    shaderKey: `pixelloom_sep_${axis}_${c}_${r}_${shared ? 'tile' : 'direct'}`,
    variableNames: ['x', 'taps', 'idx'],
    workgroupSize: [TILE, TILE, 1],
    dispatch: dispatch2d(h, w),
    outputShape: [h, w, c],
    uniforms: 'h : i32, w : i32,',
    uniformData: [{ type: 'int32', data: [h] }, { type: 'int32', data: [w] }],
    code: `${loadFn('loadPixel', 'x', c)}\n${storeFn(c)}\n${body}`,
  };
}

/**
 * Exact median of every size×size window (odd size 3 … 7), all channels at once (min/max of
 * vec4 are per lane), border replicating the edge (the index is clamped, as OpenCV medianBlur
 * does): the pruned selection network of selectionNetwork.ts as straight-line code.
 * Input `x`; output h×w×c.
 */
export function medianNetwork(h: number, w: number, c: number, size: number): GpuProgram {
  checkChannels(c);
  if (![3, 5, 7].includes(size)) throw new Error(`medianNetwork: size must be 3, 5 or 7, got ${size}`);
  const r = (size - 1) / 2;
  const taps = size * size;
  const net = selectionNetwork(taps, (taps - 1) / 2);
  const lines: string[] = [];
  for (let dy = 0; dy < size; dy++) {
    lines.push(`  let y${dy} = clamp(Y + ${dy - r}, 0, uniforms.h - 1);`);
  }
  for (let dx = 0; dx < size; dx++) {
    lines.push(`  let x${dx} = clamp(X + ${dx - r}, 0, uniforms.w - 1);`);
  }
  for (let dy = 0; dy < size; dy++) {
    for (let dx = 0; dx < size; dx++) lines.push(`  let v${dy * size + dx} = loadPixel(y${dy}, x${dx});`);
  }
  for (const o of net.ops) lines.push(`  let v${o.out} = ${o.op}(v${o.a}, v${o.b});`);
  return {
    shaderKey: `pixelloom_median_${size}_${c}`,
    variableNames: ['x'],
    workgroupSize: [TILE, TILE, 1],
    dispatch: dispatch2d(h, w),
    outputShape: [h, w, c],
    uniforms: 'h : i32, w : i32,',
    uniformData: [{ type: 'int32', data: [h] }, { type: 'int32', data: [w] }],
    code: `${loadFn('loadPixel', 'x', c)}
${storeFn(c)}
fn main() {
  let X = i32(globalId.x);
  let Y = i32(globalId.y);
  if (X >= uniforms.w || Y >= uniforms.h) { return; }
${lines.join('\n')}
  storePixel(Y, X, v${net.result});
}`,
  };
}

/**
 * Fused SSIM, pass 1 of 2: along the width, the five moments of the mean-centred images
 * (x, y, x², y², xy; x = a − mean a per channel) with the n = 2r + 1 taps, in one pass over
 * both images. Inputs `a`, `b` (h×w×c), `taps`, `means` (2c floats: a's, then b's), `idx`
 * (int32, the w + 2r padded column sources). Output 5×h×w×c (moment planes).
 */
export function ssimMoments(h: number, w: number, c: number, r: number): GpuProgram {
  checkChannels(c);
  const n = 2 * r + 1;
  const plane = `uniforms.h * uniforms.w * ${c}`;
  const stores = Array.from({ length: c }, (_, i) => `    result[o + ${i}] = s0[${i}]; result[o + P + ${i}] = s1[${i}]; result[o + 2 * P + ${i}] = s2[${i}]; result[o + 3 * P + ${i}] = s3[${i}]; result[o + 4 * P + ${i}] = s4[${i}];`).join('\n');
  const meanA = `vec4<f32>(${Array.from({ length: 4 }, (_, i) => (i < c ? `means[${i}]` : '0.0')).join(', ')})`;
  const meanB = `vec4<f32>(${Array.from({ length: 4 }, (_, i) => (i < c ? `means[${c + i}]` : '0.0')).join(', ')})`;
  return {
    shaderKey: `pixelloom_ssim_moments_${c}_${r}`,
    variableNames: ['a', 'b', 'taps', 'means', 'idx'],
    workgroupSize: [TILE, TILE, 1],
    dispatch: dispatch2d(h, w),
    outputShape: [5, h, w, c],
    uniforms: 'h : i32, w : i32,',
    uniformData: [{ type: 'int32', data: [h] }, { type: 'int32', data: [w] }],
    code: `${loadFn('loadA', 'a', c)}
${loadFn('loadB', 'b', c)}
fn main() {
  let X = i32(globalId.x);
  let Y = i32(globalId.y);
  if (X >= uniforms.w || Y >= uniforms.h) { return; }
  let ma = ${meanA};
  let mb = ${meanB};
  var s0 = vec4<f32>(0.0); var s1 = vec4<f32>(0.0); var s2 = vec4<f32>(0.0); var s3 = vec4<f32>(0.0); var s4 = vec4<f32>(0.0);
  ${unroll(n, (t) => `{
    let col = idx[X + ${t}];
    let xa = loadA(Y, col) - ma;
    let xb = loadB(Y, col) - mb;
    let k = taps[${t}];
    s0 = s0 + k * xa; s1 = s1 + k * xb; s2 = s2 + k * (xa * xa); s3 = s3 + k * (xb * xb); s4 = s4 + k * (xa * xb);
  }`)}
  let P = ${plane};
  let o = (Y * uniforms.w + X) * ${c};
  {
${stores}
  }
}`,
  };
}

/**
 * Fused SSIM, pass 2 of 2: along the height over the five moment planes of ssimMoments, then
 * S = (2·μx·μy + c1)(2·σxy + c2) / ((μx² + μy² + c1)(σx² + σy² + c2)) per pixel and channel,
 * μ = moment + mean (the scikit-image formula, as src/nodes/lib/ssim.ts). Inputs `m`
 * (5×h×w×c), `taps`, `means`, `idx` (int32, the h + 2r padded row sources). Output h×w×c.
 */
export function ssimCombine(h: number, w: number, c: number, r: number, c1: number, c2: number): GpuProgram {
  checkChannels(c);
  const n = 2 * r + 1;
  const meanA = `vec4<f32>(${Array.from({ length: 4 }, (_, i) => (i < c ? `means[${i}]` : '0.0')).join(', ')})`;
  const meanB = `vec4<f32>(${Array.from({ length: 4 }, (_, i) => (i < c ? `means[${c + i}]` : '0.0')).join(', ')})`;
  const lanes = (k: number): string => `vec4<f32>(${Array.from({ length: 4 }, (_, i) => (i < c ? `m[base + ${k} * P + ${i}]` : '0.0')).join(', ')})`;
  return {
    shaderKey: `pixelloom_ssim_combine_${c}_${r}`,
    variableNames: ['m', 'taps', 'means', 'idx'],
    workgroupSize: [TILE, TILE, 1],
    dispatch: dispatch2d(h, w),
    outputShape: [h, w, c],
    uniforms: 'h : i32, w : i32, c1 : f32, c2 : f32,',
    uniformData: [{ type: 'int32', data: [h] }, { type: 'int32', data: [w] }, { type: 'float32', data: [c1] }, { type: 'float32', data: [c2] }],
    code: `${storeFn(c)}
fn main() {
  let X = i32(globalId.x);
  let Y = i32(globalId.y);
  if (X >= uniforms.w || Y >= uniforms.h) { return; }
  let P = uniforms.h * uniforms.w * ${c};
  var d0 = vec4<f32>(0.0); var d1 = vec4<f32>(0.0); var d2 = vec4<f32>(0.0); var d3 = vec4<f32>(0.0); var d4 = vec4<f32>(0.0);
  ${unroll(n, (t) => `{
    let base = (idx[Y + ${t}] * uniforms.w + X) * ${c};
    let k = taps[${t}];
    d0 = d0 + k * ${lanes(0)}; d1 = d1 + k * ${lanes(1)}; d2 = d2 + k * ${lanes(2)}; d3 = d3 + k * ${lanes(3)}; d4 = d4 + k * ${lanes(4)};
  }`)}
  let vx = d2 - d0 * d0;
  let vy = d3 - d1 * d1;
  let vxy = d4 - d0 * d1;
  let ux = d0 + ${meanA};
  let uy = d1 + ${meanB};
  let a1 = 2.0 * (ux * uy) + uniforms.c1;
  let a2 = 2.0 * vxy + uniforms.c2;
  let b1 = (ux * ux + uy * uy) + uniforms.c1;
  let b2 = (vx + vy) + uniforms.c2;
  storePixel(Y, X, (a1 * a2) / (b1 * b2));
}`,
  };
}
