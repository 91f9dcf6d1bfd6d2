import { defineConfig, type Plugin } from 'vite';
import vue from '@vitejs/plugin-vue';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// COOP/COEP give cross-origin isolation so tfjs wasm may use threads in the browser.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const root = path.dirname(fileURLToPath(import.meta.url));

/**
 * Serves the example graphs and their images to the editor: `graphs/**` at `/graphs/…` and
 * `graphs/assets/*` also at `/assets/…` (so an image.load source `/assets/camera.png` works
 * and `?graph=/graphs/denoise.graph.json` resolves its relative `assets/…` sources). In a
 * build the same files are copied into dist.
 */
function exampleFiles(): Plugin {
  const mounts: [prefix: string, dir: string][] = [
    ['/graphs/', path.join(root, 'graphs')],
    ['/assets/', path.join(root, 'graphs', 'assets')],
  ];
  const types: Record<string, string> = {
    '.png': 'image/png',
    '.jpg': 'image/jpeg',
    '.jpeg': 'image/jpeg',
    '.webp': 'image/webp',
    '.json': 'application/json',
    '.md': 'text/markdown; charset=utf-8',
  };
  const resolve = (url: string): string | null => {
    const clean = decodeURIComponent(url.split('?')[0] ?? '');
    for (const [prefix, dir] of mounts) {
      if (!clean.startsWith(prefix)) continue;
      const file = path.normalize(path.join(dir, clean.slice(prefix.length)));
      if (!file.startsWith(dir + path.sep)) return null;
      if (existsSync(file) && statSync(file).isFile()) return file;
    }
    return null;
  };
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]));
  return {
    name: 'pixel-loom-example-files',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const file = req.url ? resolve(req.url) : null;
        if (!file) return next();
        res.setHeader('Content-Type', types[path.extname(file).toLowerCase()] ?? 'application/octet-stream');
        res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
        createReadStream(file).pipe(res);
      });
    },
    generateBundle() {
      for (const [prefix, dir] of mounts) {
        for (const file of walk(dir)) {
          this.emitFile({ type: 'asset', fileName: prefix.slice(1) + path.relative(dir, file).split(path.sep).join('/'), source: readFileSync(file) });
        }
      }
    },
  };
}

export default defineConfig({
  plugins: [vue(), exampleFiles()],
  server: { host: '127.0.0.1', port: 5173, headers: isolation },
  preview: { host: '127.0.0.1', port: 4173, headers: isolation },
  worker: { format: 'es' },
  // Bundled JS/CSS/wasm go to /static/ so /assets/ is free for the sample images.
  build: { target: 'es2022', sourcemap: true, assetsDir: 'static', chunkSizeWarningLimit: 4096 },
  optimizeDeps: { include: ['elkjs'] },
});
