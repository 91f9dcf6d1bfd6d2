/**
 * The run state and the engine client of the editor shell: starting the evaluation worker
 * (and replacing one that does not stop), the backend and memory choices (remembered in
 * localStorage), giving the worker the stored images a graph uses, and loading a document
 * into the canvas (DESIGN.md §5: the worker evaluates, the page only shows).
 */
import { parseBackendPreference, type BackendPreference } from '../../engine/backend';
import { GraphFileError } from '../../engine/errors';
import { hashBytes } from '../../engine/signature';
import type { GraphDocument } from '../../engine/format';
import type { AssetRow } from '../../storage/db';
import { collectAssetIds } from '../../storage/share';
import { EngineClient } from '../engineClient';
import { VIRTUALIZE_ABOVE } from '../logic/lod';
import { takePrefetched } from './prefetch';
import { missingImagesNotice } from '../logic/missingImages';
import { absoluteBase, errorText, mark, type EditorSession } from './session';
import { markRaw } from 'vue';

export const BACKEND_KEY = 'pixel-loom.backend';
export const MEMORY_KEY = 'pixel-loom.memoryLimit';
/** The size cap of the kept previews (persistent results), remembered in this browser. */
export const RESULTS_CAP_KEY = 'pixel-loom.resultsCap';
/** How long a cancelled run may take to stop before the worker is replaced. */
export const STOP_GRACE_MS = 750;

/** `?backend=` of the page, when it names a valid preference. */
export function backendFromUrl(search = location.search): BackendPreference | null {
  const v = new URLSearchParams(search).get('backend');
  if (!v) return null;
  try {
    return parseBackendPreference(v);
  } catch {
    return null;
  }
}

/** The backend the editor starts with: `?backend=`, else the remembered one, else auto. */
export function initialBackend(search: string, remembered: string | null): BackendPreference {
  const forced = backendFromUrl(search);
  if (forced) return forced;
  try {
    return parseBackendPreference(remembered ?? 'auto');
  } catch {
    return 'auto';
  }
}

/** A remembered memory limit (bytes), when it is a positive number. */
export function rememberedLimit(text: string | null): number | null {
  const v = Number(text);
  return text !== null && Number.isFinite(v) && v > 0 ? v : null;
}

export function createEngineSession(s: EditorSession) {
  const { state, run, ui } = s;
  let attachParamWatcher: () => void = () => undefined;

  /** Starts an evaluation worker and its client; run ids continue from `firstRunId`. */
  function startClient(firstRunId: number): EngineClient {
    // ?threads=N (2 … 4) splits large images over N threads for the image kernels (off by default)
    const threadsParam = Number(new URLSearchParams(location.search).get('threads'));
    const c = new EngineClient({ backend: state.preference, firstRunId, ...(threadsParam >= 1 ? { kernelThreads: threadsParam } : {}) });
    s.client = c;
    s.clientRef.value = markRaw(c);
    c.setScope(s.core.value?.components.prefix() ?? '');
    let cap: number | null = null;
    try {
      cap = rememberedLimit(localStorage.getItem(RESULTS_CAP_KEY));
    } catch {
      /* private mode: the default cap */
    }
    c.results(cap !== null ? 'cap' : 'info', cap ?? undefined);
    c.setLimits(state.memoryLimit);
    c.on((m) => {
      if (s.client !== c) return;
      run.push(m);
      if (m.type === 'done' && (window as unknown as { __plDebug?: boolean }).__plDebug) console.log(`run ${m.runId} done in ${Math.round(m.ms)} ms${m.cancelled ? ' (cancelled)' : ''}`);
      if (m.type === 'backend') s.scheduler?.invalidate();
      else if (m.type === 'fatal') s.notice(m.message, 'error');
    });
    return c;
  }

  /**
   * Stop: cancels the running evaluation; the graph stays as it is (nodes not reached go back
   * to idle). A node in the middle of one long synchronous computation cannot see the cancel:
   * when the run has not ended after STOP_GRACE_MS, the worker is terminated and a fresh one
   * started (its cached results are gone; the next edit evaluates again).
   */
  async function stopRun(): Promise<void> {
    const c = s.client;
    if (!c || !run.global.running) return;
    run.stop();
    c.cancel();
    await new Promise((r) => setTimeout(r, STOP_GRACE_MS));
    if (s.client !== c || run.idle) return;
    c.dispose();
    s.sentAssets.clear();
    const fresh = startClient(c.latestRun + 1);
    run.abandon();
    s.notice('Stopped. A node did not stop in time, so the engine was restarted; results are computed again on the next change.', 'info');
    try {
      await fresh.catalogReady();
      if (s.core.value) await sendAssets(s.core.value.document());
    } catch (e) {
      s.notice(`The engine could not restart: ${errorText(e)}`, 'error');
    }
  }

  /** The size cap of the kept previews (the least recently used go beyond it). */
  function setResultsCap(bytes: number): void {
    if (!Number.isFinite(bytes) || bytes <= 0) return;
    try {
      localStorage.setItem(RESULTS_CAP_KEY, String(bytes));
    } catch {
      /* private mode: the choice lasts for this page */
    }
    s.client?.results('cap', bytes);
  }

  function setMemoryLimit(bytes: number): void {
    if (!Number.isFinite(bytes) || bytes <= 0) return;
    state.memoryLimit = bytes;
    try {
      localStorage.setItem(MEMORY_KEY, String(bytes));
    } catch {
      /* private mode: the choice lasts for this page */
    }
    s.client?.setLimits(bytes);
    // Nodes refused (or run) under the old limit are evaluated again under the new one.
    s.scheduler?.invalidate();
  }

  function setBackend(pref: BackendPreference): void {
    state.preference = pref;
    try {
      localStorage.setItem(BACKEND_KEY, pref);
    } catch {
      /* private mode: not remembered */
    }
    s.client?.setBackend(pref);
  }

  /**
   * Sends the worker every stored image the document uses that it does not hold yet (before
   * the document is evaluated). Returns the ids missing from the library; nodes using them
   * show the worker's error for that image.
   */
  async function sendAssets(doc: unknown): Promise<string[]> {
    const c = s.client;
    if (!c) return [];
    const missing: string[] = [];
    for (const id of collectAssetIds(doc as GraphDocument)) {
      if (s.sentAssets.has(id)) continue;
      let row: AssetRow | null = null;
      try {
        row = await s.library.getAsset(id);
      } catch {
        row = null;
      }
      if (!row) {
        missing.push(id);
        continue;
      }
      const bytes = new Uint8Array(await row.bytes.arrayBuffer());
      const got = await c.putAsset(bytes, row.name);
      if (got !== id) s.notice(`The stored image "${row.name}" does not match its id ${id} (its bytes hash to ${got}); the graph may show another image`, 'error');
      s.sentAssets.add(got);
      ui.assetNames[id] = row.name;
    }
    return missing;
  }

  /** Stores a picked or dropped image in the library and gives it to the worker; returns its source id. */
  async function putImage(file: File): Promise<string | null> {
    const c = s.client;
    if (!c) return null;
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const id = `asset:${hashBytes(bytes)}`;
      try {
        const stored = await s.library.putAsset({ bytes, type: file.type || 'application/octet-stream', name: file.name });
        if (stored !== id) throw new Error(`the library stored it as ${stored}, not ${id}`);
      } catch (e) {
        s.notice(`${file.name} is used in this session but was not stored in the library: ${errorText(e)}`, 'error');
      }
      const got = await c.putAsset(bytes, file.name);
      if (got !== id) throw new Error(`the engine names it ${got}, the library ${id}`);
      s.sentAssets.add(id);
      ui.assetNames[id] = file.name;
      return id;
    } catch (e) {
      s.notice(`Cannot use ${file.name}: ${errorText(e)}`, 'error');
      return null;
    }
  }

  /** Bumps ui.paramVersion for a node whenever its params or mode change (node components re-read them). */
  function installParamWatcher(): void {
    let off: (() => void) | null = null;
    attachParamWatcher = (): void => {
      off?.();
      const c = s.core.value;
      if (!c) return;
      off = c.listen((e) => {
        if (e.kind === 'paramChanged' || e.kind === 'modeChanged' || e.kind === 'nodeAdded') {
          const id = e.kind === 'nodeAdded' ? e.node.id : e.id;
          ui.paramVersion[id] = (ui.paramVersion[id] ?? 0) + 1;
        }
      });
    };
    attachParamWatcher();
  }

  async function loadDocument(doc: unknown, base: string, opts: { fit?: boolean } = {}): Promise<void> {
    const c = s.core.value!;
    mark('pl:load-start');
    const count = Array.isArray((doc as { nodes?: unknown[] } | null)?.nodes) ? (doc as { nodes: unknown[] }).nodes.length : 0;
    // A big graph mounts every node lite (logic/lod.ts); those near the view it opens at are
    // then drawn in full.
    const big = count > VIRTUALIZE_ABOVE;
    if (big) {
      ui.detail = false;
      ui.lite = true;
      ui.near = markRaw(new Set<string>());
    }
    try {
      await c.load(doc, opts);
    } finally {
      ui.detail = c.area.area.transform.k >= 0.5;
      s.updateLite(c.area.area.transform.k);
      s.updateNear(true);
    }
    s.baseUrl = base;
    attachParamWatcher();
    run.clear();
    state.importIssues = [];
    state.selection = null;
    state.compare = null;
    ui.previewNode = null;
    s.refreshCounts();
    s.scheduler?.invalidate(0);
    mark('pl:loaded');
  }

  /**
   * Shows graph file text in the editor (migrate → validate → load), after giving the worker
   * the images it uses. Throws GraphFileError (the editor keeps what it showed) for a text that
   * does not load. `keepView` keeps the current viewport (a reload in place).
   */
  async function showText(text: string, base: string, opts: { keepView?: boolean } = {}): Promise<void> {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new GraphFileError([{ path: '', message: `the stored text is not JSON: ${errorText(e)}` }]);
    }
    const missing = await sendAssets(doc);
    const c = s.core.value!;
    if (opts.keepView && doc && typeof doc === 'object' && !Array.isArray(doc)) {
      const t = c.area.area.transform;
      const d = doc as { ui?: unknown };
      const uiExtra = d.ui && typeof d.ui === 'object' && !Array.isArray(d.ui) ? (d.ui as Record<string, unknown>) : {};
      d.ui = { ...uiExtra, viewport: { x: Math.round(t.x * 100) / 100, y: Math.round(t.y * 100) / 100, zoom: Math.round(t.k * 100) / 100 } };
    }
    s.applying++;
    try {
      await loadDocument(doc, absoluteBase(base));
    } finally {
      s.applying--;
    }
    if (missing.length) s.notice(missingImagesNotice(missing), 'error');
  }

  /** Fetches a graph file; `base` is its folder (a path on this origin, else the full URL). */
  async function fetchGraph(url: string): Promise<{ text: string; base: string }> {
    const abs = new URL(url, location.href);
    const res = await (takePrefetched(abs.href) ?? fetch(abs.href));
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const text = await res.text();
    mark('pl:graph-fetched');
    const folder = new URL('.', abs);
    return { text, base: folder.origin === location.origin ? folder.pathname : folder.href };
  }

  return { startClient, stopRun, setMemoryLimit, setResultsCap, setBackend, sendAssets, putImage, installParamWatcher, loadDocument, showText, fetchGraph };
}

export type EngineSession = ReturnType<typeof createEngineSession>;
