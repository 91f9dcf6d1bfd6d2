/** image.blend — composites image b over image a with a blend mode and an opacity. */
import * as tf from '@tensorflow/tfjs-core';
import { defineNode } from '../engine/defineNode';
import { asImage, joinAlpha, splitAlpha } from './lib/image';
import { shapeText } from './lib/metrics';

type Mode = 'normal' | 'add' | 'multiply' | 'screen' | 'difference';

function blendColour(mode: Mode, a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  switch (mode) {
    case 'normal':
      return tf.add(tf.zerosLike(a), b); // broadcast b to a's shape
    case 'add':
      return tf.add(a, b);
    case 'multiply':
      return tf.mul(a, b);
    case 'screen':
      return tf.sub<tf.Tensor3D>(1, tf.mul(tf.sub(1, a), tf.sub(1, b)));
    case 'difference':
      return tf.abs(tf.sub<tf.Tensor3D>(a, b));
  }
}

export const imageBlend = defineNode({
  type: 'image.blend',
  title: 'Blend',
  category: 'Image',
  description:
    'Blends b into a: clip(a·(1 − opacity) + clip(f(a, b))·opacity) with f = b (normal), a + b (add), a·b (multiply), 1 − (1 − a)(1 − b) (screen) or |a − b| (difference), on the colour channels. The result has a’s shape and keeps a’s alpha. b must have the same height, width and channels as a, or 1 channel (applied to every colour channel of a); b’s alpha is not used.',
  version: 1,
  inputs: { a: { type: 'image' }, b: { type: 'image' } },
  outputs: { image: { type: 'image' } },
  params: {
    mode: { kind: 'enum', default: 'normal', options: ['normal', 'add', 'multiply', 'screen', 'difference'] },
    opacity: { kind: 'float', default: 1, min: 0, max: 1, step: 0.01, description: 'Weight of the blended result (0 = a unchanged).' },
  },
  compute({ inputs, params }) {
    const a = asImage(inputs.a, 'input "a"');
    const b = asImage(inputs.b, 'input "b"');
    const sameSize = a.shape[0] === b.shape[0] && a.shape[1] === b.shape[1];
    if (!sameSize || (b.shape[2] !== a.shape[2] && b.shape[2] !== 1)) {
      throw new Error(
        `input "a" is ${shapeText(a)} (height×width×channels) but input "b" is ${shapeText(b)}; blend needs b of the same shape as a, or the same height and width with 1 channel`,
      );
    }
    const [aRgb, aAlpha] = splitAlpha(a);
    const [bRgb] = splitAlpha(b);
    const o = params.opacity;
    const f = tf.clipByValue(blendColour(params.mode as Mode, aRgb, bRgb), 0, 1);
    const mixed: tf.Tensor3D = o === 1 ? f : o === 0 ? tf.clone(aRgb) : tf.add<tf.Tensor3D>(tf.mul(aRgb, 1 - o), tf.mul(f, o));
    return { image: joinAlpha(tf.clipByValue(mixed, 0, 1), aAlpha) };
  },
});
