/**
 * Writes schema/pixel-loom.graph.schema.json from the node catalogue (`npm run schema`).
 * `npm run schema -- --check` exits 1 when the committed file is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { graphJsonSchemaText } from '../../src/engine/schema';
import { createRegistry } from '../../src/nodes/index';

const file = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schema', 'pixel-loom.graph.schema.json');
const text = graphJsonSchemaText(createRegistry());

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // missing file: out of date
  }
  if (current !== text) {
    process.stderr.write(`${file} is out of date; run \`npm run schema\`\n`);
    process.exit(1);
  }
  process.stdout.write(`${file} is up to date\n`);
} else {
  writeFileSync(file, text);
  process.stdout.write(`wrote ${file}\n`);
}
