/** Vitest set-up: the WebAssembly kernels are loaded before any test, as the CLI and the worker load them. */
import { initKernels } from '../../src/kernels';

if (!(await initKernels())) throw new Error('the WebAssembly kernels did not load: run npm run build:kernels (npm install runs it)');
