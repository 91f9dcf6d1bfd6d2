#!/usr/bin/env node
/**
 * Builds the command-line tool into dist-cli/ (`npm run build:cli`; also run by `prepare`,
 * `npm test` and the unit tests' global setup), so `bin/pixel-loom.mjs` runs JavaScript and no
 * TypeScript compiler at run time.
 *
 * One esbuild run (ESM, Node 20, npm packages left as imports) with three entries and shared
 * chunks, all in dist-cli/ so that what a command does not use is never loaded (`--version`
 * and `nodes` load neither tfjs nor the nodes):
 *   src/cli/main.ts                       → dist-cli/main.mjs (the CLI)
 *   src/cli/batch/job.ts                  → dist-cli/job.mjs (a batch pool thread)
 *   src/kernels/threads/nodeHelperMain.ts → dist-cli/nodeHelper.mjs (a kernel thread)
 *
 * `import.meta.url` in a source file becomes that source file's own URL (under src/), so
 * every file the code finds beside itself (the kernels' .wasm, package.json, public/models)
 * is found where it is in the source tree; `__PIXEL_LOOM_BUILD__` tells the code that starts
 * threads to start the built entries above instead of the TypeScript ones.
 *
 * Usage: node scripts/tools/build-cli.mjs [--quiet]
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUT_DIR = path.join(root, 'dist-cli');

const ENTRIES = {
  main: 'src/cli/main.ts',
  job: 'src/cli/batch/job.ts',
  nodeHelper: 'src/kernels/threads/nodeHelperMain.ts',
};

/** import.meta.url → the URL of the source file itself, computed from the bundle's own URL. */
const sourceUrls = {
  name: 'pixel-loom-source-urls',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      let text = await readFile(args.path, 'utf8');
      if (text.includes('import.meta.url')) {
        const rel = path.relative(root, args.path).split(path.sep).join('/');
        text = text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, __PIXEL_LOOM_ROOT__).href`);
      }
      return { contents: text, loader: 'ts' };
    });
    // Browser-only asset imports (Vite's `?url`), never reached in Node: empty modules.
    b.onResolve({ filter: /\?url$/ }, (args) => ({ path: args.path, namespace: 'browser-asset' }));
    b.onLoad({ filter: /.*/, namespace: 'browser-asset' }, () => ({ contents: 'export default "";', loader: 'js' }));
  },
};

export async function buildCli({ quiet = false } = {}) {
  const t0 = performance.now();
  await rm(OUT_DIR, { recursive: true, force: true });
  await build({
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, path.join(root, file)])),
    outdir: OUT_DIR,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
    define: { __PIXEL_LOOM_BUILD__: 'true' },
    // every output lies in dist-cli/, one folder below the package root
    banner: { js: 'const __PIXEL_LOOM_ROOT__ = new URL("../", import.meta.url);' },
    plugins: [sourceUrls],
  });
  if (!quiet) process.stdout.write(`built the CLI into ${path.relative(process.cwd(), OUT_DIR) || '.'}/ in ${((performance.now() - t0) / 1000).toFixed(2)} s\n`);
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  await buildCli({ quiet: process.argv.includes('--quiet') });
}
