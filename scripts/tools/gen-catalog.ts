/**
 * Writes src/editor/logic/catalog.generated.json, the node catalogue as data
 * (`npm run catalog`), so the editor builds its canvas at once instead of waiting for the
 * evaluation worker to load tfjs and the nodes (the worker still sends its own catalogue;
 * test/editor/catalogData.test.ts fails when this file is out of date).
 * `npm run catalog -- --check` exits 1 when the committed file is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { createRegistry } from '../../src/nodes/index';

const file = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'editor', 'logic', 'catalog.generated.json');
const catalog = createRegistry().catalog();
const text = `${JSON.stringify(catalog, null, 1)}\n`;
if (!isDeepStrictEqual(JSON.parse(text), catalog)) {
  // a value JSON cannot hold (Infinity, NaN, undefined) would change on the way
  process.stderr.write('the node catalogue holds a value JSON cannot represent; the editor cannot use a generated copy\n');
  process.exit(1);
}

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // missing file: out of date
  }
  if (current !== text) {
    process.stderr.write(`${file} is out of date; run \`npm run catalog\`\n`);
    process.exit(1);
  }
  process.stdout.write(`${file} is up to date\n`);
} else {
  writeFileSync(file, text);
  process.stdout.write(`wrote ${file}\n`);
}
