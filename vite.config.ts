import { defineConfig } from 'vite';

// COOP/COEP give cross-origin isolation so tfjs wasm may use threads in the browser.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  server: { host: '127.0.0.1', port: 5173, headers: isolation },
  preview: { host: '127.0.0.1', port: 4173, headers: isolation },
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
});
