import { describe, expect, it } from 'vitest';
import type { FloatParam, IntParam, KernelParam, ParamSpec } from '../../src/engine/types';
import { formatNumber, kernelSum, parseNumeric, randomSeed, resizeKernel, setKernelEntry, sliderRange, snapSlider, stepFor, validate } from '../../src/editor/logic/paramInput';

const sigma: FloatParam = { kind: 'float', default: 0.1, min: 0, max: 1, label: 'sigma' };
const size: IntParam = { kind: 'int', default: 3, min: 3, max: 31, odd: true };
const seed: ParamSpec = { kind: 'seed', default: 0 };

describe('numeric entry', () => {
  it('accepts values inside the bounds', () => {
    expect(parseNumeric('sigma', sigma, ' 0.25 ')).toEqual({ ok: true, value: 0.25 });
    expect(parseNumeric('size', size, '5')).toEqual({ ok: true, value: 5 });
    expect(parseNumeric('seed', seed, '4294967295')).toEqual({ ok: true, value: 4294967295 });
  });

  it('refuses out-of-range input with the bound in the message', () => {
    expect(parseNumeric('sigma', sigma, '1.5')).toEqual({ ok: false, message: 'sigma: 1.5 is above the maximum 1' });
    expect(parseNumeric('sigma', sigma, '-0.1')).toEqual({ ok: false, message: 'sigma: -0.1 is below the minimum 0' });
    expect(parseNumeric('size', size, '1')).toEqual({ ok: false, message: 'size: 1 is below the minimum 3' });
    expect(parseNumeric('size', size, '4')).toEqual({ ok: false, message: 'size: 4 must be odd' });
    expect(parseNumeric('size', size, '3.5')).toEqual({ ok: false, message: 'size: 3.5 is not an integer' });
    expect(parseNumeric('seed', seed, '-1')).toEqual({ ok: false, message: 'seed: seed -1 is outside 0 … 4294967295' });
    expect(parseNumeric('sigma', sigma, 'abc')).toEqual({ ok: false, message: 'sigma: "abc" is not a number' });
    expect(parseNumeric('sigma', sigma, '')).toEqual({ ok: false, message: 'sigma: enter a number' });
  });

  it('validates other kinds with the engine rules', () => {
    const mode: ParamSpec = { kind: 'enum', default: 'a', options: ['a', 'b'] };
    expect(validate('mode', mode, 'c')).toEqual({ ok: false, message: 'mode: "c" is not one of a, b' });
    expect(validate('mode', mode, 'b')).toEqual({ ok: true, value: 'b' });
  });
});

describe('sliders', () => {
  it('moves odd ints by 2 and floats by about 1/100 of the range', () => {
    expect(stepFor(size)).toBe(2);
    expect(stepFor({ kind: 'int', default: 1, min: 0, max: 10 })).toBe(1);
    expect(stepFor(sigma)).toBe(0.01);
    expect(stepFor({ kind: 'float', default: 1, min: 0, max: 50 })).toBe(0.5);
    expect(stepFor({ kind: 'float', default: 1, min: 0, max: 50, step: 0.25 })).toBe(0.25);
  });

  it('snaps to valid values', () => {
    expect(snapSlider(size, 4.2)).toBe(5);
    expect(snapSlider(size, 3.9)).toBe(3);
    expect(snapSlider(size, 31.4)).toBe(31);
    expect(snapSlider({ kind: 'int', default: 4, min: 2, max: 8, odd: true }, 8)).toBe(7);
    expect(snapSlider(sigma, 0.123456)).toBe(0.12);
  });

  it('uses the bounds, or a soft range where a bound is missing', () => {
    expect(sliderRange(sigma, 0.3)).toEqual({ min: 0, max: 1 });
    expect(sliderRange(size, 9)).toEqual({ min: 3, max: 31 });
    const open: FloatParam = { kind: 'float', default: 2, min: 0 };
    expect(sliderRange(open, 2)).toEqual({ min: 0, max: 8 });
    expect(sliderRange(open, 20).max).toBe(20);
  });
});

describe('seed and number text', () => {
  it('randomizes within 0 … 2^32 − 1', () => {
    expect(randomSeed(() => 0)).toBe(0);
    expect(randomSeed(() => 0.999999999999)).toBe(4294967295);
    expect(randomSeed(() => 0.5)).toBe(2147483648);
  });
  it('prints short numbers', () => {
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(3)).toBe('3');
    expect(formatNumber(1 / 3)).toBe('0.333333');
  });
});

describe('kernel editor', () => {
  const k3 = [
    [0, 1, 0],
    [1, -4, 1],
    [0, 1, 0],
  ];
  const spec: KernelParam = { kind: 'kernel', default: k3, maxSize: 5 };

  it('grows symmetrically with zeros and stays odd', () => {
    const k5 = resizeKernel(k3, 2, 2, spec.maxSize!);
    expect(k5).toEqual([
      [0, 0, 0, 0, 0],
      [0, 0, 1, 0, 0],
      [0, 1, -4, 1, 0],
      [0, 0, 1, 0, 0],
      [0, 0, 0, 0, 0],
    ]);
    // never past the maximum (nor to an even size when the maximum is even)
    expect(resizeKernel(k5, 2, 2, 5)).toEqual(k5);
    expect(resizeKernel(k3, 2, 0, 4).length).toBe(3);
  });

  it('shrinks by removing the outer ring, rows and columns separately', () => {
    expect(resizeKernel(k3, -2, 0, 31)).toEqual([[1, -4, 1]]);
    expect(resizeKernel(k3, 0, -2, 31)).toEqual([[1], [-4], [1]]);
    expect(resizeKernel([[5]], -2, -2, 31)).toEqual([[5]]);
  });

  it('edits one entry without touching the original and sums it', () => {
    const e = setKernelEntry(k3, 1, 1, -3);
    expect(e[1]).toEqual([1, -3, 1]);
    expect(k3[1]).toEqual([1, -4, 1]);
    expect(kernelSum(e)).toBe(1);
    expect(kernelSum(k3)).toBe(0);
  });
});
