/**
 * Gradient kernels that tfjs 4.22's wasm backend lacks, composed from ops it has, so conv
 * nets can be trained on wasm (scripts/train-*.ts). Registered on demand, never on import.
 *
 * - Conv2DBackpropFilter (the filter gradient of conv2d and of conv2dTranspose):
 *   dW[kh, kw, ci, co] = Σ_{b, oh, ow} xPad[b, oh·sh + kh, ow·sw + kw, ci] · dy[b, oh, ow, co]
 *   computed as one stride-1 conv2d (dilated by the stride) of the padded input with
 *   batch and channels swapped, using dy as the filter — fast on wasm's XNNPACK conv.
 */
import * as tf from '@tensorflow/tfjs-core';

type Info = tf.TensorInfo;

/** Wraps a kernel input as a tensor that holds its own reference (dispose it after use). */
function asTensor(info: Info, backend: tf.KernelBackend): tf.Tensor {
  backend.incRef(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info, backend);
}

interface BackpropFilterAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** The composed Conv2DBackpropFilter, usable on any backend (also tested against cpu's own). */
export function conv2DBackpropFilterComposed(x: tf.Tensor4D, dy: tf.Tensor4D, attrs: BackpropFilterAttrs): tf.Tensor4D {
  if (attrs.dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropFilter (wasm, composed): dataFormat ${attrs.dataFormat} is not supported, only NHWC`);
  const info = tf.backend_util.computeConv2DInfo(x.shape, attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  const [kh, kw, ci] = attrs.filterShape;
  const { top, bottom, left, right } = info.padInfo;
  const { batchSize: b, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  return tf.tidy(() => {
    // dW[kh, kw, ci, co] = Σ_b Σ_{oh,ow} xPad[b, oh·sh + kh, ow·sw + kw, ci] dy[b, oh, ow, co]:
    // a stride-1 conv of xPad (channels ↔ batch swapped) with dy as the filter, dilated by the stride.
    const needH = kh + (oh - 1) * sh;
    const needW = kw + (ow - 1) * sw;
    const h = x.shape[1] + top + bottom;
    const w = x.shape[2] + left + right;
    let xp: tf.Tensor4D = top || bottom || left || right ? tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]) : x;
    if (h > needH || w > needW) xp = tf.slice(xp, [0, 0, 0, 0], [b, needH, needW, ci]);
    const xt = tf.transpose(xp, [3, 1, 2, 0]); // [ci, H, W, b]
    const f = tf.transpose(dy, [1, 2, 0, 3]); // [oh, ow, b, co]
    const g = tf.conv2d(xt, f as tf.Tensor4D, 1, 'valid', 'NHWC', [sh, sw]); // [ci, kh, kw, co]
    return tf.transpose(g, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

interface BackpropInputAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/** Inserts stride−1 zeros between the rows and columns of x: [b, h, w, c] → [b, (h−1)·sh+1, (w−1)·sw+1, c]. */
function dilate(x: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return x;
  const [b, h, w, c] = x.shape;
  const x6 = tf.reshape(x, [b, h, 1, w, 1, c]);
  const padded = tf.pad(x6, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
  const full: tf.Tensor4D = tf.reshape(padded, [b, h * sh, w * sw, c]);
  return tf.slice(full, [0, 0, 0, 0], [b, (h - 1) * sh + 1, (w - 1) * sw + 1, c]);
}

/**
 * The composed Conv2DBackpropInput (the input gradient of conv2d, and conv2dTranspose):
 * a stride-1 conv2d of the zero-dilated dy with the spatially flipped, in/out-swapped filter.
 * wasm's own kernel is a scalar loop; XNNPACK's conv is several times faster even with the
 * zeros.
 */
export function conv2DBackpropInputComposed(dy: tf.Tensor4D, filter: tf.Tensor4D, attrs: BackpropInputAttrs): tf.Tensor4D {
  if (attrs.dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropInput (wasm, composed): dataFormat ${attrs.dataFormat} is not supported, only NHWC`);
  const info = tf.backend_util.computeConv2DInfo(attrs.inputShape, filter.shape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  const [kh, kw] = filter.shape;
  const [, h, w] = attrs.inputShape;
  const { top, left } = info.padInfo;
  const { strideHeight: sh, strideWidth: sw } = info;
  return tf.tidy(() => {
    const d = dilate(dy, sh, sw);
    const dh = d.shape[1];
    const dw = d.shape[2];
    const pt = kh - 1 - top;
    const pl = kw - 1 - left;
    const pb = h - dh + top;
    const pr = w - dw + left;
    // Negative pads crop.
    let p: tf.Tensor4D = tf.pad(d, [[0, 0], [Math.max(pt, 0), Math.max(pb, 0)], [Math.max(pl, 0), Math.max(pr, 0)], [0, 0]]);
    if (pt < 0 || pb < 0 || pl < 0 || pr < 0) {
      const ph = p.shape[1] - Math.max(-pt, 0) - Math.max(-pb, 0);
      const pw = p.shape[2] - Math.max(-pl, 0) - Math.max(-pr, 0);
      p = tf.slice(p, [0, Math.max(-pt, 0), Math.max(-pl, 0), 0], [p.shape[0], ph, pw, p.shape[3]]);
    }
    const f = tf.reverse(tf.transpose(filter, [0, 1, 3, 2]), [0, 1]);
    return tf.conv2d(p, f as tf.Tensor4D, 1, 'valid');
  });
}

let registered = false;
let originalBackpropInput: tf.KernelConfig | undefined;

/**
 * Registers the missing gradient kernel for the wasm backend and (for training speed)
 * replaces wasm's scalar Conv2DBackpropInput with the composed one. Idempotent.
 */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  originalBackpropInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (originalBackpropInput) tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel({
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const dy = asTensor(inputs.dy as Info, backend as tf.KernelBackend) as tf.Tensor4D;
      const filter = asTensor(inputs.filter as Info, backend as tf.KernelBackend) as tf.Tensor4D;
      try {
        return conv2DBackpropInputComposed(dy, filter, attrs as unknown as BackpropInputAttrs);
      } finally {
        dy.dispose();
        filter.dispose();
      }
    },
  });
  if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
    tf.registerKernel({
      kernelName: 'Conv2DBackpropFilter',
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs, backend }) => {
        const x = asTensor(inputs.x as Info, backend as tf.KernelBackend) as tf.Tensor4D;
        const dy = asTensor(inputs.dy as Info, backend as tf.KernelBackend) as tf.Tensor4D;
        try {
          return conv2DBackpropFilterComposed(x, dy, attrs as unknown as BackpropFilterAttrs);
        } finally {
          x.dispose();
          dy.dispose();
        }
      },
    });
  }
}

/** Undoes registerWasmTrainingKernels (tests): wasm's own kernels come back. */
export function unregisterWasmTrainingKernels(): void {
  if (!registered) return;
  registered = false;
  tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  if (originalBackpropInput) tf.registerKernel(originalBackpropInput);
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) tf.unregisterKernel('Conv2DBackpropFilter', 'wasm');
}
