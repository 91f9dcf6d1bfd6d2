/**
 * End-to-end: the built editor in Debian's headless Chromium, used as a new user would
 * (issue 3 "Tests"). One browser, one page per backend; the steps share state in order.
 *
 *  wasm:   add load → Gaussian noise → median → SSIM from the palette, drag them apart, wire
 *          them socket to socket with the mouse, see real thumbnails, change the noise sigma
 *          (thumbnail and SSIM change), undo (both return exactly), try a number → image wire
 *          (refused with a notice), look at the preview panel (SSIM map heat map, pixel values).
 *  webgpu: the same graph with ?backend=webgpu (Chromium's SwiftShader adapter, forced): SSIM
 *          within 1e-4 of the wasm run (float32 accumulation order differs), thumbnail pixels
 *          within 2/255, the preview's full-resolution pixel values within 1e-4.
 *
 * Screenshots of each state go to tmp/e2e-artifacts/*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { addFromPalette, backendName, compareGray, dragNodeTo, dragWire, graph, hasEdge, openEditor, parseShown, readPixels, thumb, tid, waitIdle, type Doc, type Pixels } from './app';
import { existsSync } from 'node:fs';
import { CHROMIUM, launchBrowser, requireChromium, screenshot, startPreviewServer, watchPage, type Browser, type PageLog, type Server } from './harness';

/** float32 tolerance for an SSIM mean computed by two backends (different summation order). */
const SSIM_TOL = 1e-4;
/** Thumbnails are 8-bit: one rounding step either way, plus resampling differences. */
const THUMB_TOL = 2;

let server: Server;
let browser: Browser;

beforeAll(async () => {
  // A missing browser fails the tests below (with the message of requireChromium), never skips them.
  if (existsSync(CHROMIUM)) browser = await launchBrowser({ viewport: { width: 1600, height: 1000 } });
  server = await startPreviewServer();
});

it(`drives Debian's Chromium at ${CHROMIUM} (never a downloaded browser)`, () => {
  requireChromium();
  expect(browser).toBeDefined();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Reads the SSIM value shown on the node, and the full-precision value the preview panel holds. */
async function ssimShown(page: Page, id: string): Promise<number> {
  return parseShown(await page.locator(tid(`value-${id}-ssim`)).textContent());
}

/** Clicks a node's title (selects it: the preview panel shows it). */
async function selectNode(page: Page, id: string): Promise<void> {
  const b = await page.locator(tid(`node-${id}`)).boundingBox();
  if (!b) throw new Error(`node ${id} is not visible`);
  await page.mouse.click(b.x + Math.min(60, b.width / 3), b.y + 12);
  await expect.poll(async () => page.locator(tid('preview-title')).textContent(), { timeout: 10_000 }).toMatch(new RegExp(`^${id}\\.`));
}

/** Points the mouse at image pixel (x, y) of the preview (from the view the canvas reports). */
async function hoverPreviewPixel(page: Page, x: number, y: number): Promise<void> {
  const cv = page.locator(tid('preview-canvas'));
  const b = (await cv.boundingBox())!;
  const [zoom, panX, panY] = await Promise.all(['data-zoom', 'data-pan-x', 'data-pan-y'].map(async (a) => Number(await cv.getAttribute(a))));
  await page.mouse.move(b.x + panX! + (x + 0.5) * zoom!, b.y + panY! + (y + 0.5) * zoom!);
  const px = page.locator(tid('preview-pixel'));
  await expect.poll(async () => [await px.getAttribute('data-x'), await px.getAttribute('data-y')]).toEqual([String(x), String(y)]);
}

async function previewReady(page: Page): Promise<void> {
  await page.locator(`${tid('preview-panel')}[data-state="ready"], ${tid('preview-panel')}[data-state="number"]`).first().waitFor({ timeout: 60_000 });
}

function failWithLog(log: PageLog): string {
  return [...log.errors.map((e) => `page error: ${e}`), ...log.console.slice(-20)].join('\n');
}

describe('editor, wasm backend', () => {
  let page: Page;
  let log: PageLog;
  const ids = { load: '', noise: '', median: '', ssim: '' };
  const before: { ssim?: number; median?: Pixels } = {};
  const shared: { doc?: Doc; ssim?: number; median?: Pixels; /** JSON of the median's / SSIM map's channel values at (100, 120) */ pixel?: string; mapPixel?: string } = {};

  beforeAll(async () => {
    requireChromium();
    page = await browser.context.newPage();
    log = watchPage(page);
  });
  afterAll(async () => {
    if (log.errors.length) console.error(failWithLog(log));
    await page?.close();
  });

  it('opens the editor with the wasm backend shown in the status bar', async () => {
    await openEditor(page, server.url, { backend: 'wasm' });
    expect(await backendName(page)).toBe('wasm');
    await expect(page.locator(tid('palette-search')).count()).resolves.toBe(1);
    await screenshot(page, '01-opened');
    expect(log.errors, failWithLog(log)).toEqual([]);
  });

  it('adds load → Gaussian noise → median → SSIM from the palette and drags them apart', async () => {
    // start from an empty canvas (the editor may open with a starter graph)
    await page.evaluate(() => (window as unknown as { __pixelLoom: { loadDocument(d: unknown): unknown } }).__pixelLoom.loadDocument({ format: 'pixel-loom.graph', version: 1, name: 'e2e', nodes: [], edges: [] }));
    await waitIdle(page);
    expect((await graph(page)).nodes).toEqual([]);

    // lay the nodes out left to right inside the canvas, the SSIM under the median
    const canvas = (await page.locator(tid('canvas')).boundingBox())!;
    const nodeBox = async (id: string): Promise<{ x: number; y: number; width: number; height: number }> => (await page.locator(tid(`node-${id}`)).boundingBox())!;
    const top = canvas.y + 30;
    ids.load = await addFromPalette(page, 'load', 'image.load');
    await dragNodeTo(page, ids.load, canvas.x + 30, top);
    let prev = await nodeBox(ids.load);
    ids.noise = await addFromPalette(page, 'gaussian noise', 'noise.gaussian');
    await dragNodeTo(page, ids.noise, prev.x + prev.width + 50, top);
    prev = await nodeBox(ids.noise);
    ids.median = await addFromPalette(page, 'median', 'filter.median');
    await dragNodeTo(page, ids.median, prev.x + prev.width + 50, top);
    prev = await nodeBox(ids.median);
    ids.ssim = await addFromPalette(page, 'ssim', 'metric.ssim');
    await dragNodeTo(page, ids.ssim, prev.x, prev.y + prev.height + 40);
    await screenshot(page, '02-nodes-added');

    const doc = await graph(page);
    expect(doc.nodes.map((n) => n.type).sort()).toEqual(['filter.median', 'image.load', 'metric.ssim', 'noise.gaussian']);
    // the palette ids follow the agreed scheme (last type segment + counter)
    expect(ids).toEqual({ load: 'load1', noise: 'gaussian1', median: 'median1', ssim: 'ssim1' });
    // dragged apart: no two nodes overlap on screen
    const boxes = await Promise.all(Object.values(ids).map((id) => page.locator(tid(`node-${id}`)).boundingBox()));
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!, b = boxes[j]!;
        const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
        expect(overlap, `nodes ${i} and ${j} overlap`).toBe(false);
      }
    }
  });

  it('wires them by dragging from socket to socket', async () => {
    const wires: [[string, string], [string, string]][] = [
      [[ids.load, 'image'], [ids.noise, 'image']],
      [[ids.noise, 'image'], [ids.median, 'image']],
      [[ids.load, 'image'], [ids.ssim, 'a']],
      [[ids.median, 'image'], [ids.ssim, 'b']],
    ];
    for (const [from, to] of wires) {
      await dragWire(page, from, to);
      await expect.poll(async () => hasEdge(await graph(page), from, to), { timeout: 5000 }).toBe(true);
    }
    expect((await graph(page)).edges).toHaveLength(4);
  });

  it('shows thumbnails with real pixels and an SSIM value', async () => {
    await waitIdle(page);
    for (const id of [ids.load, ids.noise, ids.median]) {
      expect(await page.locator(tid(`status-${id}`)).getAttribute('data-status')).toMatch(/^(ok|cached)$/);
      const px = await readPixels(page, thumb(id));
      // camera.png: a photograph, not a flat or blank image
      expect(px.max - px.min, `${id} thumbnail range`).toBeGreaterThan(100);
      expect(px.distinct, `${id} thumbnail distinct grays`).toBeGreaterThan(50);
    }
    const load = await readPixels(page, thumb(ids.load));
    const noisy = await readPixels(page, thumb(ids.noise));
    const median = await readPixels(page, thumb(ids.median));
    // noise changes pixels; the median removes much of it
    expect(compareGray(load, noisy).meanAbs).toBeGreaterThan(5);
    expect(compareGray(load, median).meanAbs).toBeLessThan(compareGray(load, noisy).meanAbs);
    const s = await ssimShown(page, ids.ssim);
    expect(s).toBeGreaterThan(0.3);
    expect(s).toBeLessThan(0.99);
    before.ssim = s;
    before.median = median;
    await screenshot(page, '03-wired-thumbnails');
  });

  it('changing the noise sigma changes the median thumbnail and lowers the SSIM', async () => {
    const input = page.locator(tid(`param-${ids.noise}-sigma`));
    await input.fill('0.3');
    await input.press('Enter');
    await expect.poll(async () => (await graph(page)).nodes.find((n) => n.id === ids.noise)?.params?.sigma).toBe(0.3);
    await expect.poll(async () => (await readPixels(page, thumb(ids.median))).revision, { timeout: 60_000 }).not.toBe(before.median!.revision);
    await waitIdle(page);
    const after = await readPixels(page, thumb(ids.median));
    expect(compareGray(after, before.median!).meanAbs).toBeGreaterThan(3);
    const s = await ssimShown(page, ids.ssim);
    console.info(`e2e: SSIM at sigma 0.1: ${before.ssim}, at sigma 0.3: ${s}`);
    expect(s).toBeLessThan(before.ssim! - 0.05);
    await screenshot(page, '04-sigma-0.3');
  });

  it('undo returns the sigma, the thumbnail and the SSIM to their earlier values', async () => {
    await page.locator(tid('undo')).click();
    await expect.poll(async () => (await graph(page)).nodes.find((n) => n.id === ids.noise)?.params?.sigma ?? 0.1).toBe(0.1);
    await expect.poll(async () => ssimShown(page, ids.ssim), { timeout: 60_000 }).toBe(before.ssim);
    await waitIdle(page);
    const back = await readPixels(page, thumb(ids.median));
    expect(compareGray(back, before.median!).maxAbs).toBe(0);
    await screenshot(page, '05-undone');
  });

  it('refuses a number output wired into an image input, with a notice that says why', async () => {
    const edges = (await graph(page)).edges;
    await dragWire(page, [ids.ssim, 'ssim'], [ids.median, 'image']);
    const notice = page.locator(tid('notice'));
    await expect.poll(async () => ((await notice.count()) ? await notice.first().textContent() : ''), { timeout: 5000 }).toMatch(/number/i);
    expect((await notice.first().textContent())!).toMatch(/image/i);
    expect((await graph(page)).edges).toEqual(edges);
    await screenshot(page, '06-refused-connection');
    // a wire dropped on an incompatible socket is refused; it does not open the node search
    expect(await page.locator(tid('search-popup')).count()).toBe(0);
  });

  it('the preview panel shows the SSIM map as a heat map and the median output with pixel values', async () => {
    await selectNode(page, ids.ssim);
    await previewReady(page);
    const panel = page.locator(tid('preview-panel'));
    await expect.poll(async () => panel.getAttribute('data-mode')).toBe('heat');
    await expect(page.locator(tid('preview-legend')).count()).resolves.toBe(1);
    const full = await page.locator(tid(`preview-value-${ids.ssim}-ssim`)).getAttribute('data-value');
    expect(Math.abs(Number(full) - before.ssim!)).toBeLessThan(1e-4); // the node shows it rounded
    shared.ssim = Number(full);
    await hoverPreviewPixel(page, 100, 120);
    shared.mapPixel = (await page.locator(tid('preview-pixel')).getAttribute('data-values')) ?? '';
    await screenshot(page, '07-preview-ssim-map');

    await selectNode(page, ids.median);
    await expect.poll(async () => panel.getAttribute('data-shape'), { timeout: 60_000 }).toBe('256×256×1');
    await previewReady(page);
    await hoverPreviewPixel(page, 100, 120);
    const px = page.locator(tid('preview-pixel'));
    const text = (await px.textContent()) ?? '';
    expect(text).toMatch(/x \d+, y \d+/);
    expect(text).toMatch(/V [\d.]+ \(\d+\)/);
    shared.pixel = (await px.getAttribute('data-values')) ?? '';
    expect(JSON.parse(shared.pixel)).toHaveLength(1);
    const stats = (await page.locator(tid('preview-stats')).textContent()) ?? '';
    expect(stats).toMatch(/min.*max.*mean/s);
    await page.locator(tid('preview-zoom-in')).click();
    await page.locator(tid('preview-zoom-in')).click();
    await screenshot(page, '08-preview-median');

    shared.doc = await graph(page);
    shared.median = await readPixels(page, thumb(ids.median));
    expect(log.errors, failWithLog(log)).toEqual([]);
  });

  it('compares two outputs in the preview: wipe slider, then absolute difference', async () => {
    // A = the noisy image (selected), B = the median (context menu → Compare in preview)
    await selectNode(page, ids.noise);
    const b = (await page.locator(tid(`node-${ids.median}`)).boundingBox())!;
    await page.mouse.click(b.x + Math.min(60, b.width / 3), b.y + 12, { button: 'right' });
    await page.locator(`${tid('context-menu-item')}:has-text("Compare")`).first().click();
    const panel = page.locator(tid('preview-panel'));
    await expect.poll(async () => panel.getAttribute('data-mode'), { timeout: 30_000 }).toBe('wipe');
    expect(await page.locator(tid('preview-title')).textContent()).toMatch(new RegExp(`^A ${ids.noise}\\.image.*B ${ids.median}\\.image`));
    // dragging on the image moves the wipe line to the pointer
    const cv = page.locator(tid('preview-canvas'));
    const cb = (await cv.boundingBox())!;
    const [zoom, panX] = await Promise.all(['data-zoom', 'data-pan-x'].map(async (a) => Number(await cv.getAttribute(a))));
    await page.mouse.move(cb.x + panX! + 200 * zoom!, cb.y + cb.height / 2);
    await page.mouse.down();
    await page.mouse.move(cb.x + panX! + 64 * zoom!, cb.y + cb.height / 2, { steps: 5 });
    await page.mouse.up();
    // 64 of 256 image pixels: the wipe sits at a quarter
    expect(Number(await page.locator(tid('preview-wipe')).inputValue())).toBeCloseTo(0.25, 2);
    await page.locator(tid('preview-wipe')).fill('0.3');
    // zoom in for the wipe view; the difference view keeps its own (fitted) zoom, and the wipe
    // view comes back as it was
    const fitZoom = Number(await cv.getAttribute('data-zoom'));
    await page.locator(tid('preview-zoom-in')).click();
    await page.locator(tid('preview-zoom-in')).click();
    const wipeZoom = Number(await cv.getAttribute('data-zoom'));
    expect(wipeZoom).toBeGreaterThan(fitZoom * 1.2);
    await page.locator(tid('preview-compare-mode')).selectOption('diff');
    await expect.poll(async () => Number(await cv.getAttribute('data-zoom'))).toBeCloseTo(fitZoom, 5);
    await page.locator(tid('preview-compare-mode')).selectOption('wipe');
    await expect.poll(async () => Number(await cv.getAttribute('data-zoom'))).toBeCloseTo(wipeZoom, 5);
    await page.locator(tid('preview-zoom-fit')).click();
    // left of the wipe line shows A (noisy), right of it B (median): pixel values come from both
    await hoverPreviewPixel(page, 128, 128);
    const text = (await page.locator(tid('preview-pixel')).textContent()) ?? '';
    expect(text).toMatch(/A: V [\d.]+/);
    expect(text).toMatch(/B: V [\d.]+/);
    expect(text).toMatch(/\|A−B\|: [\d.]+/);
    await screenshot(page, '09-compare-wipe');
    await page.locator(tid('preview-compare-mode')).selectOption('diff');
    await expect.poll(async () => panel.getAttribute('data-mode')).toBe('diff');
    const summary = (await page.locator(tid('preview-diff-summary')).textContent()) ?? '';
    const maxAbs = parseShown(/max \|A−B\| (\S+)/.exec(summary)?.[1] ?? null);
    const meanAbs = parseShown(/mean \|A−B\| (\S+)/.exec(summary)?.[1] ?? null);
    // the median of σ 0.1 noise differs from the noisy input, by far less than the full range on average
    expect(maxAbs).toBeGreaterThan(0.1);
    expect(meanAbs).toBeGreaterThan(0.01);
    expect(meanAbs).toBeLessThan(0.2);
    await screenshot(page, '10-compare-difference');
    await page.locator(tid('compare-clear')).click();
    await expect.poll(async () => panel.getAttribute('data-mode')).toBe('image');
  });

  it('Ctrl+C then Ctrl+Shift+V pastes the median with its incoming wire; Ctrl+V without', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await selectNode(page, ids.median);
    await page.keyboard.press('Control+c');
    const canvas = (await page.locator(tid('canvas')).boundingBox())!;
    const before = (await graph(page)).nodes.map((n) => n.id);
    await page.mouse.move(canvas.x + canvas.width * 0.6, canvas.y + canvas.height * 0.8);
    await page.keyboard.press('Control+Shift+v');
    await expect.poll(async () => (await graph(page)).nodes.length, { timeout: 10_000 }).toBe(before.length + 1);
    const doc = await graph(page);
    const pasted = doc.nodes.find((n) => !before.includes(n.id))!;
    expect(pasted.type).toBe('filter.median');
    // the wire from the noise node into the copy is kept; the original keeps its own
    expect(hasEdge(doc, [ids.noise, 'image'], [pasted.id, 'image'])).toBe(true);
    expect(hasEdge(doc, [ids.noise, 'image'], [ids.median, 'image'])).toBe(true);
    await page.mouse.move(canvas.x + canvas.width * 0.3, canvas.y + canvas.height * 0.85);
    await page.keyboard.press('Control+v');
    await expect.poll(async () => (await graph(page)).nodes.length, { timeout: 10_000 }).toBe(before.length + 2);
    const doc2 = await graph(page);
    const plain = doc2.nodes.find((n) => !before.includes(n.id) && n.id !== pasted.id)!;
    expect(doc2.edges.filter((e) => e.to.node === plain.id)).toEqual([]);
    await screenshot(page, '10b-paste-with-connections');
    // back to the graph the webgpu step compares with
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await graph(page)).nodes.length, { timeout: 10_000 }).toBe(before.length);
    expect(log.errors, failWithLog(log)).toEqual([]);
  });

  it('Ctrl+B bypasses the noise (shown on the node, its input passes through), Ctrl+M mutes the median, undo restores', async () => {
    const status = (id: string) => page.locator(tid(`status-${id}`)).getAttribute('data-status');
    const modeOf = async (id: string) => (await graph(page)).nodes.find((n) => n.id === id)?.mode;
    await waitIdle(page);
    const loadPx = await readPixels(page, thumb(ids.load));
    await selectNode(page, ids.noise);
    await page.keyboard.press('Control+b');
    await expect.poll(() => modeOf(ids.noise)).toBe('bypass');
    await expect.poll(async () => page.locator(tid(`node-${ids.noise}`)).getAttribute('data-mode')).toBe('bypass');
    expect(await page.locator(tid(`mode-${ids.noise}`)).textContent()).toBe('bypassed');
    await expect.poll(() => status(ids.noise), { timeout: 60_000 }).toBe('bypassed');
    await waitIdle(page);
    // the bypassed node shows what it passes: the loaded image; the median now filters the clean image
    expect(compareGray(await readPixels(page, thumb(ids.noise)), loadPx).maxAbs).toBeLessThanOrEqual(THUMB_TOL);
    const clean = await ssimShown(page, ids.ssim);
    expect(clean).toBeGreaterThan(before.ssim! + 0.1);
    await screenshot(page, '10d-bypassed-noise');
    // Ctrl+B again: active, the same SSIM as before (a cache hit)
    await page.keyboard.press('Control+b');
    await expect.poll(() => modeOf(ids.noise)).toBeUndefined();
    await expect.poll(() => ssimShown(page, ids.ssim), { timeout: 60_000 }).toBe(before.ssim);

    await selectNode(page, ids.median);
    await page.keyboard.press('Control+m');
    await expect.poll(() => modeOf(ids.median)).toBe('mute');
    await expect.poll(() => status(ids.ssim), { timeout: 60_000 }).toBe('muted');
    expect(await status(ids.median)).toBe('muted');
    expect(await page.locator(tid(`node-${ids.ssim}`)).getAttribute('data-mode')).toBe('active');
    await screenshot(page, '10e-muted-median');
    await page.keyboard.press('Control+z');
    await expect.poll(() => modeOf(ids.median)).toBeUndefined();
    await expect.poll(() => ssimShown(page, ids.ssim), { timeout: 60_000 }).toBe(before.ssim);
    expect(log.errors, failWithLog(log)).toEqual([]);
  });

  it('reroute points: Shift+click on a wire adds one (stored with the edge), drag moves it, right-click removes, undo restores', async () => {
    const edgeOf = async () => (await graph(page)).edges.find((e) => e.from.node === ids.noise && e.to.node === ids.median)!;
    const wire = page.locator(`${tid(`wire-${ids.noise}.image-${ids.median}.image`)} path.hit`);
    // a point on the wire, on screen
    const at = await wire.evaluate((el) => {
      const path = el as SVGPathElement;
      const p = path.getPointAtLength(path.getTotalLength() / 2);
      const m = path.getScreenCTM()!;
      return { x: p.x * m.a + p.y * m.c + m.e, y: p.x * m.b + p.y * m.d + m.f };
    });
    const zoom = Number(await page.locator(tid('status-zoom')).getAttribute('data-zoom'));
    await page.keyboard.down('Shift');
    await page.mouse.click(at.x, at.y);
    await page.keyboard.up('Shift');
    await expect.poll(async () => (await edgeOf()).reroute?.length ?? 0, { timeout: 5000 }).toBe(1);
    const pins = page.locator(tid('pin'));
    expect(await pins.count()).toBe(1);
    const p0 = (await edgeOf()).reroute![0]!;
    // drag the point 120 px down: the wire now bends through it
    const b = (await pins.first().boundingBox())!;
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2 + 60, { steps: 4 });
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2 + 120, { steps: 4 });
    await page.mouse.up();
    await expect.poll(async () => (await edgeOf()).reroute?.[0]?.y ?? 0).toBeGreaterThan(p0.y + 100 / zoom);
    expect(Math.abs((await edgeOf()).reroute![0]!.x - p0.x)).toBeLessThan(3);
    await screenshot(page, '10f-reroute-point');
    // right-click removes it; undo brings it back where it was dragged to
    const moved = (await edgeOf()).reroute![0]!;
    await pins.first().click({ button: 'right' });
    await expect.poll(async () => (await edgeOf()).reroute).toBeUndefined();
    expect(await pins.count()).toBe(0);
    await page.waitForTimeout(400);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await edgeOf()).reroute).toEqual([moved]);
    await expect.poll(() => pins.count()).toBe(1);
    expect(log.errors, failWithLog(log)).toEqual([]);
  });

  it('the preview panel: its edge drags it wider, ⛶, F and a double-click on its title open it full window, Esc leaves', async () => {
    await selectNode(page, ids.median);
    const aside = page.locator(tid('preview-aside'));
    const w0 = (await aside.boundingBox())!.width;
    const edge = (await page.locator(tid('preview-resize')).boundingBox())!;
    await page.mouse.move(edge.x + edge.width / 2, edge.y + 200);
    await page.mouse.down();
    await page.mouse.move(edge.x + edge.width / 2 - 100, edge.y + 200, { steps: 4 });
    await page.mouse.move(edge.x + edge.width / 2 - 200, edge.y + 200, { steps: 4 });
    await page.mouse.up();
    await expect.poll(async () => Math.round((await aside.boundingBox())!.width - w0)).toBeGreaterThanOrEqual(195);
    // the preview image re-fits the wider panel
    const canvasBox = (await page.locator(tid('preview-canvas')).boundingBox())!;
    expect(canvasBox.width).toBeGreaterThan(w0);
    await page.locator(tid('preview-full')).click();
    await expect.poll(async () => (await aside.boundingBox())!.width).toBe(1600);
    expect((await aside.boundingBox())!.height).toBe(1000);
    await screenshot(page, '10c-preview-full-window');
    await page.keyboard.press('Escape');
    await expect.poll(async () => Math.round((await aside.boundingBox())!.width - w0)).toBeGreaterThanOrEqual(195);
    // F with the pointer over the preview opens it full window too; F again leaves
    const box = (await aside.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.keyboard.press('f');
    await expect.poll(async () => (await aside.boundingBox())!.width).toBe(1600);
    await page.keyboard.press('f');
    await expect.poll(async () => Math.round((await aside.boundingBox())!.width - w0)).toBeGreaterThanOrEqual(195);
    // a double-click on the preview's title does the same; Esc leaves
    await page.locator(tid('preview-title')).dblclick();
    await expect.poll(async () => (await aside.boundingBox())!.width).toBe(1600);
    await page.keyboard.press('Escape');
    await expect.poll(async () => Math.round((await aside.boundingBox())!.width - w0)).toBeGreaterThanOrEqual(195);
    // a double-click on the edge restores the default width
    const edge2 = (await page.locator(tid('preview-resize')).boundingBox())!;
    await page.mouse.dblclick(edge2.x + edge2.width / 2, edge2.y + 200);
    await expect.poll(async () => Math.round((await aside.boundingBox())!.width)).toBe(Math.round(w0));
    expect(log.errors, failWithLog(log)).toEqual([]);
  });

  describe('the same graph with ?backend=webgpu (SwiftShader)', () => {
    let gpu: Page;
    let glog: PageLog;
    beforeAll(async () => {
      gpu = await browser.context.newPage();
      glog = watchPage(gpu);
    });
    afterAll(async () => {
      if (glog.errors.length) console.error(failWithLog(glog));
      await gpu?.close();
    });

    it('evaluates on webgpu and matches the wasm run within float32 tolerance', async () => {
      expect(shared.doc, 'the wasm steps did not finish').toBeDefined();
      await openEditor(gpu, server.url, { backend: 'webgpu' });
      expect(await backendName(gpu)).toBe('webgpu');
      await gpu.evaluate((d) => (window as unknown as { __pixelLoom: { loadDocument(d: unknown): unknown } }).__pixelLoom.loadDocument(d), shared.doc);
      await waitIdle(gpu, 150_000);
      for (const id of [ids.load, ids.noise, ids.median, ids.ssim]) {
        expect(await gpu.locator(tid(`status-${id}`)).getAttribute('data-status')).toMatch(/^(ok|cached)$/);
      }
      // SSIM: |webgpu − wasm| ≤ 1e-4
      await selectNode(gpu, ids.ssim);
      await previewReady(gpu);
      const full = Number(await gpu.locator(tid(`preview-value-${ids.ssim}-ssim`)).getAttribute('data-value'));
      console.info(`e2e: SSIM wasm ${shared.ssim} vs webgpu ${full} (|Δ| ${Math.abs(full - shared.ssim!).toExponential(2)}, tolerance ${SSIM_TOL})`);
      expect(Math.abs(full - shared.ssim!)).toBeLessThanOrEqual(SSIM_TOL);
      await hoverPreviewPixel(gpu, 100, 120);
      const mapGpu = JSON.parse((await gpu.locator(tid('preview-pixel')).getAttribute('data-values')) ?? '[]') as number[];
      const mapWasm = JSON.parse(shared.mapPixel!) as number[];
      console.info(`e2e: SSIM map pixel (100, 120): wasm ${mapWasm} vs webgpu ${mapGpu}`);
      expect(mapGpu).toHaveLength(1);
      expect(Math.abs(mapGpu[0]! - mapWasm[0]!)).toBeLessThanOrEqual(SSIM_TOL);
      // thumbnails: 8-bit, within 2/255
      const m = await readPixels(gpu, thumb(ids.median));
      const d = compareGray(m, shared.median!);
      console.info(`e2e: median thumbnail webgpu vs wasm: max |Δ| ${d.maxAbs}/255, mean ${d.meanAbs.toFixed(3)}/255`);
      expect(d.maxAbs).toBeLessThanOrEqual(THUMB_TOL);
      expect(d.meanAbs).toBeLessThan(0.5);
      // the preview's full-resolution values at the same pixel, within 1e-4
      await selectNode(gpu, ids.median);
      await expect.poll(async () => gpu.locator(tid('preview-panel')).getAttribute('data-shape'), { timeout: 60_000 }).toBe('256×256×1');
      await previewReady(gpu);
      await hoverPreviewPixel(gpu, 100, 120);
      const wasmV = JSON.parse(shared.pixel!) as number[];
      const gpuV = JSON.parse((await gpu.locator(tid('preview-pixel')).getAttribute('data-values')) ?? '[]') as number[];
      console.info(`e2e: median pixel (100, 120) full precision: wasm ${wasmV} vs webgpu ${gpuV}`);
      expect(gpuV).toHaveLength(wasmV.length);
      expect(Math.abs(gpuV[0]! - wasmV[0]!)).toBeLessThanOrEqual(1e-4);
      await screenshot(gpu, '11-webgpu');
      expect(glog.errors, failWithLog(glog)).toEqual([]);
    });
  });
});
