/**
 * End-to-end: the graph library, autosave and sharing (issue 4 "Tests"), in Debian's headless
 * Chromium on the wasm backend, with small graphs. Each scenario runs in its own browser (a
 * fresh persistent profile, so a fresh IndexedDB shared by the pages of that scenario):
 *
 *  1. build a graph and pick an image → saved → reload: same id, same document, the image evaluates
 *  2. change a param, 600 ms later crash the renderer (CDP Page.crash) → a new page opens the edit
 *  3. two pages on one graph: an edit in A reaches B in place; unsaved B + a save in A → conflict,
 *     nothing overwritten; "keep mine" saves B's version as a new graph
 *  4. export → import: a new library graph whose export is byte-identical
 *  5. self-contained export with a picked image → import in a fresh browser: the image evaluates
 *  6. PNG export of a preview carries the graph (iTXt); dropping it back opens the same document
 *  7. broken JSON, bad params, version 99: import-issue items name the path, readable (not under the
 *     notice); the library is unchanged; a PNG without a graph given to Import says so
 *  8. a node of an unknown type: imported as a placeholder; the stored text and the export are the
 *     imported text byte for byte, also after an autosaved edit elsewhere; `?id=` of a graph not in
 *     the library opens the library with the reason at its top
 *
 * Screenshots go to tmp/e2e-artifacts/storage-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { hashBytes } from '../../src/engine/signature';
import { isPng, readGraphFromPng } from '../../src/storage/pngGraph';
import { addFromPalette, dragNodeTo, dragWire, graph, hasEdge, openEditor, readPixels, thumb, tid, waitIdle, compareGray, type Doc } from './app';
import { CHROMIUM, ROOT, launchBrowser, requireChromium, screenshot, startPreviewServer, watchPage, type Browser, type PageLog, type Server } from './harness';

/** The picked image: a 28×28 8-bit grayscale PNG (Fashion-MNIST test image 0). */
const PICKED = path.join(ROOT, 'graphs', 'assets', 'fashion-test-0-label0.png');
const PICKED_SHAPE = '28×28×1';
/** The app's default image (served at /assets/camera.png): 256×256 grayscale. */
const CAMERA_SHAPE = '256×256×1';

/** The fields of the library() hook's GraphSummary rows used here. */
interface Summary {
  id: string;
  name: string;
  rev: number;
  updatedAt: number;
  deletedAt: number | null;
  thumbnail: unknown;
}
/** A library row as compared by the tests (the thumbnail as a flag: a Blob does not cross to Node). */
interface Row {
  id: string;
  name: string;
  rev: number;
  updatedAt: number;
  deletedAt: number | null;
  thumbnail: boolean;
}
interface StorageHooks {
  document(): Doc;
  idle(): Promise<void>;
  loadDocument(doc: unknown): Promise<void>;
  graphId(): string | null;
  saveState(): string;
  flush(): Promise<void>;
  library(): Promise<Summary[]>;
}
/** `window` with the editor's test hooks (a cast, so no global declaration leaks into other files). */
type W = { __pixelLoom: StorageHooks };

/** A small graph: camera → Gaussian noise (evaluates in well under a second on wasm). */
function smallDoc(name: string): Doc {
  return {
    format: 'pixel-loom.graph',
    version: 3,
    name,
    nodes: [
      { id: 'load1', type: 'image.load', params: { source: '/assets/camera.png' }, position: { x: 0, y: 0 } },
      { id: 'noise1', type: 'noise.gaussian', params: { sigma: 0.1, seed: 7 }, position: { x: 320, y: 0 } },
    ],
    edges: [{ from: { node: 'load1', port: 'image' }, to: { node: 'noise1', port: 'image' } }],
  };
}

let server: Server;

beforeAll(async () => {
  server = await startPreviewServer();
});
afterAll(async () => {
  await server?.close();
});

it(`drives Debian's Chromium at ${CHROMIUM} (never a downloaded browser)`, () => {
  requireChromium();
  expect(existsSync(CHROMIUM)).toBe(true);
});

// ---- helpers ---------------------------------------------------------------------------------

function failWithLog(log: PageLog): string {
  return [...log.errors.map((e) => `page error: ${e}`), ...log.console.slice(-20)].join('\n');
}

/** A fresh browser (fresh profile: empty IndexedDB) for one scenario. */
function scenarioBrowser(): { get: () => Browser } {
  let browser: Browser | undefined;
  beforeAll(async () => {
    requireChromium();
    browser = await launchBrowser({ viewport: { width: 1600, height: 1000 } });
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get: () => {
      if (!browser) throw new Error('the scenario browser did not start');
      return browser;
    },
  };
}

/** Opens the editor on the wasm backend and waits until its graph is stored (`?id=` given or not). */
async function openApp(page: Page, query: Record<string, string> = {}): Promise<string> {
  await openEditor(page, server.url, { backend: 'wasm', ...query });
  await waitSaved(page);
  const id = await graphId(page);
  if (!id) throw new Error('the editor opened without a library graph (graphId() is null)');
  return id;
}

async function graphId(page: Page): Promise<string | null> {
  return page.evaluate(() => (window as unknown as W).__pixelLoom.graphId());
}

async function saveState(page: Page): Promise<string> {
  return page.evaluate(() => (window as unknown as W).__pixelLoom.saveState());
}

async function library(page: Page): Promise<Row[]> {
  return page.evaluate(async () =>
    (await (window as unknown as W).__pixelLoom.library()).map((r) => ({ id: r.id, name: r.name, rev: r.rev, updatedAt: r.updatedAt, deletedAt: r.deletedAt, thumbnail: r.thumbnail !== null })),
  );
}

/**
 * Waits until the open graph is evaluated, has its library thumbnail (the editor stores the
 * first one with an extra save ~1 s after the preview) and is saved: nothing the app does on
 * its own changes the library row after this.
 */
async function settled(page: Page): Promise<void> {
  await waitIdle(page);
  const id = await graphId(page);
  await expect.poll(async () => (await library(page)).find((r) => r.id === id)?.thumbnail, { timeout: 15_000, message: `graph ${id} got no library thumbnail` }).toBe(true);
  await waitSaved(page);
}

/** The save-status chip says "saved" (the edits are in IndexedDB). */
async function waitSaved(page: Page, timeout = 15_000): Promise<void> {
  await page.locator(`${tid('save-status')}[data-state="saved"]`).waitFor({ state: 'attached', timeout });
}

/** Replaces the open graph's content (an edit: it is autosaved into the open library row). */
async function loadDoc(page: Page, doc: Doc): Promise<void> {
  await page.evaluate((d) => (window as unknown as W).__pixelLoom.loadDocument(d), doc);
  await waitIdle(page);
  await waitSaved(page);
}

/** The document without its `ui` member (the viewport, which is view state). */
function content(doc: Doc): Doc {
  const copy = JSON.parse(JSON.stringify(doc)) as Doc;
  delete copy.ui;
  return copy;
}

function param(doc: Doc, node: string, name: string): unknown {
  return doc.nodes.find((n) => n.id === node)?.params?.[name];
}

/** Types a value into a node's param field and commits it with Enter, as a user would. */
async function commitParam(page: Page, node: string, name: string, value: string): Promise<void> {
  const input = page.locator(tid(`param-${node}-${name}`));
  await input.fill(value);
  await input.press('Enter');
}

/** commitParam, then waits until the document holds the value. */
async function setParam(page: Page, node: string, name: string, value: string): Promise<void> {
  await commitParam(page, node, name, value);
  await expect.poll(async () => String(param(await graph(page), node, name)), { timeout: 5000 }).toBe(value);
}

/** Clicks "Open…" of a load node and picks `file` in the file chooser (the `image-file` input). */
async function pickImage(page: Page, node: string, file: string): Promise<string> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: 10_000 }), page.locator(tid(`pick-image-${node}`)).click()]);
  expect(await chooser.element().getAttribute('data-testid')).toBe('image-file');
  await chooser.setFiles(file);
  const expected = `asset:${hashBytes(new Uint8Array(readFileSync(file)))}`;
  await expect.poll(async () => param(await graph(page), node, 'source'), { timeout: 10_000 }).toBe(expected);
  return expected;
}

/** Clicks a node's title (selects it: the preview panel shows it). */
async function selectNode(page: Page, id: string): Promise<void> {
  const b = await page.locator(tid(`node-${id}`)).boundingBox();
  if (!b) throw new Error(`node ${id} is not visible`);
  await page.mouse.click(b.x + Math.min(60, b.width / 3), b.y + 12);
  await expect.poll(async () => page.locator(tid('preview-title')).textContent(), { timeout: 10_000 }).toMatch(new RegExp(`^${id}\\.`));
}

/** The shape the preview panel shows for a node's image once it is ready ("28×28×1"). */
async function previewShape(page: Page, id: string): Promise<string | null> {
  await selectNode(page, id);
  const panel = page.locator(tid('preview-panel'));
  await page.locator(`${tid('preview-panel')}[data-state="ready"]`).waitFor({ timeout: 60_000 });
  return panel.getAttribute('data-shape');
}

/** Node `id` evaluated without error: badge ok/cached and no entry in the errors panel. */
async function expectEvaluated(page: Page, id: string): Promise<void> {
  await waitIdle(page);
  expect(await page.locator(tid(`status-${id}`)).getAttribute('data-status'), `status of ${id}`).toMatch(/^(ok|cached)$/);
  await page.locator(tid('errors')).click();
  await page.locator(tid('errors-panel')).waitFor();
  expect(await page.locator(tid(`error-${id}`)).count(), `errors panel entry for ${id}`).toBe(0);
  await page.locator(tid('errors')).click();
}

/** Clicks `testid` and returns the file it downloads. */
async function downloadFrom(page: Page, testid: string): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.locator(tid(testid)).click()]);
  const file = await download.path();
  return { name: download.suggestedFilename(), bytes: readFileSync(file) };
}

/** Gives a file to the Import input; returns when the import finished (a new graph or issues). */
async function importFile(page: Page, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  await page.locator(tid('import-file')).setInputFiles(file);
}

/** Waits until the editor shows a library graph other than `previous`; returns its id. */
async function waitOtherGraph(page: Page, previous: string, timeout = 30_000): Promise<string> {
  await expect.poll(async () => graphId(page), { timeout }).not.toBe(previous);
  const id = await graphId(page);
  if (!id) throw new Error('no graph is open');
  return id;
}

/** The stored library row, read straight from IndexedDB (not through the app). */
async function storedRow(page: Page, id: string): Promise<{ id: string; name: string; rev: number; text: string } | null> {
  return page.evaluate(
    (gid) =>
      new Promise<{ id: string; name: string; rev: number; text: string } | null>((resolve, reject) => {
        const req = indexedDB.open('pixel-loom');
        req.onerror = () => reject(new Error(`cannot open IndexedDB pixel-loom: ${String(req.error)}`));
        req.onsuccess = () => {
          const db = req.result;
          const get = db.transaction('graphs', 'readonly').objectStore('graphs').get(gid);
          get.onsuccess = () => {
            const r = get.result as { id: string; name: string; rev: number; text: string } | undefined;
            db.close();
            resolve(r ? { id: r.id, name: r.name, rev: r.rev, text: r.text } : null);
          };
          get.onerror = () => {
            db.close();
            reject(new Error(`cannot read graph ${gid}: ${String(get.error)}`));
          };
        };
      }),
    id,
  );
}

/** Drops a file on the canvas with a synthetic DataTransfer (dragover, then drop). */
async function dropFile(page: Page, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  const canvas = (await page.locator(tid('canvas')).boundingBox())!;
  await page.evaluate(
    ({ name, type, b64, x, y }) => {
      const bin = atob(b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], name, { type }));
      const target = document.querySelector('[data-testid="canvas"]')!;
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true, clientX: x, clientY: y }));
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true, clientX: x, clientY: y }));
    },
    { name: file.name, type: file.mimeType, b64: file.buffer.toString('base64'), x: canvas.x + canvas.width / 2, y: canvas.y + canvas.height / 2 },
  );
}

/** Width, height, bit depth and colour type from a PNG's IHDR chunk. */
function pngHeader(bytes: Buffer): { width: number; height: number; depth: number; colorType: number } {
  if (bytes.toString('latin1', 12, 16) !== 'IHDR') throw new Error('the PNG does not start with an IHDR chunk');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), depth: bytes[24]!, colorType: bytes[25]! };
}

/** Closes the notice shown (if any) with its × button. */
async function dismissNotice(page: Page): Promise<void> {
  const notice = page.locator(tid('notice'));
  if ((await notice.count()) === 0) return;
  await page.locator('.pl-notice button.x').click();
  await notice.waitFor({ state: 'detached', timeout: 5000 });
}

/** The import-issue items of the errors panel, as text. */
async function importIssues(page: Page): Promise<string[]> {
  const items = page.locator(tid('import-issue'));
  await items.first().waitFor({ timeout: 10_000 });
  return (await items.allTextContents()).map((t) => t.trim());
}

// ---- 1. build, pick an image, reload ---------------------------------------------------------

describe('1. a built graph with a picked image survives a reload', () => {
  const b = scenarioBrowser();
  let page: Page;
  let log: PageLog;
  afterAll(async () => {
    if (log?.errors.length) console.error(failWithLog(log));
    await page?.close();
  });

  it('reopens the same library graph with the same document, and the picked image evaluates', async () => {
    page = await b.get().context.newPage();
    log = watchPage(page);
    const id = await openApp(page);
    // a new profile starts with one graph: the starter, stored at once
    expect((await library(page)).map((r) => r.id)).toEqual([id]);

    // build: a load node from a small document, then a box blur from the palette, wired by mouse
    await loadDoc(page, { format: 'pixel-loom.graph', version: 1, name: 'Built', nodes: [{ id: 'load1', type: 'image.load', params: { source: '/assets/camera.png' }, position: { x: 0, y: 0 } }], edges: [] });
    const canvas = (await page.locator(tid('canvas')).boundingBox())!;
    const blur = await addFromPalette(page, 'box blur', 'filter.boxBlur');
    const load = (await page.locator(tid('node-load1')).boundingBox())!;
    await dragNodeTo(page, blur, load.x + load.width + 60, Math.max(canvas.y + 30, load.y));
    await dragWire(page, ['load1', 'image'], [blur, 'image']);
    await expect.poll(async () => hasEdge(await graph(page), ['load1', 'image'], [blur, 'image']), { timeout: 5000 }).toBe(true);
    await setParam(page, blur, 'size', '5');
    const asset = await pickImage(page, 'load1', PICKED);
    await waitIdle(page);
    await waitSaved(page);
    const before = await graph(page);
    expect(param(before, 'load1', 'source')).toBe(asset);
    expect(param(before, blur, 'size')).toBe(5);
    expect(await previewShape(page, 'load1')).toBe(PICKED_SHAPE);
    const pixelsBefore = await readPixels(page, thumb('load1'));
    await screenshot(page, 'storage-01-built');
    // the stored row holds exactly what the editor shows
    const row = await storedRow(page, id);
    expect(row?.name).toBe('Built');
    expect(content(JSON.parse(row!.text) as Doc)).toEqual(content(before));

    await page.reload();
    await page.waitForFunction(() => !!(window as unknown as { __pixelLoom?: unknown }).__pixelLoom);
    await waitIdle(page);
    expect(await graphId(page)).toBe(id);
    const after = await graph(page);
    expect(content(after)).toEqual(content(before));
    await expectEvaluated(page, 'load1');
    await expectEvaluated(page, blur);
    expect(await previewShape(page, 'load1')).toBe(PICKED_SHAPE);
    const pixelsAfter = await readPixels(page, thumb('load1'));
    expect(pixelsAfter.distinct, 'the picked image shows real pixels').toBeGreaterThan(20);
    expect(compareGray(pixelsAfter, pixelsBefore).maxAbs).toBe(0);
    await screenshot(page, 'storage-02-reloaded');
    expect(await saveState(page)).toBe('saved');
    expect(log.errors, failWithLog(log)).toEqual([]);
  });
});

// ---- 2. abrupt close mid-edit ----------------------------------------------------------------

describe('2. closing the page abruptly mid-edit keeps the edit', () => {
  const b = scenarioBrowser();
  let log: PageLog;

  it('a renderer crash 600 ms after a param edit: a new page opens the graph with the edited value', async () => {
    const context = b.get().context;
    const page = await context.newPage();
    log = watchPage(page);
    const id = await openApp(page);
    await loadDoc(page, smallDoc('Crash'));
    await commitParam(page, 'noise1', 'sigma', '0.25');
    const t0 = Date.now();
    expect(param(await graph(page), 'noise1', 'sigma')).toBe(0.25);
    // no flush hook: the autosave has 600 ms (it promises ≤ 500 ms), then the renderer dies
    await page.waitForTimeout(Math.max(0, 600 - (Date.now() - t0)));
    const state = await saveState(page);
    console.info(`e2e: save state ${Date.now() - t0} ms after the edit, just before the crash: ${state}`);
    const cdp = await context.newCDPSession(page);
    const crashed = page.waitForEvent('crash', { timeout: 10_000 });
    // Page.crash never answers (the renderer is gone), so it is not awaited
    void cdp.send('Page.crash').catch(() => undefined);
    await crashed;
    expect(log.errors).toContain('page crashed');

    const again = await context.newPage();
    const log2 = watchPage(again);
    await openEditor(again, server.url, { backend: 'wasm' });
    expect(await graphId(again)).toBe(id);
    const doc = await graph(again);
    expect(doc.name).toBe('Crash');
    expect(param(doc, 'noise1', 'sigma')).toBe(0.25);
    await expectEvaluated(again, 'noise1');
    await screenshot(again, 'storage-03-after-crash');
    expect(log2.errors, failWithLog(log2)).toEqual([]);
    await again.close();
  });
});

// ---- 3. two pages on one graph ---------------------------------------------------------------

describe('3. two pages on one graph', () => {
  const b = scenarioBrowser();
  let a: Page;
  let bp: Page;
  let logA: PageLog;
  let logB: PageLog;
  let id = '';
  afterAll(async () => {
    for (const l of [logA, logB]) if (l?.errors.length) console.error(failWithLog(l));
    await a?.close();
    await bp?.close();
  });

  it('an edit saved in page A shows in page B without a reload, with a notice', async () => {
    a = await b.get().context.newPage();
    logA = watchPage(a);
    id = await openApp(a);
    await loadDoc(a, smallDoc('Shared'));
    bp = await b.get().context.newPage();
    logB = watchPage(bp);
    expect(await openApp(bp, { id })).toBe(id);
    expect(content(await graph(bp))).toEqual(content(await graph(a)));

    await setParam(a, 'noise1', 'sigma', '0.2');
    await waitSaved(a);
    await expect.poll(async () => param(await graph(bp), 'noise1', 'sigma'), { timeout: 5000 }).toBe(0.2);
    await expect.poll(async () => bp.locator(tid('notice')).textContent(), { timeout: 5000 }).toMatch(/updated from another tab/i);
    expect(await saveState(bp)).toBe('saved');
    expect(await bp.locator(tid('conflict-banner')).count()).toBe(0);
    await waitIdle(bp);
    await screenshot(bp, 'storage-04-b-updated');
  });

  it('an unsaved edit in B while A saves: B shows the conflict, nothing is overwritten, "keep mine" makes a new graph', async () => {
    const revBefore = (await storedRow(a, id))!.rev;
    // B edits (its autosave waits 300 ms for more typing); meanwhile A edits the same param
    // and saves at once, so A's save lands first and B's edit is unsaved when it arrives
    const t0 = Date.now();
    await commitParam(bp, 'noise1', 'sigma', '0.3');
    await commitParam(a, 'noise1', 'sigma', '0.35');
    await a.evaluate(() => (window as unknown as W).__pixelLoom.flush());
    const ms = Date.now() - t0;
    expect(await saveState(a), `A saved ${ms} ms after B's edit; if A is in conflict, B's save landed first and the setup lost its race`).toBe('saved');

    await bp.locator(tid('conflict-banner')).waitFor({ timeout: 10_000 });
    expect(await bp.locator(tid('save-status')).getAttribute('data-state')).toBe('conflict');
    await screenshot(bp, 'storage-05-conflict');
    // the library row holds A's version; B still shows its own
    const stored = (await storedRow(a, id))!;
    expect(stored.rev).toBe(revBefore + 1);
    expect(param(JSON.parse(stored.text) as Doc, 'noise1', 'sigma')).toBe(0.35);
    expect(param(await graph(bp), 'noise1', 'sigma')).toBe(0.3);
    expect(param(await graph(a), 'noise1', 'sigma')).toBe(0.35);
    // B does not save over A, even when asked to
    await bp.evaluate(() => (window as unknown as W).__pixelLoom.flush());
    expect((await storedRow(a, id))!.rev).toBe(revBefore + 1);

    await bp.locator(tid('conflict-keep-mine')).click();
    const mine = await waitOtherGraph(bp, id);
    await waitSaved(bp);
    expect(await bp.locator(tid('conflict-banner')).count()).toBe(0);
    const mineRow = (await storedRow(bp, mine))!;
    expect(mineRow.name).toBe('Shared (my version)');
    expect(param(JSON.parse(mineRow.text) as Doc, 'noise1', 'sigma')).toBe(0.3);
    expect(param(await graph(bp), 'noise1', 'sigma')).toBe(0.3);
    // A's version is untouched, and A is not bothered
    const theirs = (await storedRow(a, id))!;
    expect(theirs.rev).toBe(revBefore + 1);
    expect(param(JSON.parse(theirs.text) as Doc, 'noise1', 'sigma')).toBe(0.35);
    expect(await graphId(a)).toBe(id);
    expect(await saveState(a)).toBe('saved');
    expect((await library(a)).map((r) => r.id).sort()).toEqual([id, mine].sort());
    // the library view lists both
    await bp.locator(tid('library')).click();
    await bp.locator(tid('library-view')).waitFor();
    await expect.poll(async () => (await bp.locator(tid('library-item')).evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).sort()).toEqual([id, mine].sort());
    await screenshot(bp, 'storage-06-keep-mine-library');
    await bp.locator(tid('library-close')).click();
    expect(logA.errors, failWithLog(logA)).toEqual([]);
    expect(logB.errors, failWithLog(logB)).toEqual([]);
  });
});

// ---- 4. export → import ----------------------------------------------------------------------

describe('4. export → import round trip', () => {
  const b = scenarioBrowser();

  it('imports an exported file as a new library graph whose export is byte-identical', async () => {
    const page = await b.get().context.newPage();
    const log = watchPage(page);
    const id = await openApp(page);
    await loadDoc(page, smallDoc('Round trip'));
    await setParam(page, 'noise1', 'sigma', '0.15');
    await settled(page);
    const first = await downloadFrom(page, 'export');
    expect(first.name).toBe('round-trip.graph.json');
    const text = first.bytes.toString('utf8');
    const exported = JSON.parse(text) as Doc;
    expect(content(exported)).toEqual(content(await graph(page)));
    // canonical layout: two-space JSON with a final newline
    expect(text).toBe(`${JSON.stringify(exported, null, 2)}\n`);
    const libBefore = await library(page);

    await importFile(page, { name: first.name, mimeType: 'application/json', buffer: first.bytes });
    const imported = await waitOtherGraph(page, id);
    await waitIdle(page);
    await waitSaved(page);
    await expect.poll(async () => page.locator(tid('notice')).textContent()).toMatch(/imported/i);
    const libAfter = await library(page);
    expect(libAfter.map((r) => r.id).sort()).toEqual([...libBefore.map((r) => r.id), imported].sort());
    // the library already has "Round trip" (the exported graph): the import is "Round trip (2)"
    expect(libAfter.find((r) => r.id === imported)?.name).toBe('Round trip (2)');
    // the earlier graph is unchanged
    const old = libBefore.find((r) => r.id === id)!;
    expect(libAfter.find((r) => r.id === id)).toEqual(old);
    await expectEvaluated(page, 'noise1');

    const second = await downloadFrom(page, 'export');
    expect(second.name).toBe('round-trip-2.graph.json');
    // byte-identical but for the name
    expect(second.bytes.toString('utf8')).toBe(text.replace('"name": "Round trip"', '"name": "Round trip (2)"'));
    await screenshot(page, 'storage-07-imported');
    expect(log.errors, failWithLog(log)).toEqual([]);
    await page.close();
  });
});

// ---- 5. self-contained export ----------------------------------------------------------------

describe('5. a self-contained export opens with its image in a fresh browser', () => {
  const b = scenarioBrowser();
  const fresh = scenarioBrowser();

  it('embeds the picked image as a data: URL; importing it elsewhere stores and evaluates the image', async () => {
    const page = await b.get().context.newPage();
    const log = watchPage(page);
    await openApp(page);
    await loadDoc(page, smallDoc('Portable'));
    const asset = await pickImage(page, 'load1', PICKED);
    await waitIdle(page);
    await waitSaved(page);
    const noiseHere = await readPixels(page, thumb('noise1'));
    const file = await downloadFrom(page, 'export-embedded');
    expect(file.name).toMatch(/\.graph\.json$/);
    const doc = JSON.parse(file.bytes.toString('utf8')) as Doc;
    const src = String(param(doc, 'load1', 'source'));
    expect(src).toMatch(/^data:image\/png;base64,/);
    expect(Buffer.from(src.slice(src.indexOf(',') + 1), 'base64').equals(readFileSync(PICKED))).toBe(true);
    expect(log.errors, failWithLog(log)).toEqual([]);

    const other = await fresh.get().context.newPage();
    const log2 = watchPage(other);
    const first = await openApp(other);
    expect((await library(other)).map((r) => r.id)).toEqual([first]);
    await importFile(other, { name: file.name, mimeType: 'application/json', buffer: file.bytes });
    const imported = await waitOtherGraph(other, first);
    await waitIdle(other);
    await waitSaved(other);
    const opened = await graph(other);
    // the data: URL became a stored asset with the same content id
    expect(param(opened, 'load1', 'source')).toBe(asset);
    expect(content({ ...opened, nodes: opened.nodes.map((n) => (n.id === 'load1' ? { ...n, params: { source: src } } : n)) })).toEqual(content(doc));
    await expectEvaluated(other, 'load1');
    await expectEvaluated(other, 'noise1');
    expect(await previewShape(other, 'load1')).toBe(PICKED_SHAPE);
    expect(compareGray(await readPixels(other, thumb('noise1')), noiseHere).maxAbs).toBe(0);
    await screenshot(other, 'storage-08-self-contained-imported');
    // it stays there: reloading the imported graph still shows the image (from the library)
    await other.reload();
    await other.waitForFunction(() => !!(window as unknown as { __pixelLoom?: unknown }).__pixelLoom);
    await waitIdle(other);
    expect(await graphId(other)).toBe(imported);
    await expectEvaluated(other, 'load1');
    expect(await previewShape(other, 'load1')).toBe(PICKED_SHAPE);
    expect(log2.errors, failWithLog(log2)).toEqual([]);
    await other.close();
    await page.close();
  });
});

// ---- 6. PNG with the graph inside ------------------------------------------------------------

describe('6. PNG export carries the graph; dropping it back opens it', () => {
  const b = scenarioBrowser();

  it('exports the previewed output as a PNG with an iTXt graph chunk, and the dropped PNG opens the same graph', async () => {
    const page = await b.get().context.newPage();
    const log = watchPage(page);
    const id = await openApp(page);
    await loadDoc(page, smallDoc('Png trip'));
    await setParam(page, 'noise1', 'sigma', '0.05');
    await waitIdle(page);
    await waitSaved(page);
    expect(await previewShape(page, 'noise1')).toBe(CAMERA_SHAPE);
    const shown = await graph(page);
    const png = await downloadFrom(page, 'export-png');
    expect(png.name).toBe('png-trip-noise1.png');
    expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const bytes = new Uint8Array(png.bytes);
    expect(isPng(bytes)).toBe(true);
    expect(pngHeader(png.bytes)).toMatchObject({ width: 256, height: 256, depth: 8 });
    const text = readGraphFromPng(bytes);
    expect(text, 'the PNG carries no pixel-loom.graph chunk').not.toBeNull();
    expect(content(JSON.parse(text!) as Doc)).toEqual(content(shown));
    // the PNG shows the noisy photo (decoded by the browser)
    const stats = await page.evaluate(async (b64) => {
      const bin = atob(b64);
      const u = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i);
      const bmp = await createImageBitmap(new Blob([u], { type: 'image/png' }));
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const ctx = c.getContext('2d')!;
      ctx.drawImage(bmp, 0, 0);
      const d = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < d.length; i += 4) seen.add(d[i]!);
      return { distinct: seen.size, gray: d[0] === d[1] && d[1] === d[2] };
    }, png.bytes.toString('base64'));
    expect(stats.distinct).toBeGreaterThan(100);
    expect(stats.gray).toBe(true);
    const libBefore = await library(page);

    await dropFile(page, { name: png.name, mimeType: 'image/png', buffer: png.bytes });
    const imported = await waitOtherGraph(page, id);
    await waitIdle(page);
    await waitSaved(page);
    // the same graph, named "Png trip (2)": the library already has "Png trip"
    expect(content(await graph(page))).toEqual(content({ ...shown, name: 'Png trip (2)' }));
    // a new graph, not a load node: the library has one more row, the canvas has no extra node
    expect((await library(page)).map((r) => r.id).sort()).toEqual([...libBefore.map((r) => r.id), imported].sort());
    expect((await graph(page)).nodes.map((n) => n.id)).toEqual(['load1', 'noise1']);
    await expectEvaluated(page, 'noise1');
    await screenshot(page, 'storage-09-png-dropped');
    expect(log.errors, failWithLog(log)).toEqual([]);
    await page.close();
  });
});

// ---- 7. malformed files ----------------------------------------------------------------------

describe('7. malformed files are refused and the library is unchanged', () => {
  const b = scenarioBrowser();
  let page: Page;
  let log: PageLog;
  let id = '';
  let shown: Doc;
  let lib: Row[] = [];
  afterAll(async () => {
    if (log?.errors.length) console.error(failWithLog(log));
    await page?.close();
  });

  /** Imports `text`; returns the import-issue texts after checking nothing changed. */
  async function refused(name: string, text: string): Promise<string[]> {
    // start from no notice, so the one checked below is this import's
    await dismissNotice(page);
    await importFile(page, { name, mimeType: 'application/json', buffer: Buffer.from(text) });
    await expect.poll(async () => page.locator(tid('notice')).textContent()).toMatch(new RegExp(`^Cannot import ${name.replace(/\./g, '\\.')}: .*library is unchanged`, 'i'));
    const issues = await importIssues(page);
    expect(await graphId(page)).toBe(id);
    expect(content(await graph(page))).toEqual(content(shown));
    expect(await library(page)).toEqual(lib);
    return issues;
  }

  it('broken JSON: an import issue says it is not JSON', async () => {
    page = await b.get().context.newPage();
    log = watchPage(page);
    id = await openApp(page);
    await loadDoc(page, smallDoc('Keep me'));
    await settled(page);
    shown = await graph(page);
    lib = await library(page);
    expect(lib.map((r) => r.id)).toEqual([id]);
    const issues = await refused('broken.graph.json', '{"format": "pixel-loom.graph", "version": 1, "nodes": [');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/not JSON/i);
    await screenshot(page, 'storage-10-broken-json');
  });

  it('bad params: import issues name each path (nodes[1].params.sigma, nodes[1].params.seed)', async () => {
    const bad = smallDoc('Bad params') as Doc & { nodes: { params: Record<string, unknown> }[] };
    bad.nodes[1]!.params.sigma = 'loud';
    bad.nodes[1]!.params.seed = -3.5;
    const issues = await refused('bad-params.graph.json', JSON.stringify(bad, null, 2));
    expect(issues.length).toBeGreaterThanOrEqual(2);
    expect(issues.some((t) => t.startsWith('nodes[1].params.sigma'))).toBe(true);
    expect(issues.some((t) => t.startsWith('nodes[1].params.seed'))).toBe(true);
    await screenshot(page, 'storage-11-bad-params');
  });

  it('a newer version (99): an import issue names the version', async () => {
    const newer = { ...smallDoc('From the future'), version: 99 };
    const issues = await refused('newer.graph.json', JSON.stringify(newer, null, 2));
    expect(issues.some((t) => t.startsWith('version') && /99/.test(t))).toBe(true);
    await screenshot(page, 'storage-12-newer-version');
  });

  it('the import issues are readable: nothing (the refusal notice) is drawn over them', async () => {
    const bad = smallDoc('Bad params') as Doc & { nodes: { params: Record<string, unknown> }[] };
    bad.nodes[1]!.params.sigma = 'loud';
    const issues = await refused('bad-params.graph.json', JSON.stringify(bad, null, 2));
    expect(issues).toHaveLength(1);
    // checked while the notice "Cannot import … The library is unchanged." is still shown
    expect(await page.locator(tid('notice')).count()).toBe(1);
    // after the notice's entry animation
    await page.locator('.pl-notice').evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
    const covered = await page.locator(tid('import-issue')).first().evaluate((el) => {
      const r = el.getBoundingClientRect();
      for (const fx of [0.1, 0.5, 0.9]) {
        const hit = document.elementFromPoint(r.left + r.width * fx, r.top + r.height / 2);
        if (!hit || !el.contains(hit)) return hit ? `<${hit.tagName.toLowerCase()} class="${hit.className}"> "${(hit.textContent ?? '').trim().slice(0, 80)}" at ${Math.round(fx * 100)}% of the item's width` : 'nothing';
      }
      return null;
    });
    expect(covered, 'the first import-issue item is covered').toBeNull();
  });

  it('a PNG without a graph given to Import: a notice says there is no graph in it', async () => {
    await dismissNotice(page);
    await importFile(page, { name: 'camera.png', mimeType: 'image/png', buffer: readFileSync(path.join(ROOT, 'graphs', 'assets', 'camera.png')) });
    await expect.poll(async () => page.locator(tid('notice')).textContent(), { timeout: 10_000 }).toMatch(/camera\.png is a PNG without a pixel-loom graph/);
    expect(await graphId(page)).toBe(id);
    expect(content(await graph(page))).toEqual(content(shown));
    expect(await library(page)).toEqual(lib);
    expect(log.errors, failWithLog(log)).toEqual([]);
  });
});

// ---- 8. unknown node types -------------------------------------------------------------------

describe('8. a node of an unknown type is kept as a placeholder and written back unchanged', () => {
  const b = scenarioBrowser();

  it('imports a file with a vendor.unknownThing node: a placeholder on the canvas, the stored text and the export byte-identical', async () => {
    const page = await b.get().context.newPage();
    const log = watchPage(page);
    const id = await openApp(page);
    const doc = smallDoc('Vendor graph') as Doc & { ui: unknown };
    const vendorParams = { strength: 0.75, mode: 'swirl', curve: [0, 0.5, 1], nested: { a: null, b: 'x', deeper: [{ k: true }] } };
    doc.nodes.push({ id: 'vendor1', type: 'vendor.unknownThing', params: vendorParams, position: { x: 320, y: 460 } });
    doc.edges.push({ from: { node: 'load1', port: 'image' }, to: { node: 'vendor1', port: 'input' } });
    // an exported file carries its viewport; with it the export is byte-identical
    doc.ui = { viewport: { x: 100, y: 50, zoom: 1 } };
    const text = `${JSON.stringify(doc, null, 2)}\n`;

    await importFile(page, { name: 'vendor.graph.json', mimeType: 'application/json', buffer: Buffer.from(text) });
    const imported = await waitOtherGraph(page, id);
    await settled(page);
    await expect.poll(async () => page.locator(tid('notice')).textContent()).toMatch(/^Imported "Vendor graph"/);
    expect(await page.locator(tid('import-issue')).count()).toBe(0);
    // the placeholder: on the canvas with its type, its params shown, marked as unknown
    const node = page.locator(tid('node-vendor1'));
    await node.waitFor({ state: 'visible' });
    expect(await node.getAttribute('data-node-type')).toBe('vendor.unknownThing');
    expect(await node.getAttribute('class')).toMatch(/\bplaceholder\b/);
    expect(await node.textContent()).toContain('Unknown node type “vendor.unknownThing” — kept as it is');
    expect((await graph(page)).nodes.find((n) => n.id === 'vendor1')?.params).toEqual(vendorParams);
    // the known nodes evaluate as usual
    await expectEvaluated(page, 'noise1');
    await screenshot(page, 'storage-13-unknown-node');

    // the library row (after the thumbnail save) holds the imported text byte for byte
    expect((await storedRow(page, imported))!.text).toBe(text);
    const exported = await downloadFrom(page, 'export');
    expect(exported.name).toBe('vendor-graph.graph.json');
    expect(exported.bytes.toString('utf8')).toBe(text);

    // an edit elsewhere is autosaved with the placeholder unchanged
    await setParam(page, 'noise1', 'sigma', '0.2');
    await waitSaved(page);
    const edited = text.replace('"sigma": 0.1,', '"sigma": 0.2,');
    expect(edited).not.toBe(text);
    await expect.poll(async () => (await storedRow(page, imported))!.text, { timeout: 5000 }).toBe(edited);
    expect(log.errors, failWithLog(log)).toEqual([]);
    await page.close();
  });

  it('?id= of a graph not in the library: the library opens and says why at its top (the notice is behind it)', async () => {
    const page = await b.get().context.newPage();
    const log = watchPage(page);
    await openEditor(page, server.url, { backend: 'wasm', id: 'no-such-graph' });
    await page.locator(tid('library-view')).waitFor();
    expect(await page.locator(tid('library-reason')).textContent()).toBe('There is no graph no-such-graph in the library (it may have been deleted for good). Pick a graph in the library.');
    // the editor went on with the last opened graph
    expect((await storedRow(page, (await graphId(page))!))!.name).toBe('Vendor graph');
    await screenshot(page, 'storage-14-no-such-id');
    await page.locator(tid('library-close')).click();
    await page.locator(tid('library-view')).waitFor({ state: 'detached' });
    // the reason belongs to that opening only
    await page.locator(tid('library')).click();
    await page.locator(tid('library-view')).waitFor();
    expect(await page.locator(tid('library-reason')).count()).toBe(0);
    expect(log.errors, failWithLog(log)).toEqual([]);
    await page.close();
  });
});
