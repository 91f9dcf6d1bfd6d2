import { defineConfig } from 'vitest/config';

// End-to-end tests: the built app (dist/, from `vite build`) served by `vite preview` on
// 127.0.0.1 and driven in Debian's /usr/bin/chromium through playwright-core. One file at a
// time (one browser, two CPU cores on CI); generous timeouts (SwiftShader WebGPU is slow).
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    // builds the CLI the tests spawn (bin/pixel-loom.mjs runs dist-cli/)
    globalSetup: ['test/helpers/buildCli.ts'],
    reporters: ['default', ['json', { outputFile: 'tmp/vitest-e2e-report.json' }]],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    isolate: true,
  },
});
