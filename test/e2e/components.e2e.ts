/**
 * End-to-end: components in the editor (issue 22). Ctrl+G makes one instance of a new
 * component of the selection (results the same to the last bit), undo / redo / Ungroup; a v3
 * file's promoted params on the instance; Enter (double-click, Tab) shows the inside with a
 * breadcrumb and every inner node previewing for the instance entered, Esc / the breadcrumb
 * leave; an edit inside changes every instance; promote from the context menu, rename and
 * reorder in the scope bar, undo walking back inside; Make unique; nesting 3 deep; the
 * palette's "In this graph"; "My components" (save, insert elsewhere, "Update" to a newer
 * version), Export component and dropping the file on a canvas; copy and paste of instances.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { existsSync, readFileSync } from 'node:fs';
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

/** Two instances of one component (blur with promoted sigma → unsharp mask) on one noise image. */
const two = {
  format: 'pixel-loom.graph',
  version: 3,
  name: 'Two',
  components: {
    soft: {
      name: 'Soften',
      nodes: [
        { id: 'in', type: 'graph.input', params: { name: 'image' }, position: { x: 0, y: 0 } },
        { id: 'blur', type: 'filter.gaussianBlur', params: { sigma: 1 }, position: { x: 300, y: 0 } },
        { id: 'sharp', type: 'filter.unsharpMask', params: { amount: 1 }, position: { x: 600, y: 0 } },
        { id: 'out', type: 'graph.output', params: { name: 'image' }, position: { x: 900, y: 0 } },
      ],
      edges: [e('in', 'value', 'blur', 'image'), e('blur', 'image', 'sharp', 'image'), e('sharp', 'image', 'out', 'value')],
      params: [{ name: 'sigma', node: 'blur', param: 'sigma' }],
    },
  },
  nodes: [
    chain.nodes[0],
    { id: 's1', type: 'component', component: 'soft', params: { sigma: 1 }, position: { x: 320, y: 0 } },
    { id: 's2', type: 'component', component: 'soft', params: { sigma: 3 }, position: { x: 320, y: 420 } },
    { id: 'score', type: 'metric.psnr', params: {}, position: { x: 700, y: 200 } },
  ],
  edges: [e('src', 'image', 's1', 'image'), e('src', 'image', 's2', 'image'), e('s1', 'image', 'score', 'a'), e('s2', 'image', 'score', 'b')],
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

  it('Enter shows the inside with a breadcrumb, each inner node previewing for the instance entered; an edit inside changes every instance; promote, rename, reorder; Make unique', async () => {
    await load(page, two);
    await waitIdle(page);
    const psnr0 = await psnrShown(page);
    const s1 = (await output(page, 's1', 'image')).samples;
    const s2 = (await output(page, 's2', 'image')).samples;
    expect(s1).not.toEqual(s2);

    // Enter s1 (double-click its title): the breadcrumb, the inner nodes, previews for s1
    const title = await page.locator(tid('node-s1')).boundingBox();
    await page.mouse.dblclick(title!.x + 40, title!.y + 12);
    await page.locator(tid('scope-bar')).waitFor({ timeout: 10_000 });
    expect(await page.locator(tid('crumb-0')).textContent()).toBe('Two');
    expect(await page.locator(tid('crumb-1')).textContent()).toBe('Soften (s1)');
    await page.locator(tid('node-sharp')).waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.locator(tid('node-s2')).count()).toBe(0);
    await waitIdle(page);
    await expect.poll(async () => page.locator(tid('status-sharp')).getAttribute('data-status'), { timeout: 20_000 }).toMatch(/^(ok|cached)$/);
    expect((await output(page, 'sharp', 'image')).samples).toEqual(s1);
    expect(Number(await page.locator(tid('thumb-blur')).getAttribute('data-revision'))).toBeGreaterThan(0);
    // the file is still the whole graph
    expect((await graph(page)).nodes.map((n) => n.id)).toEqual(['src', 's1', 's2', 'score']);
    await screenshot(page, 'components-03-inside-s1');
    // a comment has no place in a definition: refused, said why (never silently lost on reload)
    await page.keyboard.press('c');
    await expect.poll(async () => page.locator(tid('notice')).textContent(), { timeout: 10_000 }).toBe('comments inside a component are not kept in the file: leave it (Esc) to add one');
    expect((await graph(page)).comments).toBeUndefined();

    // Esc leaves (s1 selected); Tab enters s2: the same inner node now shows s2's result
    await page.locator(tid('canvas')).click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('Escape');
    await expect.poll(async () => page.locator(tid('scope-bar')).count(), { timeout: 10_000 }).toBe(0);
    await page.locator(tid('node-s2')).waitFor({ state: 'visible', timeout: 10_000 });
    await clickTitle(page, 's2');
    await page.keyboard.press('Tab');
    await expect.poll(async () => page.locator(tid('crumb-1')).textContent(), { timeout: 10_000 }).toBe('Soften (s2)');
    await waitIdle(page);
    await expect.poll(async () => page.locator(tid('status-sharp')).getAttribute('data-status'), { timeout: 20_000 }).toMatch(/^(ok|cached)$/);
    expect((await output(page, 'sharp', 'image')).samples).toEqual(s2);
    // the inner blur's sigma is promoted: the node says what s2 sets for it
    expect(await page.locator(tid('promoted-note-blur-sigma')).textContent()).toContain('promoted as “sigma”: s2 sets 3');

    // an edit inside changes every instance (the definition is shared)
    const amount = page.locator(tid('param-sharp-amount'));
    await amount.fill('2');
    await amount.press('Enter');
    await waitIdle(page);
    const defNodes = () => graph(page).then((d) => (d.components as Record<string, { nodes: { id: string; params: Record<string, unknown> }[]; params: { name: string }[] }>).soft!);
    await expect.poll(async () => (await defNodes()).nodes.find((n) => n.id === 'sharp')!.params, { timeout: 10_000 }).toEqual({ amount: 2 });

    // promote the inner amount from the node's context menu; rename it; move it first
    const sharpBox = await page.locator(tid('node-sharp')).boundingBox();
    await page.mouse.click(sharpBox!.x + 60, sharpBox!.y + 12, { button: 'right' });
    await page.locator(`${tid('context-menu-item')}:has-text("Promote “")`).first().waitFor({ timeout: 10_000 });
    await page.locator(`${tid('context-menu-item')}:has-text("Amount"), ${tid('context-menu-item')}:has-text("amount")`).first().click();
    await expect.poll(async () => (await defNodes()).params.map((p) => p.name), { timeout: 10_000 }).toEqual(['sigma', 'amount']);
    const name1 = page.locator(tid('promoted-name-1'));
    await name1.fill('strength');
    await name1.press('Enter');
    await expect.poll(async () => (await defNodes()).params.map((p) => p.name), { timeout: 10_000 }).toEqual(['sigma', 'strength']);
    await page.locator(tid('promoted-up-1')).click();
    await expect.poll(async () => (await defNodes()).params.map((p) => p.name), { timeout: 10_000 }).toEqual(['strength', 'sigma']);
    await screenshot(page, 'components-04-promoted-inside');

    // the breadcrumb leaves; both instances changed, and show the promoted param
    await page.locator(tid('crumb-0')).click();
    await expect.poll(async () => page.locator(tid('scope-bar')).count(), { timeout: 10_000 }).toBe(0);
    await waitIdle(page);
    const s1b = (await output(page, 's1', 'image')).samples;
    const s2b = (await output(page, 's2', 'image')).samples;
    expect(s1b).not.toEqual(s1);
    expect(s2b).not.toEqual(s2);
    await page.locator(tid('param-s1-strength')).waitFor({ state: 'visible', timeout: 10_000 });
    expect(Number(await page.locator(tid('param-s1-strength')).inputValue())).toBe(2);

    // undo walks back into the component: the order, then the name come back
    await page.keyboard.press('Control+z');
    await expect.poll(async () => page.locator(tid('crumb-1')).count(), { timeout: 10_000 }).toBe(1);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await defNodes()).params.map((p) => p.name), { timeout: 10_000 }).toEqual(['sigma', 'strength']);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(async () => (await defNodes()).params.map((p) => p.name), { timeout: 10_000 }).toEqual(['strength', 'sigma']);
    await page.keyboard.press('Escape');
    await expect.poll(async () => page.locator(tid('scope-bar')).count(), { timeout: 10_000 }).toBe(0);

    // Make unique: s2 gets a copy; an edit inside s2 leaves s1 as it was
    const s2Box = await page.locator(tid('node-s2')).boundingBox();
    await page.mouse.click(s2Box!.x + 60, s2Box!.y + 12, { button: 'right' });
    await page.locator(`${tid('context-menu-item')}:has-text("Make unique")`).first().click();
    await expect.poll(async () => (await graph(page)).nodes.find((n) => n.id === 's2')!.component, { timeout: 10_000 }).toBe('soft_copy');
    expect(Object.keys((await graph(page)).components as object).sort()).toEqual(['soft', 'soft_copy']);
    await waitIdle(page);
    expect((await output(page, 's2', 'image')).samples).toEqual(s2b);
    await clickTitle(page, 's2');
    await page.keyboard.press('Tab');
    await expect.poll(async () => page.locator(tid('crumb-1')).textContent(), { timeout: 10_000 }).toBe('Soften (copy) (s2)');
    const amount2 = page.locator(tid('param-sharp-amount'));
    await amount2.fill('0.5');
    await amount2.press('Enter');
    await page.keyboard.press('Escape');
    await expect.poll(async () => page.locator(tid('scope-bar')).count(), { timeout: 10_000 }).toBe(0);
    await waitIdle(page);
    expect((await output(page, 's1', 'image')).samples).toEqual(s1b);
    expect((await output(page, 's2', 'image')).samples).not.toEqual(s2b);
    expect(await psnrShown(page)).not.toBe(psnr0);
    expect(log.errors).toEqual([]);
  });

  it('nesting 3 deep: Ctrl+G three times, Enter each level, the innermost nodes preview the same bits; the breadcrumb leaves; the palette inserts another instance', async () => {
    await load(page, chain);
    await waitIdle(page);
    const psnr = await psnrShown(page);
    const sharp = (await output(page, 'sharp', 'image')).samples;
    await clickTitle(page, 'blur');
    await clickTitle(page, 'sharp', true);
    await page.keyboard.press('Control+g');
    for (let level = 2; level <= 3; level++) {
      await expect.poll(async () => Object.keys(((await graph(page)).components as object) ?? {}).length, { timeout: 10_000 }).toBe(level - 1);
      const inst = (await graph(page)).nodes.find((n) => n.type === 'component')!.id;
      await page.locator(tid(`node-${inst}`)).waitFor({ state: 'visible', timeout: 10_000 });
      await clickTitle(page, inst);
      await page.keyboard.press('Control+g');
    }
    await expect.poll(async () => Object.keys(((await graph(page)).components as object) ?? {}).length, { timeout: 10_000 }).toBe(3);
    await waitIdle(page);
    expect(await psnrShown(page)).toBe(psnr);

    // Enter three levels: at each, the one instance inside is selected and entered with Tab
    let inst = (await graph(page)).nodes.find((n) => n.type === 'component')!.id;
    for (let depth = 1; depth <= 3; depth++) {
      await page.locator(tid(`node-${inst}`)).waitFor({ state: 'visible', timeout: 10_000 });
      await clickTitle(page, inst);
      await page.keyboard.press('Tab');
      await expect.poll(async () => page.locator(`${tid('scope-bar')} [data-current]`).getAttribute('data-testid'), { timeout: 10_000 }).toBe(`crumb-${depth}`);
      if (depth < 3) {
        const ids = await page.evaluate(() => [...document.querySelectorAll('[data-node-type="component"]')].map((e) => e.getAttribute('data-testid')!.slice('node-'.length)));
        expect(ids.length).toBe(1);
        inst = ids[0]!;
      }
    }
    expect(await page.locator(`${tid('scope-bar')} [data-testid^="crumb-"]`).count()).toBe(4);
    await page.locator(tid('node-sharp')).waitFor({ state: 'visible', timeout: 10_000 });
    await waitIdle(page);
    await expect.poll(async () => page.locator(tid('status-sharp')).getAttribute('data-status'), { timeout: 20_000 }).toMatch(/^(ok|cached)$/);
    expect((await output(page, 'sharp', 'image')).samples).toEqual(sharp);
    await screenshot(page, 'components-05-nested-3');

    // the breadcrumb's first item leaves to the top; undo walks back in one level
    await page.locator(tid('crumb-0')).click();
    await expect.poll(async () => page.locator(tid('scope-bar')).count(), { timeout: 10_000 }).toBe(0);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => page.locator(`${tid('scope-bar')} [data-current]`).getAttribute('data-testid'), { timeout: 10_000 }).toBe('crumb-1');
    await page.keyboard.press('Escape');
    await expect.poll(async () => page.locator(tid('scope-bar')).count(), { timeout: 10_000 }).toBe(0);

    // the palette lists the file's components under "In this graph"; a click adds an instance
    const before = (await graph(page)).nodes.length;
    const top = (await graph(page)).nodes.find((n) => n.type === 'component')!.component!;
    const item = page.locator(tid(`palette-item-component:${top}`));
    await item.waitFor({ state: 'visible', timeout: 10_000 });
    await item.click();
    await expect.poll(async () => (await graph(page)).nodes.length, { timeout: 10_000 }).toBe(before + 1);
    const added = (await graph(page)).nodes.at(-1)!;
    expect([added.type, added.component]).toEqual(['component', top]);
    expect(log.errors).toEqual([]);
  });

  it('My components: save an instance\'s component, insert it into another graph from the palette; a newer version is offered as "Update"; export and drop a component file', async () => {
    await load(page, two);
    await waitIdle(page);
    const rightClick = async (id: string): Promise<void> => {
      const b = await page.locator(tid(`node-${id}`)).boundingBox();
      await page.mouse.click(b!.x + 60, b!.y + 12, { button: 'right' });
    };
    await rightClick('s1');
    await page.locator(`${tid('context-menu-item')}:has-text("Save to My components")`).first().click();
    await expect.poll(async () => page.locator(tid('notice')).textContent(), { timeout: 10_000 }).toBe('Kept "Soften" in My components');
    const kept = page.locator('[data-testid^="palette-item-library:"]');
    await kept.first().waitFor({ state: 'visible', timeout: 10_000 });
    const soft = () => graph(page).then((d) => (d.components as Record<string, { library?: { id: string; version: number }; nodes: { id: string; params: Record<string, unknown> }[] }>).soft!);
    const tag = (await soft()).library!;
    expect(tag.version).toBe(1);
    expect(await kept.first().getAttribute('data-testid')).toBe(`palette-item-library:${tag.id}`);
    const taggedV1 = await graph(page);

    // another graph: the palette inserts a copy of the definition with an instance
    await load(page, chain);
    await waitIdle(page);
    await page.locator(tid(`palette-item-library:${tag.id}`)).click();
    await expect.poll(async () => (await graph(page)).nodes.filter((n) => n.type === 'component').length, { timeout: 10_000 }).toBe(1);
    const inserted = (await graph(page)).nodes.find((n) => n.type === 'component')!;
    expect(inserted.component).toBe('soft');
    expect((await soft()).library).toEqual(tag);

    // a new version: edit inside the inserted copy and keep it again (version 2)
    await clickTitle(page, inserted.id);
    await page.keyboard.press('Tab');
    await page.locator(tid('param-sharp-amount')).waitFor({ state: 'visible', timeout: 10_000 });
    await page.locator(tid('param-sharp-amount')).fill('2.5');
    await page.locator(tid('param-sharp-amount')).press('Enter');
    await page.keyboard.press('Escape');
    await expect.poll(async () => page.locator(tid('scope-bar')).count(), { timeout: 10_000 }).toBe(0);
    await rightClick(inserted.id);
    await page.locator(`${tid('context-menu-item')}:has-text("Save to My components")`).first().click();
    await expect.poll(async () => page.locator(tid('notice')).textContent(), { timeout: 10_000 }).toBe('Kept "Soften" in My components as version 2');
    expect((await soft()).library).toEqual({ id: tag.id, version: 2 });

    // the first graph holds version 1: its instances offer "Update" (never applied by itself)
    await load(page, taggedV1);
    await waitIdle(page);
    const before = (await output(page, 's1', 'image')).samples;
    const update = page.locator(tid('update-s1'));
    await update.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await update.textContent()).toContain('Update to version 2');
    expect((await soft()).nodes.find((n) => n.id === 'sharp')!.params).toEqual({ amount: 1 });
    await screenshot(page, 'components-06-update-offered');
    await update.click();
    await expect.poll(async () => (await soft()).nodes.find((n) => n.id === 'sharp')!.params, { timeout: 10_000 }).toEqual({ amount: 2.5 });
    expect((await soft()).library).toEqual({ id: tag.id, version: 2 });
    expect((await graph(page)).nodes.find((n) => n.id === 's2')!.params).toEqual({ sigma: 3 });
    await expect.poll(async () => page.locator(tid('update-s1')).count(), { timeout: 10_000 }).toBe(0);
    await waitIdle(page);
    expect((await output(page, 's1', 'image')).samples).not.toEqual(before);

    // Export component: a component file; dropped on a canvas it inserts the component there
    await rightClick('s2');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.locator(`${tid('context-menu-item')}:has-text("Export component")`).first().click()]);
    expect(download.suggestedFilename()).toBe('soften.component.graph.json');
    const text = readFileSync((await download.path())!, 'utf8');
    const file = JSON.parse(text) as Doc;
    expect(file.ui).toEqual({ component: 'soft' });
    await load(page, chain);
    await waitIdle(page);
    const canvas = (await page.locator(tid('canvas')).boundingBox())!;
    await page.evaluate(
      ({ body, x, y }) => {
        const dt = new DataTransfer();
        dt.items.add(new File([body], 'soften.component.graph.json', { type: 'application/json' }));
        const target = document.querySelector('[data-testid="canvas"]')!;
        target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true, clientX: x, clientY: y }));
        target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true, clientX: x, clientY: y }));
      },
      { body: text, x: canvas.x + canvas.width / 2, y: canvas.y + canvas.height / 2 },
    );
    await expect.poll(async () => (await graph(page)).nodes.filter((n) => n.type === 'component').length, { timeout: 10_000 }).toBe(1);
    expect((await graph(page)).name).toBe('Chain');
    expect((await soft()).nodes.find((n) => n.id === 'sharp')!.params).toEqual({ amount: 2.5 });
    expect(log.errors).toEqual([]);
  });

  it('copy and paste an instance: in the same graph it shares the definition; into another graph the definitions come along (one undo step)', async () => {
    await load(page, two);
    await waitIdle(page);
    await clickTitle(page, 's2');
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await expect.poll(async () => (await graph(page)).nodes.filter((n) => n.type === 'component').length, { timeout: 10_000 }).toBe(3);
    expect(Object.keys((await graph(page)).components as object)).toEqual(['soft']);
    const copyNode = (await graph(page)).nodes.at(-1)!;
    expect([copyNode.component, copyNode.params]).toEqual(['soft', { sigma: 3 }]);
    await load(page, chain);
    await waitIdle(page);
    await page.locator(tid('canvas')).click({ position: { x: 400, y: 600 } });
    await page.keyboard.press('Control+v');
    await expect.poll(async () => (await graph(page)).nodes.filter((n) => n.type === 'component').length, { timeout: 10_000 }).toBe(1);
    const pasted = await graph(page);
    expect(Object.keys(pasted.components as object)).toEqual(['soft']);
    expect(pasted.nodes.find((n) => n.type === 'component')!.params).toEqual({ sigma: 3 });
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await graph(page)).components, { timeout: 10_000 }).toBeUndefined();
    expect((await graph(page)).nodes.map((n) => n.id)).toEqual(['src', 'blur', 'sharp', 'score']);
    expect(log.errors).toEqual([]);
  });
});
