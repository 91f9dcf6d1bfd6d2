import { describe, expect, it } from 'vitest';
import { importedWithMissingImagesNotice, missingImagesNotice, missingImagesText } from '../../src/editor/logic/missingImages';

describe('missing image texts', () => {
  it('one image: names it and says how to get it back (pick it again, or a self-contained export)', () => {
    expect(missingImagesNotice(['asset:0123456789abcdef'])).toBe(
      "1 image this graph uses is not in this browser's library (asset:0123456789abcdef): pick it again with Open… in the Load image node showing the error, or import a self-contained export of the graph (Export + images).",
    );
  });

  it('several images: plural forms and every id', () => {
    const t = missingImagesText(['asset:aaaaaaaaaaaaaaaa', 'asset:bbbbbbbbbbbbbbbb']);
    expect(t).toMatch(/^2 images this graph uses are not in this browser's library \(asset:aaaaaaaaaaaaaaaa, asset:bbbbbbbbbbbbbbbb\): pick them again with Open… in the Load image nodes showing the error/);
  });

  it('after an import the notice says the graph was imported and what is missing', () => {
    expect(importedWithMissingImagesNotice('Vendor graph', ['asset:0123456789abcdef'])).toBe(
      `Imported "Vendor graph" as a new graph in the library, but 1 image this graph uses is not in this browser's library (asset:0123456789abcdef): pick it again with Open… in the Load image node showing the error, or import a self-contained export of the graph (Export + images).`,
    );
  });

  it('refuses an empty list (there is nothing to say)', () => {
    expect(() => missingImagesText([])).toThrow(/no missing images/);
  });
});
