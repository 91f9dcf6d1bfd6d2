/**
 * End-to-end: previews that persist (issue 24 items 1–2). A 20-node graph evaluated once is
 * reopened in a new page of the same browser profile (a fresh engine, empty memory cache):
 * every thumbnail is there with 0 node executions, restored from IndexedDB; one param edit
 * then computes only that node's descendants; "Clear" empties the kept previews.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { graph, openEditor, tid, waitIdle } from './app';
import { CHROMIUM, launchBrowser, requireChromium, screenshot, startPreviewServer, watchPage, type Browser, type Server } from './harness';

let server: Server;
let browser: Browser;

beforeAll(async () => {
  if (existsSync(CHROMIUM)) browser = await launchBrowser({ viewport: { width: 1600, height: 1000 } });
  server = await startPreviewServer();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

type Hooks = { loadDocument(d: unknown): Promise<void>; executions(): number; graphId(): string | null; flush(): Promise<void> };
/** Calls a test hook by name. */
const call = <K extends 'executions' | 'graphId' | 'flush'>(p: import('playwright-core').Page, name: K) =>
  p.evaluate((n) => (window as unknown as { __pixelLoom: Record<string, () => unknown> }).__pixelLoom[n]!(), name) as Promise<ReturnType<Hooks[K]> extends Promise<infer R> ? R : ReturnType<Hooks[K]>>;

/** 20 nodes: a noise image, six blur → sharpen pairs off it, seven metrics. */
function twenty(): unknown {
  const e = (a: string, ap: string, b: string, bp: string) => ({ from: { node: a, port: ap }, to: { node: b, port: bp } });
  const nodes: unknown[] = [{ id: 'src', type: 'generate.noise', params: { width: 64, height: 48, channels: 'gray', seed: 11 }, position: { x: 0, y: 0 } }];
  const edges: unknown[] = [];
  for (let i = 1; i <= 6; i++) {
    nodes.push({ id: `blur${i}`, type: 'filter.gaussianBlur', params: { sigma: i * 0.5 }, position: { x: 320, y: (i - 1) * 420 } });
    nodes.push({ id: `sharp${i}`, type: 'filter.unsharpMask', params: { amount: 1 }, position: { x: 640, y: (i - 1) * 420 } });
    edges.push(e('src', 'image', `blur${i}`, 'image'), e(`blur${i}`, 'image', `sharp${i}`, 'image'));
  }
  for (let i = 1; i <= 6; i++) {
    nodes.push({ id: `psnr${i}`, type: 'metric.psnr', params: {}, position: { x: 960, y: (i - 1) * 420 } });
    edges.push(e('src', 'image', `psnr${i}`, 'a'), e(`sharp${i}`, 'image', `psnr${i}`, 'b'));
  }
  nodes.push({ id: 'mse', type: 'metric.mse', params: {}, position: { x: 1280, y: 0 } });
  edges.push(e('sharp1', 'image', 'mse', 'a'), e('sharp6', 'image', 'mse', 'b'));
  return { format: 'pixel-loom.graph', version: 3, name: 'Twenty', nodes, edges };
}

describe('persistent previews', () => {
  it('a reopened 20-node graph shows every thumbnail with 0 executions; one edit computes only its descendants; Clear empties the store', async () => {
    requireChromium();
    const page = await browser.context.newPage();
    const log = watchPage(page);
    await openEditor(page, server.url, { backend: 'cpu' });
    await page.evaluate((d) => (window as unknown as { __pixelLoom: Hooks }).__pixelLoom.loadDocument(d), twenty());
    // every node in view: fit the whole graph
    await page.keyboard.press('f');
    await waitIdle(page);
    const first = await call(page, 'executions');
    expect(first).toBeGreaterThanOrEqual(20);
    const id = await call(page, 'graphId');
    await call(page, 'flush');
    await expect.poll(async () => Number(await page.locator(tid('results-size')).getAttribute('data-bytes')), { timeout: 20_000 }).toBeGreaterThan(0);
    const doc = await graph(page);
    const images = doc.nodes.filter((n) => n.type !== 'metric.psnr' && n.type !== 'metric.mse').map((n) => n.id);
    await page.close();

    // a new page: a fresh engine; everything comes from the kept results
    const again = await browser.context.newPage();
    const log2 = watchPage(again);
    const t0 = Date.now();
    await openEditor(again, server.url, { backend: 'cpu', id: id! });
    await waitIdle(again);
    for (const n of images) await expect.poll(async () => Number(await again.locator(tid(`thumb-${n}`)).getAttribute('data-revision')), { timeout: 20_000 }).toBeGreaterThan(0);
    const ms = Date.now() - t0;
    console.info(`reopen 20 nodes: every thumbnail after ${ms} ms (page load included), ${await call(again, 'executions')} executions`);
    expect(await call(again, 'executions')).toBe(0);
    expect(await again.locator(tid('value-psnr3-psnr')).textContent()).toMatch(/^\d+\.\d+/);
    await screenshot(again, 'results-01-reopened');

    // one param edit: blur3 and what depends on it (sharp3, psnr3) compute, nothing else
    expect(await again.evaluate(() => (window as unknown as { __pixelLoom: { setParam(n: string, p: string, v: unknown): string | null } }).__pixelLoom.setParam('blur3', 'sigma', 2.25))).toBeNull();
    await waitIdle(again);
    await expect.poll(async () => call(again, 'executions'), { timeout: 20_000 }).toBe(3);

    // the size cap: chosen in the status bar, applied by the worker (its answer sets the menu)
    await again.locator(tid('results-cap')).selectOption(String(128 * 1024 * 1024));
    await expect.poll(async () => again.locator(tid('results-cap')).inputValue(), { timeout: 10_000 }).toBe(String(128 * 1024 * 1024));
    expect(await again.evaluate(() => localStorage.getItem('pixel-loom.resultsCap'))).toBe(String(128 * 1024 * 1024));

    await again.locator(tid('results-clear')).click();
    await expect.poll(async () => Number(await again.locator(tid('results-size')).getAttribute('data-bytes')), { timeout: 20_000 }).toBe(0);
    expect(log.errors).toEqual([]);
    expect(log2.errors).toEqual([]);
    await again.close();
  });
});
