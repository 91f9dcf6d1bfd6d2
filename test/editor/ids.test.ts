import { describe, expect, it } from 'vitest';
import { idBaseForType, idForCopy, idForType, nextId } from '../../src/editor/logic/ids';

describe('node ids for added nodes', () => {
  it('uses the last type segment in lower camel case', () => {
    expect(idBaseForType('filter.gaussianBlur')).toBe('gaussianBlur');
    expect(idBaseForType('image.load')).toBe('load');
    expect(idBaseForType('metric.ssim')).toBe('ssim');
    expect(idBaseForType('noise.gaussian')).toBe('gaussian');
    expect(idBaseForType('inpaint')).toBe('inpaint');
    expect(idBaseForType('x.Median')).toBe('median');
    expect(idBaseForType('weird.na me!')).toBe('name');
    expect(idBaseForType('...')).toBe('node');
  });

  it('takes the first unused number from 1', () => {
    const taken = new Set(['median1', 'median2', 'median4']);
    expect(nextId('median', (id) => taken.has(id))).toBe('median3');
    expect(idForType('filter.median', () => false)).toBe('median1');
    expect(idForType('filter.gaussianBlur', (id) => id === 'gaussianBlur1')).toBe('gaussianBlur2');
  });

  it('names a copy after the original without its number', () => {
    const taken = new Set(['median1', 'median2']);
    expect(idForCopy('median2', 'filter.median', (id) => taken.has(id))).toBe('median3');
    expect(idForCopy('denoiser', 'filter.median', (id) => id === 'denoiser1')).toBe('denoiser2');
    // an id made only of digits falls back to the type's base
    expect(idForCopy('42', 'metric.psnr', () => false)).toBe('psnr1');
  });
});
