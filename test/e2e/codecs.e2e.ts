/**
 * End-to-end: the browser decodes image files with the same decoders as the CLI — PNG (ours),
 * JPEG (libjpeg-turbo) and WebP (libwebp) as WebAssembly in the evaluation worker — to the
 * same pixels, EXIF orientation included, and a damaged file is an error on its node.
 * Files: the conformance suite (test/fixtures/conformance), given to image.load as data URLs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/nodes/lib/codec';
import { openEditor, tid, waitIdle } from './app';
import { CHROMIUM, launchBrowser, ROOT, startPreviewServer, watchPage, type Browser, type Server } from './harness';
import { existsSync } from 'node:fs';

const DIR = path.join(ROOT, 'test', 'fixtures', 'conformance');
const FILES = [
  'png/ct0_d1_i_33x17_trns.png',
  'png/ct0_d16_p_7x5.png',
  'png/ct2_d16_i_33x17_trns.png',
  'png/ct3_d2_i_7x5.png',
  'png/ct3_d8_p_33x17_trns.png',
  'png/ct4_d8_i_33x17.png',
  'png/ct6_d16_i_7x5_plte.png',
  'png/pil_palette_adaptive.png',
  'png/exif_orientation6.png',
  'jpeg/pil_420_base_q90_17x13.jpg',
  'jpeg/pil_422_prog_q90_33x47.jpg',
  'jpeg/cjpeg_411_29x37.jpg',
  'jpeg/cjpeg_420_restart1row_29x37.jpg',
  'jpeg/pil_gray_250x3.jpg',
  'jpeg/pil_cmyk_56x40.jpg',
  'jpeg/exif_orientation6.jpg',
  'jpeg/exif_orientation7.jpg',
  'webp/pil_lossy_q80_17x13.webp',
  'webp/pil_lossless_48x64.webp',
  'webp/pil_alpha_lossy_99x5.webp',
  'webp/cwebp_alpha_q20_35x27.webp',
  'webp/exif_orientation8.webp',
];
const MIME: Record<string, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };
const bytesOf = (f: string): Uint8Array => new Uint8Array(readFileSync(path.join(DIR, f)));
const dataUrl = (f: string, b = bytesOf(f)): string => `data:${MIME[f.split('/')[0]!]};base64,${Buffer.from(b).toString('base64')}`;

let server: Server;
let browser: Browser;

beforeAll(async () => {
  if (existsSync(CHROMIUM)) browser = await launchBrowser({ viewport: { width: 1400, height: 900 } });
  server = await startPreviewServer();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

type Out = { width: number; height: number; channels: number; samples: number[] };
type Hooks = { loadDocument(d: unknown): Promise<void>; output(node: string, port: string): Promise<Out> };

describe('image decoders in the browser', () => {
  it('decode the conformance files to the same pixels as the CLI; damaged files are errors on their nodes', async () => {
    const page = await browser.context.newPage();
    const log = watchPage(page);
    try {
      await openEditor(page, server.url, { backend: 'wasm' });
      const png = bytesOf('png/ct2_d8_p_33x17_trns.png');
      const jpg = bytesOf('jpeg/pil_420_base_q90_33x47.jpg');
      const nodes = [
        ...FILES.map((f, i) => ({ id: `n${i}`, type: 'image.load', params: { source: dataUrl(f) }, position: { x: (i % 6) * 260, y: Math.floor(i / 6) * 260 } })),
        { id: 'badpng', type: 'image.load', params: { source: dataUrl('png/x.png', png.subarray(0, png.length - 30)) }, position: { x: 0, y: 1100 } },
        { id: 'badjpg', type: 'image.load', params: { source: dataUrl('jpeg/x.jpg', jpg.subarray(0, jpg.length - 2)) }, position: { x: 260, y: 1100 } },
      ];
      await page.evaluate((d) => (window as unknown as { __pixelLoom: Hooks }).__pixelLoom.loadDocument(d), {
        format: 'pixel-loom.graph',
        version: 2,
        name: 'codecs',
        nodes,
        edges: [],
      });
      await waitIdle(page, 180_000);
      for (const [i, f] of FILES.entries()) {
        const got = await page.evaluate((id) => (window as unknown as { __pixelLoom: Hooks }).__pixelLoom.output(id, 'image'), `n${i}`);
        const want = await decodeImage(bytesOf(f), { name: f });
        expect([got.width, got.height, got.channels], f).toEqual([want.width, want.height, want.channels]);
        const same = got.samples.every((v, k) => v === Math.round(want.data[k]! * 65535));
        expect(same && got.samples.length === want.data.length, `${f}: the browser's pixels equal the CLI's`).toBe(true);
      }
      // image.load shows the stored size and the EXIF orientation on the node
      expect(await page.locator(tid(`summary-n${FILES.indexOf('jpeg/exif_orientation6.jpg')}`)).textContent()).toBe('JPEG 30×18, EXIF rotated 90° clockwise: shown upright (18×30)');
      expect(await page.locator(tid('summary-n0')).textContent()).toBe('PNG 33×17');
      for (const [id, why] of [
        ['badpng', /is truncated or corrupt: the file ends (inside its|before the PNG end marker)/],
        ['badjpg', /is truncated or corrupt: the JPEG ends before its end-of-image marker/],
      ] as const) {
        expect(await page.locator(tid(`status-${id}`)).getAttribute('data-status')).toBe('error');
        expect(await page.locator(`${tid(`node-${id}`)} .note.err`).textContent()).toMatch(why);
      }
      expect(log.errors).toEqual([]);
    } catch (e) {
      throw new Error(`${e instanceof Error ? e.message : String(e)}\npage errors: ${log.errors.join('\n')}\nconsole: ${log.console.slice(-10).join('\n')}`);
    } finally {
      await page.close();
    }
  }, 300_000);
});
