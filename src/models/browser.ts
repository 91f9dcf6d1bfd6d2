/**
 * Browser access to model files: shipped models are served by Vite from public/models at
 * `<base>/models/<path>`; custom models are fetched from the URL the user gave. The worker's
 * Host implements `readModelFile` with `fetchModelFile`.
 */

/** The URL of a shipped model file, e.g. `mnist-vae/decoder/model.json` → `/models/mnist-vae/decoder/model.json`. */
export function modelFileUrl(path: string, base = '/'): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('/')) return path;
  return `${base.endsWith('/') ? base : base + '/'}models/${path}`;
}

/** Fetches a model file (shipped: relative path; custom: absolute URL). */
export async function fetchModelFile(path: string, signal?: AbortSignal, base = '/'): Promise<Uint8Array> {
  const url = modelFileUrl(path, base);
  const res = await fetch(url, { signal });
  if (!res.ok) throw new Error(`cannot fetch model file ${url}: HTTP ${res.status} ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
}
