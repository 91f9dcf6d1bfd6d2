import { describe, expect, it } from 'vitest';
import { compatiblePort, fuzzyScore, searchCatalog } from '../../src/editor/logic/palette';
import { createRegistry } from '../../src/nodes/index';

const catalog = createRegistry().catalog();

describe('palette search', () => {
  it('scores substring and in-order matches, refuses out-of-order ones', () => {
    expect(fuzzyScore('med', 'Median')).toBeGreaterThan(fuzzyScore('mdn', 'Median'));
    expect(fuzzyScore('mdn', 'Median')).toBeGreaterThan(0);
    expect(fuzzyScore('ndm', 'Median')).toBe(-1);
    expect(fuzzyScore('', 'anything')).toBe(0);
    // a match at a word start beats one inside a word
    expect(fuzzyScore('blur', 'Gaussian blur')).toBeGreaterThan(fuzzyScore('lur', 'Gaussian blur'));
  });

  it('finds nodes by title, type, category and description', () => {
    const top = (q: string) => searchCatalog(catalog, q)[0]?.entry.type;
    expect(top('median')).toBe('filter.median');
    expect(top('ssim')).toBe('metric.ssim');
    expect(top('gaussian noise')).toBe('noise.gaussian');
    expect(top('gausblur')).toBe('filter.gaussianBlur');
    expect(top('filter.sobel')).toBe('filter.sobel');
    const metric = searchCatalog(catalog, 'metric').map((m) => m.entry.type);
    expect(metric).toEqual(expect.arrayContaining(['metric.ssim', 'metric.psnr', 'metric.mse']));
    expect(searchCatalog(catalog, 'zzzzqqq')).toEqual([]);
  });

  it('lists everything in catalogue order for an empty query', () => {
    expect(searchCatalog(catalog, '  ').map((m) => m.entry.type)).toEqual(catalog.map((e) => e.type));
  });

  it('keeps only nodes that can take a dragged wire, with the port to connect', () => {
    const fromImage = searchCatalog(catalog, '', { side: 'output', type: 'image' });
    const types = fromImage.map((m) => m.entry.type);
    expect(types).toContain('filter.median');
    expect(types).toContain('metric.ssim');
    expect(types).not.toContain('image.load'); // no inputs
    expect(types).not.toContain('generate.noise');
    expect(fromImage.find((m) => m.entry.type === 'metric.ssim')!.port).toBe('a');

    // a number output fits no image input
    const fromNumber = searchCatalog(catalog, '', { side: 'output', type: 'number' }).map((m) => m.entry.type);
    expect(fromNumber).not.toContain('filter.median');

    // dragging back from an image input looks for image outputs
    const intoImage = searchCatalog(catalog, 'load', { side: 'input', type: 'image' });
    expect(intoImage[0]!.entry.type).toBe('image.load');
    expect(intoImage[0]!.port).toBe('image');
    const ssim = catalog.find((e) => e.type === 'metric.ssim')!;
    expect(compatiblePort(ssim, { side: 'input', type: 'number' })).toBe('ssim');
    expect(compatiblePort(ssim, { side: 'input', type: 'latent' })).toBeNull();
  });

  it('lets a mask wire into an image input but not an image into a mask input', () => {
    const median = catalog.find((e) => e.type === 'filter.median')!;
    expect(compatiblePort(median, { side: 'output', type: 'mask' })).toBe('image');
    const withMaskInput = catalog.find((e) => Object.values(e.inputs).some((p) => p.type === 'mask'));
    if (withMaskInput) {
      const maskPort = Object.entries(withMaskInput.inputs).find(([, p]) => p.type === 'mask')![0];
      const imagePorts = Object.entries(withMaskInput.inputs).filter(([, p]) => p.type === 'image').map(([k]) => k);
      const port = compatiblePort(withMaskInput, { side: 'output', type: 'image' });
      expect(port).not.toBe(maskPort);
      expect(port === null || imagePorts.includes(port)).toBe(true);
    }
  });
});
