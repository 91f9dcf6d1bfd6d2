/**
 * Puts the entries of the restoration models (dncnn, inpaint-net) back into
 * public/models/manifest.json from their public/models/<name>/manifest-entry.json, e.g. after a
 * tool rewrote the manifest:
 *
 *   npx tsx scripts/restoration/merge-restoration-manifest.ts
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { modelsRoot } from '../../src/models/nodeIO';
import { mergeManifest, RESTORATION_MODELS } from './restoration-common';

const entries = RESTORATION_MODELS.map((name) => path.join(modelsRoot(), name, 'manifest-entry.json'))
  .filter((f) => existsSync(f))
  .map((f) => JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown> & { name: string });
mergeManifest(entries);
console.log(`merged ${entries.map((e) => e.name).join(', ') || 'nothing'} into ${path.join(modelsRoot(), 'manifest.json')}`);
