/**
 * Glue between our WGSL programs (src/kernels/webgpu) and tfjs-backend-webgpu: on the webgpu
 * backend the filters run these instead of generic tfjs ops (padding, depthwise conv2d,
 * stacked views), so an image stays on the GPU and each filter is one or two dispatches.
 * Exact to the same conventions as the other backends (tests: test/kernels/webgpu.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { kernelsDisabled } from '../../kernels';
import { medianNetwork, separablePass, ssimCombine, ssimMoments, type GpuProgram } from '../../kernels/webgpu/programs';
import { padIndices, type BorderMode } from './pad';

interface WebGPUBackendLike {
  runWebGPUProgram(program: object, inputs: tf.TensorInfo[], outputDtype: 'float32', uniforms?: { type: string; data: number[] }[]): tf.TensorInfo;
}

function backend(): WebGPUBackendLike | null {
  if (tf.getBackend() !== 'webgpu') return null;
  const b = tf.backend() as unknown as Partial<WebGPUBackendLike>;
  return typeof b.runWebGPUProgram === 'function' ? (b as WebGPUBackendLike) : null;
}

let tiles: 'auto' | 'on' | 'off' = 'auto';

/**
 * Whether the separable pass keeps its tile in workgroup memory: `auto` (default) does on a
 * hardware adapter and reads global memory directly on a software one (SwiftShader, llvmpipe),
 * where workgroup barriers cost far more than the reads they save; tests force each.
 */
export function setGpuTiles(mode: 'auto' | 'on' | 'off'): void {
  tiles = mode;
}

function useTiles(): boolean {
  if (tiles !== 'auto') return tiles === 'on';
  const info = (tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } }).adapterInfo;
  return !/swiftshader|llvmpipe|software|lavapipe/i.test(`${info?.vendor ?? ''} ${info?.architecture ?? ''}`);
}

/** True when our WGSL programs serve the active backend (webgpu, kernels not switched off). */
export function gpuKernels(): boolean {
  return !kernelsDisabled() && backend() !== null;
}

/** Runs one program on tensors (which stay owned by the caller); returns a new tensor. */
function run<R extends tf.Rank>(p: GpuProgram, inputs: tf.Tensor[]): tf.Tensor<R> {
  const b = backend();
  if (!b) throw new Error('WGSL kernels need the webgpu backend');
  // Everything goes in and out flat: tfjs keys its compiled pipelines by the program's key and
  // the inputs' ranks and broadcast pattern, so flat shapes let one compiled program serve
  // every image size (our code reads sizes from uniforms), instead of a compile per shape.
  const size = p.outputShape.reduce((a, b) => a * b, 1);
  const program = {
    outputShape: [size],
    shaderKey: p.shaderKey,
    variableNames: p.variableNames,
    workgroupSize: p.workgroupSize,
    dispatch: p.dispatch,
    // a non-flat layout: tfjs then calls main() without an index (we use globalId / workgroupId)
    dispatchLayout: { x: [1], y: [0], z: [2] },
    uniforms: p.uniforms,
    size: false,
    getUserCode: () => p.code,
  };
  return tf.tidy(() => {
    const flat = inputs.map((t) => (t.rank === 1 ? t : tf.reshape(t, [t.size])));
    const info = b.runWebGPUProgram(program, flat, 'float32', p.uniformData);
    return tf.reshape(tf.engine().makeTensorFromTensorInfo(info), p.outputShape as never) as tf.Tensor<R>;
  });
}

/** Separable correlation (kx along the width, then ky along the height) as two WGSL passes. */
export function separableGpu(img: tf.Tensor3D, kx: ArrayLike<number>, ky: ArrayLike<number>, mode: BorderMode): tf.Tensor3D {
  const [h, w, c] = img.shape;
  const rx = (kx.length - 1) / 2;
  const ry = (ky.length - 1) / 2;
  return tf.tidy(() => {
    const tx = tf.tensor1d(Float32Array.from(kx));
    const ty = tf.tensor1d(Float32Array.from(ky));
    const cols = tf.tensor1d(padIndices(w, rx, rx, mode), 'int32');
    const rows = tf.tensor1d(padIndices(h, ry, ry, mode), 'int32');
    const shared = useTiles();
    const mid = run<tf.Rank.R3>(separablePass('x', h, w, c, rx, shared), [img, tx, cols]);
    return run<tf.Rank.R3>(separablePass('y', h, w, c, ry, shared), [mid, ty, rows]);
  });
}

/** Median of size×size windows (3, 5, 7), replicated border, as one WGSL dispatch. */
export function medianGpu(img: tf.Tensor3D, size: 3 | 5 | 7): tf.Tensor3D {
  const [h, w, c] = img.shape;
  return run<tf.Rank.R3>(medianNetwork(h, w, c, size), [img]);
}

/**
 * The full (uncropped) SSIM map of two same-shaped images (kernel `taps`, centred on the
 * per-channel means, reflect border with radius (taps − 1)/2) in two WGSL passes.
 */
export function ssimMapGpu(a: tf.Tensor3D, b: tf.Tensor3D, taps: ArrayLike<number>, c1: number, c2: number): tf.Tensor3D {
  const [h, w, c] = a.shape;
  const r = (taps.length - 1) / 2;
  return tf.tidy(() => {
    const means = tf.concat([tf.reshape(tf.mean(a, [0, 1]), [c]), tf.reshape(tf.mean(b, [0, 1]), [c])]);
    const t = tf.tensor1d(Float32Array.from(taps));
    const cols = tf.tensor1d(padIndices(w, r, r, 'reflect'), 'int32');
    const rows = tf.tensor1d(padIndices(h, r, r, 'reflect'), 'int32');
    const moments = run<tf.Rank.R4>(ssimMoments(h, w, c, r), [a, b, t, means, cols]);
    return run<tf.Rank.R3>(ssimCombine(h, w, c, r, c1, c2), [moments, t, means, rows]);
  });
}
