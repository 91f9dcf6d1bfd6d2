#!/usr/bin/env node
// Launcher: registers tsx's ESM loader (resolved from this package, so it works from any
// working directory) and runs the TypeScript CLI in this process.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
await runCli(process.argv.slice(2));
