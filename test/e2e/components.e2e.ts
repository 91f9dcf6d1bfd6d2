/**
 * End-to-end: components in the editor (issue 22). Selecting two nodes and pressing Ctrl+G
 * makes one instance of a new component in their place (the wires into and out of the
 * selection become its sockets); every result stays the same to the last bit; undo puts the
 * nodes back and redo makes the component again; Ungroup (Ctrl+Shift+G) restores the nodes
 * and wires; the promoted params of a loaded v3 file show on the instance and editing one
 * re-evaluates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { existsSync } from 'node:fs';
import { graph, openEditor, parseShown, tid, waitIdle, type Doc } from './app';
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

const e = (a: string, ap: string, b: string, bp: string) => ({ from: { node: a, port: ap }, to: { node: b, port: bp } });
const chain = {
  format: 'pixel-loom.graph',
  version: 2,
  name: 'Chain',
  nodes: [
    { id: 'src', type: 'generate.noise', params: { width: 48, height: 32, channels: 'gray', seed: 5 }, position: { x: 0, y: 0 } },
    { id: 'blur', type: 'filter.gaussianBlur', params: { sigma: 2 }, position: { x: 320, y: 0 } },
    { id: 'sharp', type: 'filter.unsharpMask', params: { amount: 1 }, position: { x: 640, y: 0 } },
    { id: 'score', type: 'metric.psnr', params: {}, position: { x: 960, y: 0 } },
  ],
  edges: [e('src', 'image', 'blur', 'image'), e('blur', 'image', 'sharp', 'image'), e('src', 'image', 'score', 'a'), e('sharp', 'image', 'score', 'b')],
};

type Hooks = { loadDocument(d: unknown): Promise<void>; output(n: string, p: string): Promise<{ samples: number[] }> };
const load = (p: Page, d: unknown) => p.evaluate((x) => (window as unknown as { __pixelLoom: Hooks }).__pixelLoom.loadDocument(x), d);
const output = (p: Page, n: string, port: string) => p.evaluate(([a, b]) => (window as unknown as { __pixelLoom: Hooks }).__pixelLoom.output(a!, b!), [n, port]);
const psnrShown = async (p: Page): Promise<number> => parseShown(await p.locator(tid('value-score-psnr')).textContent());
const wires = (d: Doc): string[] => d.edges.map((x) => `${x.from.node}.${x.from.port}>${x.to.node}.${x.to.port}`).sort();

/** Clicks a node's title; with `add`, holding Ctrl (the selection accumulates). */
async function clickTitle(p: Page, id: string, add = false): Promise<void> {
  const b = await p.locator(tid(`node-${id}`)).boundingBox();
  if (!b) throw new Error(`node ${id} is not visible`);
  if (add) await p.keyboard.down('Control');
  await p.mouse.click(b.x + Math.min(60, b.width / 3), b.y + 12);
  if (add) await p.keyboard.up('Control');
}

describe('components in the editor', () => {
  it('Ctrl+G makes a component of the selection; results are unchanged; undo, redo and ungroup', async () => {
    requireChromium();
    page = await browser.context.newPage();
    log = watchPage(page);
    await openEditor(page, server.url, { backend: 'cpu' });
    await load(page, chain);
    await waitIdle(page);
    const psnr = await psnrShown(page);
    const sharp = (await output(page, 'sharp', 'image')).samples;
    expect(psnr).toBeGreaterThan(5);

    await clickTitle(page, 'blur');
    await clickTitle(page, 'sharp', true);
    await page.keyboard.press('Control+g');
    await expect.poll(async () => (await graph(page)).nodes.map((n) => n.type).sort(), { timeout: 10_000 }).toEqual(['component', 'generate.noise', 'metric.psnr']);
    const made = await graph(page);
    const inst = made.nodes.find((n) => n.type === 'component')!;
    expect(wires(made)).toEqual([`${inst.id}.image>score.b`, `src.image>${inst.id}.image`, 'src.image>score.a'].sort());
    const comps = made.components as Record<string, { nodes: { id: string; type: string }[] }>;
    expect(Object.values(comps)[0]!.nodes.map((n) => n.type)).toEqual(['filter.gaussianBlur', 'filter.unsharpMask', 'graph.input', 'graph.output']);
    // the instance is drawn with its sockets and evaluates to the same bits
    await page.locator(tid(`socket-${inst.id}-out-image`)).waitFor({ state: 'visible', timeout: 10_000 });
    await page.locator(tid(`socket-${inst.id}-in-image`)).waitFor({ state: 'visible', timeout: 10_000 });
    await waitIdle(page);
    expect(await page.locator(tid(`status-${inst.id}`)).getAttribute('data-status')).toMatch(/^(ok|cached)$/);
    expect(await psnrShown(page)).toBe(psnr);
    expect((await output(page, inst.id, 'image')).samples).toEqual(sharp);
    await screenshot(page, 'components-01-made');

    // undo puts the two nodes back, redo makes the component again
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await graph(page)).nodes.map((n) => n.id).sort(), { timeout: 10_000 }).toEqual(['blur', 'score', 'sharp', 'src']);
    expect(wires(await graph(page))).toEqual(wires(chain as unknown as Doc));
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(async () => (await graph(page)).nodes.some((n) => n.type === 'component'), { timeout: 10_000 }).toBe(true);

    // ungroup: the nodes and wires are back, the definition is gone
    await clickTitle(page, inst.id);
    await page.keyboard.press('Control+Shift+g');
    await expect.poll(async () => (await graph(page)).nodes.map((n) => n.id).sort(), { timeout: 10_000 }).toEqual(['blur', 'score', 'sharp', 'src']);
    const back = await graph(page);
    expect(wires(back)).toEqual(wires(chain as unknown as Doc));
    expect(back.components).toBeUndefined();
    expect(back.nodes.find((n) => n.id === 'blur')!.params).toEqual({ sigma: 2 });
    await waitIdle(page);
    expect(await psnrShown(page)).toBe(psnr);
    expect(log.errors).toEqual([]);
  });

  it('a v3 file: the instance shows its promoted param; editing it re-evaluates every output behind it', async () => {
    const doc = {
      format: 'pixel-loom.graph',
      version: 3,
      name: 'With a component',
      components: {
        soft: {
          name: 'Soften',
          nodes: [
            { id: 'in', type: 'graph.input', params: { name: 'image' } },
            { id: 'blur', type: 'filter.gaussianBlur', params: { sigma: 1 } },
            { id: 'out', type: 'graph.output', params: { name: 'image' } },
          ],
          edges: [e('in', 'value', 'blur', 'image'), e('blur', 'image', 'out', 'value')],
          params: [{ name: 'sigma', node: 'blur', param: 'sigma' }],
        },
      },
      nodes: [
        chain.nodes[0],
        { id: 's1', type: 'component', component: 'soft', params: { sigma: 2 }, position: { x: 320, y: 0 } },
        { id: 'sharp', type: 'filter.unsharpMask', params: { amount: 1 }, position: { x: 640, y: 0 } },
        chain.nodes[3],
      ],
      edges: [e('src', 'image', 's1', 'image'), e('s1', 'image', 'sharp', 'image'), e('src', 'image', 'score', 'a'), e('sharp', 'image', 'score', 'b')],
    };
    await load(page, doc);
    await waitIdle(page);
    const same = await psnrShown(page);
    await load(page, chain);
    await waitIdle(page);
    // the same computation as the plain chain (sigma 2 promoted onto the inner blur)
    expect(same).toBe(await psnrShown(page));
    await load(page, doc);
    await waitIdle(page);
    const field = page.locator(`${tid('node-s1')} input`).first();
    await field.waitFor({ state: 'visible', timeout: 10_000 });
    expect(Number(await field.inputValue())).toBe(2);
    await field.fill('0.5');
    await field.press('Enter');
    await waitIdle(page);
    await expect.poll(async () => (await graph(page)).nodes.find((n) => n.id === 's1')!.params, { timeout: 10_000 }).toEqual({ sigma: 0.5 });
    await expect.poll(() => psnrShown(page), { timeout: 20_000 }).not.toBe(same);
    await screenshot(page, 'components-02-promoted');
    expect(log.errors).toEqual([]);
  });
});
