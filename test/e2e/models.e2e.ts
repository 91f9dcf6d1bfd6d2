/**
 * End-to-end: the example graphs whose nodes run shipped models (VAE, GAN, DnCNN denoiser,
 * learned and GAN inpainting, the conditional generators, the classifiers) open in the built editor and evaluate in the worker with the weights
 * fetched from /models/ — every node that ran is ok, none is in error, and the model nodes'
 * thumbnails show real pixels.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { openEditor, readPixels, thumb, tid, waitIdle } from './app';
import { CHROMIUM, launchBrowser, screenshot, startPreviewServer, watchPage, type Browser, type Server } from './harness';

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

const cases: [graph: string, modelNodes: string[]][] = [
  ['vae-reconstruction', ['encode', 'decode']],
  ['gan-gallery', ['mnist', 'mnistTruncated', 'fashion']],
  ['denoise-learned', ['dncnn']],
  ['inpaint', ['learned']],
  ['restore-digits', ['gan', 'learned', 'biharmonic']],
  ['conditional-gallery', ['digit0', 'digit2', 'digit9', 'clothes6']],
];

describe('example graphs with shipped models in the editor (wasm)', () => {
  for (const [name, modelNodes] of cases) {
    it(`${name}: model nodes evaluate with real pixels, no node in error`, async () => {
      const page = await browser.context.newPage();
      const log = watchPage(page);
      try {
        await openEditor(page, server.url, { graph: `/graphs/${name}.graph.json`, backend: 'wasm' });
        // Every node on screen is evaluated: fit the whole graph into the view first.
        await page.locator(tid('zoom-fit')).click();
        await waitIdle(page, 180_000);
        const statuses = await page.$$eval('[data-testid^="status-"]', (els) =>
          els.map((e) => [e.getAttribute('data-testid')!.slice('status-'.length), e.getAttribute('data-status') ?? '', e.getAttribute('title') ?? '']),
        );
        expect(statuses.filter(([, s]) => s === 'error')).toEqual([]);
        for (const id of modelNodes) {
          expect(statuses.find(([n]) => n === id)?.[1], `status of ${id}`).toMatch(/^(ok|cached)$/);
          const px = await readPixels(page, thumb(id));
          expect(px.max - px.min, `thumbnail contrast of ${id}`).toBeGreaterThan(50);
        }
        await screenshot(page, `models-${name}`);
      } catch (e) {
        throw new Error(`${e instanceof Error ? e.message : String(e)}\npage errors: ${log.errors.join('\n')}\nconsole: ${log.console.slice(-10).join('\n')}`);
      } finally {
        await page.close();
      }
    });
  }
});
