#!/usr/bin/env node
// Launcher: runs the built CLI (dist-cli/, made by `npm run build:cli`, which `npm install`,
// `npm pack` and `npm test` run). In a source checkout without a build it falls back to the
// TypeScript sources through tsx (a development dependency), saying so on stderr.
import { existsSync } from 'node:fs';

const built = new URL('../dist-cli/main.mjs', import.meta.url);
const argv = process.argv.slice(2);
if (existsSync(built)) {
  const { runCli } = await import(built.href);
  await runCli(argv);
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write('pixel-loom: the CLI is not built (dist-cli/main.mjs is missing); run `npm run build:cli` in the pixel-loom folder\n');
    process.exit(2);
  }
  if (process.stderr.isTTY) process.stderr.write('pixel-loom: dist-cli/ is missing; running the TypeScript sources (npm run build:cli makes start-up fast)\n');
  register();
  const { runCli } = await import('../src/cli/main.ts');
  await runCli(argv);
}
