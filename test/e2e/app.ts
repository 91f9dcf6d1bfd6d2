/**
 * Page helpers for the editor, written against the test hooks the editor exposes (data-testid
 * attributes, window.__pixelLoom). They act as a user would: typing in the palette, dragging
 * nodes by their title, dragging wires from socket to socket with the mouse.
 */
import type { Locator, Page } from 'playwright-core';

export interface DocNode {
  id: string;
  type: string;
  params?: Record<string, unknown>;
  position?: { x: number; y: number };
  mode?: string;
  component?: string;
}
export interface DocEdge {
  from: { node: string; port: string };
  to: { node: string; port: string };
  reroute?: { x: number; y: number }[];
}
export interface Doc {
  nodes: DocNode[];
  edges: DocEdge[];
  [k: string]: unknown;
}

type Hooks = {
  document(): Doc;
  idle(): Promise<void>;
  loadDocument(doc: unknown): unknown;
  backend(): { name: string };
};

export const tid = (id: string): string => `[data-testid="${id}"]`;

export async function openEditor(page: Page, baseUrl: string, query: Record<string, string> = {}): Promise<void> {
  const q = new URLSearchParams(query).toString();
  await page.goto(`${baseUrl}/${q ? `?${q}` : ''}`);
  await page.waitForFunction(() => !!(window as unknown as { __pixelLoom?: unknown }).__pixelLoom, undefined, { timeout: 60_000 });
  await waitIdle(page);
}

/** Resolves when nothing is queued or running and previews are delivered. */
export async function waitIdle(page: Page, timeoutMs = 120_000): Promise<void> {
  await page.evaluate(
    (t) =>
      Promise.race([
        (window as unknown as { __pixelLoom: Hooks }).__pixelLoom.idle(),
        new Promise((_, reject) => setTimeout(() => reject(new Error(`the editor was not idle after ${t} ms`)), t)),
      ]),
    timeoutMs,
  );
}

export function graph(page: Page): Promise<Doc> {
  return page.evaluate(() => JSON.parse(JSON.stringify((window as unknown as { __pixelLoom: Hooks }).__pixelLoom.document())) as Doc);
}

export async function backendName(page: Page): Promise<string | null> {
  return page.locator(tid('backend')).getAttribute('data-backend');
}

/** Types `query` into the palette search and clicks the entry of `type`; returns the new node's id. */
export async function addFromPalette(page: Page, query: string, type: string): Promise<string> {
  const before = new Set((await graph(page)).nodes.map((n) => n.id));
  const search = page.locator(tid('palette-search'));
  if (!(await search.isVisible())) {
    // the palette may be collapsed behind a button or the Space/Tab shortcut
    await page.keyboard.press('Escape');
  }
  await search.click();
  await search.fill(query);
  const item = page.locator(tid(`palette-item-${type}`));
  await item.waitFor({ state: 'visible', timeout: 10_000 });
  await item.click();
  await page.waitForFunction(
    ([ids, t]) => (window as unknown as { __pixelLoom: Hooks }).__pixelLoom.document().nodes.some((n) => n.type === t && !(ids as string[]).includes(n.id)),
    [[...before], type] as const,
    { timeout: 10_000 },
  );
  const added = (await graph(page)).nodes.find((n) => n.type === type && !before.has(n.id));
  if (!added) throw new Error(`no ${type} node was added`);
  await page.locator(tid(`node-${added.id}`)).waitFor({ state: 'visible' });
  return added.id;
}

function centre(b: { x: number; y: number; width: number; height: number }): { x: number; y: number } {
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

async function box(l: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  await l.scrollIntoViewIfNeeded().catch(() => undefined);
  const b = await l.boundingBox();
  if (!b) throw new Error(`${await l.evaluate((e) => e.getAttribute('data-testid'))} has no box (not visible)`);
  return b;
}

/** Drags node `id` by its title bar so that its top-left corner lands at screen point (x, y). */
export async function dragNodeTo(page: Page, id: string, x: number, y: number): Promise<void> {
  const node = page.locator(tid(`node-${id}`));
  const b = await box(node);
  // grab a point of the title bar: left part of the top strip, away from sockets and controls
  const gx = b.x + Math.min(60, b.width / 3);
  const gy = b.y + 12;
  const grabbed = await page.evaluate(
    ([px, py, nid]) => {
      const el = document.elementFromPoint(px!, py!);
      const ok = !!el && !!el.closest(`[data-testid="node-${nid}"]`) && !el.closest('input, select, button, textarea, [data-testid^="socket-"]');
      return ok ? null : (el?.outerHTML.slice(0, 160) ?? 'nothing');
    },
    [gx, gy, id] as const,
  );
  if (grabbed) throw new Error(`dragNodeTo(${id}): the point (${gx}, ${gy}) is not on the node's title: ${grabbed}`);
  await page.mouse.move(gx, gy);
  await page.mouse.down();
  await page.mouse.move(gx + (x - b.x) / 2, gy + (y - b.y) / 2, { steps: 6 });
  await page.mouse.move(gx + (x - b.x), gy + (y - b.y), { steps: 6 });
  await page.mouse.up();
}

/** Drags a wire with the mouse from an output socket to an input socket. */
export async function dragWire(page: Page, from: [string, string], to: [string, string]): Promise<void> {
  const a = centre(await box(page.locator(tid(`socket-${from[0]}-out-${from[1]}`))));
  const b = centre(await box(page.locator(tid(`socket-${to[0]}-in-${to[1]}`))));
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2 + 20, { steps: 8 });
  await page.mouse.move(b.x, b.y, { steps: 8 });
  await page.mouse.up();
}

export function hasEdge(doc: Doc, from: [string, string], to: [string, string]): boolean {
  return doc.edges.some((e) => e.from.node === from[0] && e.from.port === from[1] && e.to.node === to[0] && e.to.port === to[1]);
}

export interface Pixels {
  width: number;
  height: number;
  /** 8-bit gray (mean of RGB) per pixel, row-major. */
  gray: number[];
  min: number;
  max: number;
  mean: number;
  distinct: number;
  revision: string | null;
}

/** Reads the pixels of an <img> or <canvas> (thumbnail, preview) as the page shows them. */
export async function readPixels(page: Page, selector: string): Promise<Pixels> {
  return page.locator(selector).evaluate(async (el) => {
    let src: CanvasImageSource;
    let w: number;
    let h: number;
    if (el instanceof HTMLImageElement) {
      await el.decode().catch(() => undefined);
      src = el;
      w = el.naturalWidth;
      h = el.naturalHeight;
    } else if (el instanceof HTMLCanvasElement) {
      src = el;
      w = el.width;
      h = el.height;
    } else {
      const inner = el.querySelector('img, canvas');
      if (!inner) throw new Error(`${el.getAttribute('data-testid')} is neither an <img> nor a <canvas> and holds none`);
      if (inner instanceof HTMLImageElement) await inner.decode().catch(() => undefined);
      src = inner as HTMLImageElement | HTMLCanvasElement;
      w = inner instanceof HTMLImageElement ? inner.naturalWidth : (inner as HTMLCanvasElement).width;
      h = inner instanceof HTMLImageElement ? inner.naturalHeight : (inner as HTMLCanvasElement).height;
    }
    if (!w || !h) throw new Error(`${el.getAttribute('data-testid')} has no pixels yet (${w}×${h})`);
    const c = document.createElement('canvas');
    c.width = w;
    c.height = h;
    const ctx = c.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(src, 0, 0);
    const d = ctx.getImageData(0, 0, w, h).data;
    const gray: number[] = new Array(w * h);
    let min = 255, max = 0, sum = 0;
    const seen = new Set<number>();
    for (let i = 0; i < w * h; i++) {
      const g = Math.round((d[i * 4]! + d[i * 4 + 1]! + d[i * 4 + 2]!) / 3);
      gray[i] = g;
      if (g < min) min = g;
      if (g > max) max = g;
      sum += g;
      seen.add(g);
    }
    return { width: w, height: h, gray, min, max, mean: sum / (w * h), distinct: seen.size, revision: el.getAttribute('data-revision') };
  });
}

export function thumb(id: string): string {
  return tid(`thumb-${id}`);
}

/** Mean absolute difference and max difference of two equally sized gray arrays. */
export function compareGray(a: Pixels, b: Pixels): { maxAbs: number; meanAbs: number } {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`pixel shapes differ: ${a.width}×${a.height} vs ${b.width}×${b.height}`);
  let max = 0, sum = 0;
  for (let i = 0; i < a.gray.length; i++) {
    const d = Math.abs(a.gray[i]! - b.gray[i]!);
    if (d > max) max = d;
    sum += d;
  }
  return { maxAbs: max, meanAbs: sum / a.gray.length };
}

/** Parses a number as the editor prints it (∞, −, thin spaces). */
export function parseShown(text: string | null): number {
  const t = (text ?? '').replace(/[\u2009\u202f\s]/g, '').replace(/−/g, '-');
  if (t === '∞' || t === '+∞') return Infinity;
  if (t === '-∞') return -Infinity;
  const m = /-?\d+(\.\d+)?(e-?\d+)?/i.exec(t);
  if (!m) throw new Error(`not a number: "${text}"`);
  return Number(m[0]);
}
