/**
 * The worker's Host: where image.load sources come from in the browser.
 * - `asset:<hash>`: bytes registered with putAsset (in memory for this session);
 * - `data:` URLs;
 * - same-origin URLs and paths, resolved against the document's base URL (the folder of a
 *   graph opened with `?graph=`, else the app root, where `/assets/…` serves the samples).
 * Model files (gan/vae/denoise/inpaint nodes) come from `/models/…` (public/models, served by
 * the app) or, for a custom model, from the URL the user gave.
 */
import type { Host } from '../engine/types';
import { modelFileUrl } from '../models/browser';

export const ASSET_PREFIX = 'asset:';
export const DEFAULT_MAX_SIDE = 8192;

export interface BrowserHost extends Host {
  readonly assets: Map<string, Uint8Array>;
  baseUrl: string;
}

function origin(): string {
  return (globalThis as { location?: { origin?: string } }).location?.origin ?? 'http://localhost';
}

export function createBrowserHost(fetchImpl: typeof fetch = (...a) => fetch(...a)): BrowserHost {
  const host: BrowserHost = {
    assets: new Map(),
    baseUrl: `${origin()}/`,
    limits: { maxImageSide: DEFAULT_MAX_SIDE, hint: 'resize the image before loading it' },
    async readSource(source: string, signal?: AbortSignal): Promise<Uint8Array> {
      const shown = source.startsWith('data:') ? `data URL (${source.length} characters)` : JSON.stringify(source);
      if (source.startsWith(ASSET_PREFIX)) {
        const bytes = host.assets.get(source);
        if (!bytes) throw new Error(`image asset ${shown} is not in this browser's library: pick the image file again (Open…), or import a self-contained export of the graph (Export + images), which carries its images`);
        return bytes;
      }
      let url: URL;
      try {
        url = new URL(source, host.baseUrl);
      } catch {
        throw new Error(`cannot read ${shown}: not a valid URL or path`);
      }
      if (url.protocol !== 'data:' && url.origin !== origin()) {
        throw new Error(`cannot read ${shown}: only images served by this app, data URLs and picked files can be loaded (got ${url.origin})`);
      }
      let res: Response;
      try {
        res = await fetchImpl(url.href, signal ? { signal } : {});
      } catch (e) {
        if (signal?.aborted) throw e;
        throw new Error(`cannot read ${shown}: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (!res.ok) throw new Error(`cannot read ${shown}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''} (${url.pathname})`);
      const type = res.headers.get('content-type') ?? '';
      // The dev server answers unknown paths with the app's index.html.
      if (/text\/html/i.test(type)) throw new Error(`cannot read ${shown}: no such file (${url.pathname})`);
      return new Uint8Array(await res.arrayBuffer());
    },
    async readModelFile(file: string, signal?: AbortSignal): Promise<Uint8Array> {
      const url = new URL(modelFileUrl(file, '/'), `${origin()}/`);
      let res: Response;
      try {
        res = await fetchImpl(url.href, signal ? { signal } : {});
      } catch (e) {
        if (signal?.aborted) throw e;
        throw new Error(`cannot fetch model file ${url.href}: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (!res.ok) throw new Error(`cannot fetch model file ${url.pathname}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
      if (/text\/html/i.test(res.headers.get('content-type') ?? '')) throw new Error(`cannot fetch model file ${url.pathname}: no such file`);
      return new Uint8Array(await res.arrayBuffer());
    },
  };
  return host;
}
