/**
 * End-to-end: painting a `mask.paint` node (issue 6). Loads a graph with one empty painted
 * mask, selects the node, opens the paint mode, drags a stroke on the paint canvas and checks
 * that the stroke landed in the node's `strokes` param (through the Graph command path: undo
 * restores it), erases, clears and that the node's thumbnail shows the painted pixels.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { existsSync } from 'node:fs';
import { graph, openEditor, readPixels, thumb, tid, waitIdle } from './app';
import { CHROMIUM, launchBrowser, requireChromium, screenshot, startPreviewServer, watchPage, type Browser, type PageLog, type Server } from './harness';

let server: Server;
let browser: Browser;
let page: Page;
let log: PageLog;

beforeAll(async () => {
  if (existsSync(CHROMIUM)) browser = await launchBrowser({ viewport: { width: 1600, height: 1000 } });
  server = await startPreviewServer();
});
afterAll(async () => {
  await page?.close();
  await browser?.close();
  await server?.close();
});

const doc = {
  format: 'pixel-loom.graph',
  version: 1,
  name: 'Paint',
  nodes: [{ id: 'painted', type: 'mask.paint', params: { strokes: '64x64' }, position: { x: 0, y: 0 } }],
  edges: [],
};

async function strokesOf(p: Page): Promise<string> {
  return String((await graph(p)).nodes.find((n) => n.id === 'painted')?.params?.strokes ?? '');
}

describe('painting a mask.paint node', () => {
  it('paints a stroke that lands in the param and the thumbnail; eraser, clear and undo', async () => {
    requireChromium();
    page = await browser.context.newPage();
    log = watchPage(page);
    await openEditor(page, server.url, { backend: 'cpu' });
    await page.evaluate((d) => (window as unknown as { __pixelLoom: { loadDocument(x: unknown): Promise<void> } }).__pixelLoom.loadDocument(d), doc);
    await waitIdle(page);
    const empty = await readPixels(page, thumb('painted'));
    expect(empty.max).toBe(0);

    const b = await page.locator(tid('node-painted')).boundingBox();
    if (!b) throw new Error('node painted is not visible');
    await page.mouse.click(b.x + Math.min(60, b.width / 3), b.y + 12);
    await page.locator(tid('paint-toggle')).click();
    const cv = page.locator(tid('paint-canvas'));
    await cv.waitFor({ state: 'visible' });
    await page.locator(tid('paint-radius')).fill('4');
    const box = (await cv.boundingBox())!;
    const [zoom, panX, panY] = await Promise.all(['data-zoom', 'data-pan-x', 'data-pan-y'].map(async (a) => Number(await cv.getAttribute(a))));
    const at = (x: number, y: number): [number, number] => [box.x + panX! + x * zoom!, box.y + panY! + y * zoom!];
    await page.mouse.move(...at(10, 32));
    await page.mouse.down();
    for (let x = 12; x <= 50; x += 2) await page.mouse.move(...at(x, 32));
    await page.mouse.up();

    await expect.poll(() => strokesOf(page), { timeout: 10_000 }).toMatch(/^64x64;p4:/);
    const text = await strokesOf(page);
    // a straight drag simplifies to its two end points (within the 0.1 px quantization)
    const pts = text.split(':')[1]!.split(',').map(Number);
    expect(pts.length).toBe(4);
    expect(pts[0]).toBeCloseTo(10, 0);
    expect(pts[1]).toBeCloseTo(32, 0);
    expect(pts[2]).toBeCloseTo(50, 0);
    await waitIdle(page);
    await expect.poll(async () => (await readPixels(page, thumb('painted'))).max, { timeout: 20_000 }).toBeGreaterThan(200);
    await screenshot(page, 'paint-01-stroke');

    // the eraser removes the middle of the stroke: the param grows by an erase stroke
    await page.locator(tid('paint-eraser')).check();
    await page.mouse.move(...at(30, 32));
    await page.mouse.down();
    await page.mouse.up();
    await expect.poll(() => strokesOf(page), { timeout: 10_000 }).toMatch(/;e4:30(\.\d)?,32(\.\d)?$/);
    const erased = await strokesOf(page);

    // Clear keeps the canvas size; undo (toolbar) brings the strokes back, undo again drops the erase
    await page.locator(tid('paint-clear')).click();
    await expect.poll(() => strokesOf(page), { timeout: 10_000 }).toBe('64x64');
    await page.locator(tid('undo')).click();
    await expect.poll(() => strokesOf(page), { timeout: 10_000 }).toBe(erased);
    await page.locator(tid('undo')).click();
    await expect.poll(() => strokesOf(page), { timeout: 10_000 }).toBe(text);
    expect(log.errors).toEqual([]);
  });
});
