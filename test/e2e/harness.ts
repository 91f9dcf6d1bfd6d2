/**
 * End-to-end harness: serve the built app with `vite preview` on 127.0.0.1 and drive Debian's
 * Chromium through playwright-core. Never downloads a browser: when /usr/bin/chromium is
 * missing the tests fail with a message that says how to install it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = path.join(ROOT, 'dist');
export const ARTIFACTS = path.join(ROOT, 'tmp', 'e2e-artifacts');
export const CHROMIUM = process.env.PIXEL_LOOM_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Throws a clear message when the browser is missing (CI installs it; no skipping). */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `e2e: ${CHROMIUM} is missing. The end-to-end tests drive Debian's Chromium and never download a browser: ` +
        `install it with "apt-get install chromium" (.ci/run does this on a fresh machine).`,
    );
  }
}

export function requireBuild(): void {
  if (!existsSync(path.join(DIST, 'index.html'))) {
    throw new Error(`e2e: ${path.relative(ROOT, DIST)}/index.html is missing: build the app first ("npm run test:e2e" runs "vite build" before the tests)`);
  }
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface Server {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** `vite preview` of dist/ on a free port (COOP/COEP headers come from vite.config.ts). */
export async function startPreviewServer(): Promise<Server> {
  requireBuild();
  let lastErr: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
    const child = spawn(process.execPath, [vite, 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    let log = '';
    child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitForHttp(url + '/', child, 30_000, () => log);
      return { url, port, close: () => stop(child) };
    } catch (err) {
      lastErr = err;
      await stop(child);
    }
  }
  throw lastErr;
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number, log: () => string): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`e2e: vite preview exited with code ${child.exitCode}: ${log().trim()}`);
    try {
      const r = await fetch(url);
      if (r.ok) {
        const coop = r.headers.get('cross-origin-opener-policy');
        if (coop !== 'same-origin') throw new Error(`e2e: ${url} is served without COOP same-origin (got ${coop}); check vite.config.ts preview.headers`);
        return;
      }
    } catch (err) {
      if ((err as Error).message.startsWith('e2e:')) throw err;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`e2e: vite preview did not answer on ${url} within ${timeoutMs} ms: ${log().trim()}`);
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Debian's Chromium, headless, with a fresh user-data-dir (WebGPU through SwiftShader). */
export async function launchBrowser(opts: { viewport?: { width: number; height: number } } = {}): Promise<Browser> {
  requireChromium();
  const dir = mkdtempSync(path.join(tmpdir(), 'pixel-loom-e2e-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: opts.viewport ?? { width: 1440, height: 900 },
    deviceScaleFactor: 1,
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PageLog {
  readonly errors: string[];
  readonly console: string[];
}

/** Collects page errors and console errors/warnings (printed when a test fails). */
export function watchPage(page: Page): PageLog {
  const log: PageLog = { errors: [], console: [] };
  page.on('pageerror', (e) => log.errors.push(String(e.stack ?? e.message)));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') log.console.push(`${m.type()}: ${m.text()}`.slice(0, 2000));
  });
  page.on('crash', () => log.errors.push('page crashed'));
  return log;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
