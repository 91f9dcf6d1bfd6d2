import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    environment: 'node',
    // builds the CLI the tests spawn (bin/pixel-loom.mjs runs dist-cli/)
    globalSetup: ['test/helpers/buildCli.ts'],
    // loads the WebAssembly kernels (src/kernels) as the CLI and the worker do
    setupFiles: ['test/helpers/kernels.ts'],
    reporters: ['default', ['json', { outputFile: 'tmp/vitest-report.json' }]],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // wasm and webgpu backends install process-wide handlers; keep each file isolated.
    isolate: true,
  },
});
