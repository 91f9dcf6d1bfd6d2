/**
 * End-to-end: the image kernels split over threads in the browser. The built app is served
 * cross-origin isolated, so with ?threads=4 the evaluation worker starts helper threads (one
 * fewer than the cores, at most 3) and splits large images into row bands; ?threads=1 (the
 * default) keeps one thread.
 * A 640² bilateral → median 5 → Gaussian chain gives the same pixels both ways.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { openEditor, readPixels, thumb, waitIdle } from './app';
import { CHROMIUM, launchBrowser, startPreviewServer, watchPage, type Browser, type Server } from './harness';

let server: Server;
let browser: Browser;

beforeAll(async () => {
  if (existsSync(CHROMIUM)) browser = await launchBrowser({ viewport: { width: 1400, height: 900 } });
  server = await startPreviewServer();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const chain = {
  format: 'pixel-loom.graph',
  version: 1,
  name: 'threads',
  nodes: [
    { id: 'gen', type: 'generate.noise', params: { width: 640, height: 600, channels: 'rgb', distribution: 'uniform', low: 0, high: 1, seed: 4 }, position: { x: 0, y: 0 } },
    { id: 'bilateral', type: 'restore.denoise', params: { method: 'bilateral', sigmaColor: 0.1, sigmaSpace: 3 }, position: { x: 260, y: 0 } },
    { id: 'median', type: 'filter.median', params: { size: 5 }, position: { x: 520, y: 0 } },
    { id: 'blur', type: 'filter.gaussianBlur', params: { sigma: 3 }, position: { x: 780, y: 0 } },
  ],
  edges: [
    { from: { node: 'gen', port: 'image' }, to: { node: 'bilateral', port: 'image' } },
    { from: { node: 'bilateral', port: 'image' }, to: { node: 'median', port: 'image' } },
    { from: { node: 'median', port: 'image' }, to: { node: 'blur', port: 'image' } },
  ],
};

type Hooks = { backend(): { kernelThreads?: number } | null; loadDocument(d: unknown): Promise<void> };

async function runChain(page: Page): Promise<number[]> {
  await page.evaluate((d) => (window as unknown as { __pixelLoom: Hooks }).__pixelLoom.loadDocument(d), chain);
  await waitIdle(page, 180_000);
  const out: number[] = [];
  for (const id of ['bilateral', 'median', 'blur']) out.push(...(await readPixels(page, thumb(id))).gray);
  return out;
}

describe('image kernels on threads in the browser (wasm)', () => {
  it('the worker starts helper threads on the isolated page, and split results equal one thread', async () => {
    const threaded = await browser.context.newPage();
    const single = await browser.context.newPage();
    const log = watchPage(threaded);
    try {
      await openEditor(threaded, server.url, { backend: 'wasm', threads: '4' });
      const cores = await threaded.evaluate(() => ({ isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency }));
      expect(cores.isolated).toBe(true);
      const expected = Math.min(4, cores.cores);
      await threaded.waitForFunction((n) => ((window as unknown as { __pixelLoom: Hooks }).__pixelLoom.backend()?.kernelThreads ?? 1) === n, expected, { timeout: 60_000 });
      expect(await threaded.getByTestId('backend-info').getAttribute('title')).toContain(expected > 1 ? `image kernels on ${expected} threads` : 'wasm');
      await openEditor(single, server.url, { backend: 'wasm', threads: '1' });
      expect(await single.evaluate(() => (window as unknown as { __pixelLoom: Hooks }).__pixelLoom.backend()?.kernelThreads ?? 1)).toBe(1);
      const a = await runChain(threaded);
      const b = await runChain(single);
      expect(a.length).toBeGreaterThan(1000);
      expect(a).toEqual(b);
    } catch (e) {
      throw new Error(`${e instanceof Error ? e.message : String(e)}\npage errors: ${log.errors.join('\n')}\nconsole: ${log.console.slice(-10).join('\n')}`);
    } finally {
      await threaded.close();
      await single.close();
    }
  }, 300_000);
});
