/**
 * End-to-end, issue 10 ("trust what the editor shows, treat every graph as untrusted"), in
 * the built app in Debian's Chromium (wasm):
 *  1. a node deleted and re-added from the palette under the same id shows nothing of the
 *     deleted node (thumbnail, value, status, preview);
 *  2. odd strings typed into every string param never stop evaluation: each bad value is an
 *     error on its node (or refused at the field), and results keep arriving;
 *  3. `?graph=` on another origin is never requested before the user confirms; the same
 *     same-origin link opened twice adds one library graph;
 *  5. Stop cancels a heavy run and leaves the graph as it was; the memory limit refuses a
 *     node above it with its size; a huge output's preview reaches the main thread subsampled.
 * Screenshots go to tmp/e2e-artifacts/trust-*.png.
 */
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addFromPalette, graph, openEditor, tid, waitIdle, type Doc } from './app';
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

interface Hooks {
  document(): Doc;
  loadDocument(doc: unknown): Promise<void>;
  library(): Promise<{ id: string; name: string }[]>;
}

function load(page: Page, doc: unknown): Promise<void> {
  return page.evaluate(async (d) => (window as unknown as { __pixelLoom: Hooks }).__pixelLoom.loadDocument(d), doc);
}

const doc = (nodes: unknown[], edges: unknown[] = []) => ({ format: 'pixel-loom.graph', version: 1, name: 'trust', nodes, edges });
const n = (id: string, type: string, params: Record<string, unknown>, x: number, y = 40) => ({ id, type, params, position: { x, y } });
const e = (from: string, fp: string, to: string, tp: string) => ({ from: { node: from, port: fp }, to: { node: to, port: tp } });

async function valueText(page: Page, node: string, port: string): Promise<string> {
  return ((await page.locator(tid(`value-${node}-${port}`)).textContent()) ?? '').trim();
}
async function status(page: Page, node: string): Promise<string | null> {
  return page.locator(tid(`status-${node}`)).getAttribute('data-status');
}

describe('1. results belong to the node as it is now', () => {
  it('starter → select all → Delete → add Median and SSIM: they show nothing of the deleted nodes', async () => {
    requireChromium();
    const page = await browser.context.newPage();
    const log = watchPage(page);
    await openEditor(page, server.url);
    // the starter graph evaluated: median1 has a thumbnail, ssim1 a value
    await expect.poll(async () => Number(await page.locator(tid('thumb-median1')).getAttribute('data-revision')), { timeout: 60_000 }).toBeGreaterThan(0);
    await expect.poll(async () => valueText(page, 'ssim1', 'ssim'), { timeout: 60_000 }).toMatch(/^0\.\d+/);
    // preview the median (the panel shows it ready)
    await page.locator(tid('node-median1')).click({ position: { x: 40, y: 10 } });
    await page.locator(`${tid('preview-panel')}[data-state="ready"]`).waitFor({ timeout: 60_000 });

    await page.locator(tid('canvas')).click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Delete');
    await expect.poll(async () => (await graph(page)).nodes.length).toBe(0);

    const median = await addFromPalette(page, 'median', 'filter.median');
    const ssim = await addFromPalette(page, 'ssim', 'metric.ssim');
    expect([median, ssim]).toEqual(['median1', 'ssim1']); // the ids are reused, as before the fix
    await waitIdle(page);
    await page.waitForTimeout(400);
    await screenshot(page, 'trust-1-readded');

    expect(await page.locator(tid('thumb-median1')).getAttribute('data-revision')).toBe('0');
    expect(await valueText(page, 'ssim1', 'ssim')).toBe('–');
    expect(await status(page, 'median1')).toBe('idle');
    expect(await status(page, 'ssim1')).toBe('idle');
    await expect(page.locator(tid('node-median1')).textContent()).resolves.toContain('connect input');
    // the preview panel does not offer the deleted node's output as this node's
    await page.locator(tid('node-median1')).click({ position: { x: 40, y: 10 } });
    await expect.poll(async () => page.locator(tid('preview-panel')).getAttribute('data-state'), { timeout: 20_000 }).not.toBe('loading');
    expect(await page.locator(tid('preview-panel')).getAttribute('data-state')).not.toBe('ready');
    expect(log.errors).toEqual([]);
    await page.close();
  }, 180_000);
});

describe('2. odd strings never stop evaluation', () => {
  const ODD = ['out<1>', 'a/b', '..', 'nul\u0000here', 'x'.repeat(10_000), 'emoji 🎨🧪'];

  it('every string param, every odd value: results still arrive and each bad value is an error on its node', async () => {
    requireChromium();
    const page = await browser.context.newPage();
    const log = watchPage(page);
    await openEditor(page, server.url);
    await load(
      page,
      doc(
        [
          n('gen', 'generate.noise', { width: 32, height: 32, channels: 'gray', seed: 1 }, 0),
          n('blur', 'filter.gaussianBlur', { sigma: 1 }, 300),
          n('mse', 'metric.mse', {}, 600),
          n('save', 'image.save', { name: 'out' }, 300, 420),
          n('load', 'image.load', { source: '/assets/camera.png' }, 0, 420),
          n('paint', 'mask.paint', {}, 600, 420),
          n('gan', 'gan.sample', { model: 'custom', count: 1 }, 900, 420),
          n('gin', 'graph.input', { name: 'level', kind: 'number', default: 1 }, 0, 840),
          n('gout', 'graph.output', { name: 'result' }, 600, 840),
        ],
        [e('gen', 'image', 'blur', 'image'), e('gen', 'image', 'mse', 'a'), e('blur', 'image', 'mse', 'b'), e('blur', 'image', 'save', 'image'), e('blur', 'image', 'gout', 'value')],
      ),
    );
    await waitIdle(page);
    const stringParams = await page.evaluate(() => {
      const h = (window as unknown as { __pixelLoom: { catalog: { type: string; params: Record<string, { kind: string }> }[] } }).__pixelLoom;
      return h.catalog.flatMap((c) => Object.entries(c.params).filter(([, p]) => p.kind === 'string').map(([name]) => `${c.type}.${name}`));
    });
    const fieldOf: Record<string, string> = { 'image.save.name': 'save', 'image.load.source': 'load', 'mask.paint.strokes': 'paint', 'gan.sample.modelUrl': 'gan', 'vae.encode.modelUrl': '', 'vae.decode.modelUrl': '', 'graph.input.name': 'gin', 'graph.output.name': 'gout' };
    for (const p of stringParams) expect(Object.keys(fieldOf), `a string param this test does not cover: ${p}`).toContain(p);

    let sigma = 1;
    for (const [param, node] of Object.entries(fieldOf)) {
      if (!node) continue; // the same modelUrl field as gan.sample (lib/modelNode.ts)
      const name = param.split('.').pop()!;
      const field = page.locator(tid(`param-${node}-${name}`));
      for (const odd of ODD) {
        await field.fill(odd);
        await field.press('Enter');
        // then an unrelated edit: its result must arrive
        sigma = sigma === 1 ? 2 : 1;
        const before = await valueText(page, 'mse', 'mse');
        const sigmaField = page.locator(tid('param-blur-sigma'));
        await sigmaField.fill(String(sigma));
        await sigmaField.press('Enter');
        await waitIdle(page);
        await expect.poll(async () => valueText(page, 'mse', 'mse'), { timeout: 30_000, message: `${param} = ${JSON.stringify(odd.slice(0, 20))}` }).not.toBe(before);
        expect(await status(page, 'mse')).toMatch(/^(ok|cached)$/);
        // the node holding the odd value is fine, or shows an error — never a silent stale state
        const st = await status(page, node);
        expect(['ok', 'cached', 'error', 'idle'], `${param}: status ${st}`).toContain(st);
        expect(await page.locator(tid('run-error')).count(), `${param} = ${JSON.stringify(odd.slice(0, 20))}: the whole run failed`).toBe(0);
      }
    }
    // the image.save name with "<": an error on that node, listed in the errors panel
    const saveField = page.locator(tid('param-save-name'));
    await saveField.fill('out<1>');
    await saveField.press('Enter');
    await waitIdle(page);
    await expect.poll(async () => status(page, 'save'), { timeout: 30_000 }).toBe('error');
    await page.locator(tid('errors')).click();
    await expect(page.locator(tid('error-save')).textContent()).resolves.toContain('contains "<"');
    await screenshot(page, 'trust-2-odd-strings');
    expect(log.errors).toEqual([]);
    await page.close();
  }, 300_000);
});

describe('3. ?graph= links', () => {
  it('another origin is not requested until confirmed; declining keeps the library as it was', async () => {
    requireChromium();
    const page = await browser.context.newPage();
    const log = watchPage(page);
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    for (const raw of ['http://127.0.0.2:9/x.json', '//127.0.0.3:9/y.json']) {
      await page.goto(`${server.url}/?graph=${encodeURIComponent(raw)}`);
      await page.waitForFunction(() => !!(window as unknown as { __pixelLoom?: unknown }).__pixelLoom, undefined, { timeout: 60_000 });
      await page.locator(tid('link-prompt')).waitFor({ timeout: 60_000 });
      const shown = await page.locator(tid('link-url')).textContent();
      expect(shown).toMatch(/^http:\/\/127\.0\.0\.[23]:9\/[xy]\.json$/);
      await waitIdle(page);
      expect(requested.filter((u) => /^127\.0\.0\.[23]$/.test(new URL(u).hostname))).toEqual([]);
      await screenshot(page, 'trust-3-link-prompt');
      await page.locator(tid('link-dismiss')).click();
      expect(await page.locator(tid('link-prompt')).count()).toBe(0);
      expect(new URL(page.url()).searchParams.get('graph')).toBeNull();
    }
    // confirmed: now (and only now) it is requested; the failure says so
    await page.goto(`${server.url}/?graph=${encodeURIComponent('http://127.0.0.2:9/x.json')}`);
    await page.locator(tid('link-prompt')).waitFor({ timeout: 60_000 });
    await page.locator(tid('link-open')).click();
    await expect.poll(async () => page.locator(tid('notice')).textContent(), { timeout: 30_000 }).toContain('Cannot open http://127.0.0.2:9/x.json');
    expect(requested.filter((u) => new URL(u).host === '127.0.0.2:9')).toEqual(['http://127.0.0.2:9/x.json']);
    expect(log.errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('the same same-origin link opened twice adds one library graph', async () => {
    requireChromium();
    const page = await browser.context.newPage();
    const lib = (): Promise<{ id: string; name: string }[]> => page.evaluate(() => (window as unknown as { __pixelLoom: Hooks }).__pixelLoom.library());
    await openEditor(page, server.url, { graph: '/graphs/sharpen.graph.json' });
    const first = await lib();
    const id = new URL(page.url()).searchParams.get('id');
    await openEditor(page, server.url, { graph: '/graphs/sharpen.graph.json' });
    expect((await lib()).length).toBe(first.length);
    expect(new URL(page.url()).searchParams.get('id')).toBe(id);
    await page.close();
  }, 180_000);
});

describe('5. brakes on heavy work', () => {
  it('Stop cancels a heavy run and leaves the graph as it is; the memory limit refuses a bigger output with its size', async () => {
    requireChromium();
    const page = await browser.context.newPage();
    const log = watchPage(page);
    await openEditor(page, server.url);
    const heavy = doc([n('big', 'generate.noise', { width: 8192, height: 8192, channels: 'rgba', seed: 3 }, 0)]);
    await load(page, heavy);
    await page.locator(tid('stop')).waitFor({ timeout: 30_000 });
    const before = await graph(page);
    await page.locator(tid('stop')).click();
    await page.locator(tid('run-stopped')).waitFor({ timeout: 30_000 });
    await waitIdle(page, 30_000);
    expect(await graph(page)).toEqual(before);
    expect(await status(page, 'big')).not.toBe('running');
    await screenshot(page, 'trust-5-stopped');

    // 256 MiB limit: 8192×8192×4 float32 (1 GiB) is refused before it runs, naming node and size
    await page.locator(tid('memory-limit')).selectOption(String(256 * 1024 * 1024));
    await expect.poll(async () => status(page, 'big'), { timeout: 30_000 }).toBe('error');
    const err = await page.locator(tid('node-big')).locator('.note.err').textContent();
    expect(err).toContain('node "big" (generate.noise): its output would take 1 GiB of tensor data, above the memory budget of 256 MiB');
    await screenshot(page, 'trust-5-memory');
    await page.locator(tid('memory-limit')).selectOption(String(1024 * 1024 * 1024));
    expect(log.errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('a 4096² output reaches the preview subsampled to at most 1024² pixels', async () => {
    requireChromium();
    const page = await browser.context.newPage();
    await openEditor(page, server.url);
    await load(page, doc([n('big', 'generate.noise', { width: 4096, height: 4096, channels: 'gray', seed: 3 }, 0)]));
    await waitIdle(page);
    await page.locator(tid('node-big')).click({ position: { x: 40, y: 10 } });
    await page.locator(`${tid('preview-panel')}[data-state="ready"]`).waitFor({ timeout: 120_000 });
    const shape = await page.locator(tid('preview-panel')).getAttribute('data-shape');
    expect(shape).toBe('4096×4096×1 (shown at 1/4 scale: 1024×1024)');
    await screenshot(page, 'trust-5-preview');
    await page.close();
  }, 180_000);
});
