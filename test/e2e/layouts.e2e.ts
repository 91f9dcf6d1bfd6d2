/**
 * End-to-end: every example graph opens clean — after Fit, no two node boxes overlap, every
 * node is in view and the zoom stays readable (≥ 30 %) — and Arrange (auto-layout) does the same and leaves no
 * two nodes overlapping either (its zoom is printed: elk's layered layout can come out taller).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { openEditor, tid, waitIdle } from './app';
import { CHROMIUM, launchBrowser, screenshot, startPreviewServer, watchPage, type Browser, type Server } from './harness';

let server: Server;
let browser: Browser;
const GRAPHS = readdirSync(path.join(__dirname, '..', '..', 'graphs'))
  .filter((f) => f.endsWith('.graph.json'))
  .sort();

beforeAll(async () => {
  if (existsSync(CHROMIUM)) browser = await launchBrowser({ viewport: { width: 1600, height: 1000 } });
  server = await startPreviewServer();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface Box {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

async function nodeBoxes(page: Page): Promise<Box[]> {
  return page.$$eval('[data-node-root]', (els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return { id: e.getAttribute('data-testid') ?? '', x: r.x, y: r.y, w: r.width, h: r.height };
    }),
  );
}

/** Pairs of node boxes that overlap by more than a pixel each way. */
function overlaps(boxes: Box[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      const dx = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
      const dy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
      if (dx > 1 && dy > 1) out.push(`${a.id} × ${b.id}`);
    }
  }
  return out;
}

async function zoom(page: Page): Promise<number> {
  return Number(await page.locator(tid('status-zoom')).getAttribute('data-zoom'));
}

describe('example graphs open clean', () => {
  for (const file of GRAPHS) {
    it(`${file}: after Fit and after Arrange, no nodes overlap; every node is in view`, async () => {
      const page = await browser.context.newPage();
      const log = watchPage(page);
      try {
        await openEditor(page, server.url, { graph: `/graphs/${file}`, backend: 'wasm' });
        await page.locator(tid('zoom-fit')).click();
        await waitIdle(page, 180_000);
        await page.locator(tid('zoom-fit')).click();
        await page.waitForTimeout(300);
        const canvas = (await page.locator(tid('canvas')).boundingBox())!;
        const fit = await nodeBoxes(page);
        const k = await zoom(page);
        console.info(`layout ${file}: ${fit.length} nodes, fit zoom ${k.toFixed(2)}, overlaps: ${overlaps(fit).join(', ') || 'none'}`);
        expect(overlaps(fit), 'overlapping nodes as shipped').toEqual([]);
        // readable: node titles stay legible (≥ 30 %; param widgets show from 55 %)
        expect(k, 'Fit zoom').toBeGreaterThanOrEqual(0.3);
        for (const b of fit) {
          expect(b.x >= canvas.x - 1 && b.y >= canvas.y - 1 && b.x + b.w <= canvas.x + canvas.width + 1 && b.y + b.h <= canvas.y + canvas.height + 1, `${b.id} in view after Fit`).toBe(true);
        }
        await page.locator(tid('arrange')).click();
        await page.waitForTimeout(600);
        const arranged = await nodeBoxes(page);
        const ka = await zoom(page);
        console.info(`layout ${file}: after Arrange zoom ${ka.toFixed(2)}, overlaps: ${overlaps(arranged).join(', ') || 'none'}`);
        expect(overlaps(arranged), 'overlapping nodes after Arrange').toEqual([]);
        // Arrange fits the result: every node in view, and tall layers are wrapped to keep it readable
        expect(ka, 'zoom after Arrange').toBeGreaterThanOrEqual(0.3);
        for (const b of arranged) {
          expect(b.x >= canvas.x - 1 && b.y >= canvas.y - 1 && b.x + b.w <= canvas.x + canvas.width + 1 && b.y + b.h <= canvas.y + canvas.height + 1, `${b.id} in view after Arrange`).toBe(true);
        }
        await screenshot(page, `layout-${file.replace('.graph.json', '')}`);
        expect(log.errors).toEqual([]);
      } finally {
        await page.close();
      }
    });
  }
});
