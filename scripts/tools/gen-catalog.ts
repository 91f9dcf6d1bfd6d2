/**
 * Writes src/generated/catalog.json, the node catalogue as data
 * (`npm run catalog`), so the editor builds its canvas at once instead of waiting for the
 * evaluation worker to load tfjs and the nodes (the worker still sends its own catalogue;
 * test/editor/catalogData.test.ts fails when this file is out of date).
 * `npm run catalog -- --check` exits 1 when the committed file is out of date.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeOrCheck } from '../lib/generatedFile';
import { isDeepStrictEqual } from 'node:util';
import { createRegistry } from '../../src/nodes/index';

const file = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'generated', 'catalog.json');
const catalog = createRegistry().catalog();
const text = `${JSON.stringify(catalog, null, 1)}\n`;
if (!isDeepStrictEqual(JSON.parse(text), catalog)) {
  // a value JSON cannot hold (Infinity, NaN, undefined) would change on the way
  process.stderr.write('the node catalogue holds a value JSON cannot represent; the editor cannot use a generated copy\n');
  process.exit(1);
}

writeOrCheck(file, text, 'npm run catalog');
