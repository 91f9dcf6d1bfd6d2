/**
 * Writes schema/pixel-loom.graph.schema.json from the node catalogue (`npm run schema`).
 * `npm run schema -- --check` exits 1 when the committed file is out of date.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeOrCheck } from '../lib/generatedFile';
import { graphJsonSchemaText } from '../../src/engine/schema';
import { createRegistry } from '../../src/nodes/index';

const file = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schema', 'pixel-loom.graph.schema.json');
const text = graphJsonSchemaText(createRegistry());

writeOrCheck(file, text, 'npm run schema');
