/**
 * What the editor says when a graph uses stored images (`asset:` ids) that this browser's
 * library does not hold — a graph file made in another browser, or an image deleted since.
 * The load nodes using them show the worker's error; this text says how to get them back.
 */

/** "1 image this graph uses is not in this browser's library (asset:…): pick it again …". Lower-case start, no final period. */
export function missingImagesText(missing: readonly string[]): string {
  if (missing.length === 0) throw new Error('missingImagesText: no missing images given');
  const one = missing.length === 1;
  return (
    `${missing.length} image${one ? '' : 's'} this graph uses ${one ? 'is' : 'are'} not in this browser's library (${missing.join(', ')}): ` +
    `pick ${one ? 'it' : 'them'} again with Open… in the Load image node${one ? '' : 's'} showing the error, or import a self-contained export of the graph (Export + images)`
  );
}

/** The notice shown when such a graph opens. */
export function missingImagesNotice(missing: readonly string[]): string {
  return `${missingImagesText(missing)}.`;
}

/** The notice shown when such a graph was just imported. */
export function importedWithMissingImagesNotice(name: string, missing: readonly string[]): string {
  return `Imported "${name}" as a new graph in the library, but ${missingImagesText(missing)}.`;
}
