/**
 * The editor shell's shared state (App.vue is only its layout): what the toolbar, panels and
 * status bar show, the canvas core and the engine client once they exist, the open library
 * graph, notices, and the small derived helpers every concern of the shell uses. The concerns
 * themselves live beside it: engine.ts (worker, runs, memory, assets), library.ts (the open
 * library graph, autosave, journal, other tabs), conflicts.ts (the two-tab conflict flow),
 * thumbnails.ts, importExport.ts (files, links, PNGs), input.ts (keyboard, clipboard, drag
 * and drop, box selection), boot.ts and testHooks.ts; shell.ts wires them.
 */
import { markRaw, reactive, ref, shallowRef, type Ref } from 'vue';
import type { BackendPreference } from '../../engine/backend';
import { documentText, parseGraph, serializeGraph } from '../../engine/format';
import type { NodeCatalogEntry, NodeRegistry } from '../../engine/registry';
import { PixelLoomDb } from '../../storage/db';
import { GraphLibrary } from '../../storage/library';
import type { EditorCore } from '../canvas/editorCore';
import type { CanvasShared, UiState } from '../canvas/shared';
import { liteAt, nearNodes, sameSet, VIRTUALIZE_ABOVE } from '../logic/lod';
import type { EngineClient } from '../engineClient';
import type { WireEnd } from '../logic/palette';
import { saveStatusLabel, type SaveState } from '../state/autosave';
import { RunState } from '../state/runState';
import type { EvalScheduler } from '../state/scheduler';

export const DEFAULT_MEMORY_LIMIT = 1024 ** 3;

export type Selection = { node: string; port: string; type?: string };
export type NoticeKind = 'error' | 'info';
export interface NoticeAction {
  label: string;
  run: () => void;
}

/** The DOM elements of App.vue's template the shell uses. */
export interface ShellElements {
  canvas: Ref<HTMLElement | null>;
  fileInput: Ref<HTMLInputElement | null>;
  imageInput: Ref<HTMLInputElement | null>;
  /** The preview panel (the right column). */
  preview?: Ref<HTMLElement | null>;
}

export function shellState() {
  return reactive({
    phase: 'starting' as 'starting' | 'ready' | 'failed',
    failure: '',
    name: 'Untitled',
    nodeCount: 0,
    /** Inside a component: the breadcrumb (the graph, then each instance entered); [] at the top. */
    crumbs: [] as { label: string; depth: number }[],
    /** Inside a component: its promoted params; null at the top level. */
    promoted: null as { name: string; node: string; param: string }[] | null,
    /** Palette entries of this file's components ("In this graph"). */
    componentEntries: [] as NodeCatalogEntry[],
    /** Palette entries of the components kept in "My components". */
    myComponents: [] as NodeCatalogEntry[],
    zoom: 1,
    canUndo: false,
    selection: null as Selection | null,
    compare: null as Selection | null,
    search: null as { at: { x: number; y: number }; end: (WireEnd & { node: string; port: string }) | null } | null,
    help: false,
    errorsOpen: false,
    importIssues: [] as { path: string; message: string }[],
    notice: null as { text: string; kind: NoticeKind; id: number; action?: NoticeAction } | null,
    preference: 'auto' as BackendPreference,
    box: null as { x0: number; y0: number; x1: number; y1: number; add: boolean } | null,
    dropping: false,
    libraryOpen: false,
    /** Why the library was opened for the user (a graph that could not be opened); shown inside it. */
    libraryMessage: null as string | null,
    revisionsOpen: false,
    /** A `?graph=` link to another origin, not fetched until the user says so. */
    linkPrompt: null as string | null,
    /** The memory budget sent to the worker (bytes of tensor data one node may output). */
    memoryLimit: DEFAULT_MEMORY_LIMIT,
  });
}
export type ShellState = ReturnType<typeof shellState>;

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A row's `base` ('/', '/graphs/', or a full folder URL) as the absolute URL relative sources resolve against. */
export function absoluteBase(base: string, origin = location.origin): string {
  try {
    return new URL(base, `${origin}/`).href;
  } catch {
    return `${origin}/`;
  }
}

/** Performance marks for benchmarks (pl:catalog, pl:graph-fetched, pl:load-start, pl:loaded). */
export function mark(name: string): void {
  try {
    performance.mark(name);
  } catch {
    /* marks are optional */
  }
}

/** Param widgets show from 55 % zoom and hide below 45 % (hysteresis). */
export function detailAt(current: boolean, k: number): boolean {
  if (current && k < 0.45) return false;
  if (!current && k > 0.55) return true;
  return current;
}

/** How long a notice stays: 6 s, 10 s with an action button. */
export const NOTICE_MS = 6000;
export const NOTICE_ACTION_MS = 10000;

export class EditorSession {
  readonly state = shellState();
  readonly run = new RunState();
  readonly ui: UiState = reactive({ paramVersion: {}, readonly: false, previewNode: null, detail: true, lite: false, near: null, assetNames: {}, libraryVersions: {} });
  readonly catalog = shallowRef<readonly NodeCatalogEntry[]>([]);
  readonly core = shallowRef<EditorCore | null>(null);
  /** The engine client the template and the preview read (null until the worker starts). */
  readonly clientRef = shallowRef<EngineClient | null>(null);
  client: EngineClient | null = null;
  scheduler: EvalScheduler | null = null;
  registry: NodeRegistry | null = null;
  entries = new Map<string, NodeCatalogEntry>();
  baseUrl = `${location.origin}/`;
  readonly tabId = crypto.randomUUID();
  readonly library: GraphLibrary;
  /** The library row the editor shows and autosaves into. */
  readonly current = reactive({ id: null as string | null, rev: 0, base: '/', hasThumb: false });
  readonly saveView = reactive({ state: 'saved' as SaveState, message: '', label: saveStatusLabel('saved') });
  /** Set when the library cannot be used at all (then nothing is saved). */
  readonly storageDown = ref<string | null>(null);
  readonly conflictBusy = ref(false);
  /** >0 while the editor loads a stored text: its graph events are not edits. */
  applying = 0;
  /** `asset:` ids the worker holds. */
  readonly sentAssets = new Set<string>();
  /** The image.load node whose file dialog is open. */
  pickTarget: string | null = null;
  readonly longTasks: number[] = [];
  private noticeSeq = 0;
  private noticeTimer: ReturnType<typeof setTimeout> | null = null;
  private readyResolve: () => void = () => undefined;
  readonly ready = new Promise<void>((r) => (this.readyResolve = r));
  /** What node components reach through `inject(SHARED_KEY)`. */
  readonly shared: CanvasShared;

  constructor(
    readonly els: ShellElements,
    library?: GraphLibrary,
  ) {
    this.library = markRaw(library ?? new GraphLibrary(new PixelLoomDb(), { tabId: this.tabId }));
    this.shared = {
      core: () => this.core.value,
      run: this.run,
      ui: this.ui,
      setParam: (node, name, value, opts) => this.setParam(node, name, value, opts),
      pickImage: (node) => {
        this.pickTarget = node;
        this.els.imageInput.value?.click();
      },
      preview: (node, port, compare = false) => this.preview(node, port, compare),
      notice: (text, kind) => this.notice(text, kind),
      updateComponent: (node) => void this.core.value?.cb.myComponents('update', node),
    };
  }

  markReady(): void {
    this.state.phase = 'ready';
    this.readyResolve();
  }

  notice(text: string, kind: NoticeKind = 'info', action?: NoticeAction): void {
    this.state.notice = { text, kind, id: ++this.noticeSeq, ...(action ? { action } : {}) };
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => (this.state.notice = null), action ? NOTICE_ACTION_MS : NOTICE_MS);
  }

  /** A validated param edit; returns the refusal message (also shown as a notice) or null. */
  setParam(node: string, name: string, value: unknown, opts?: { record?: boolean; from?: unknown }): string | null {
    const c = this.core.value;
    if (!c) return 'the editor is not ready';
    if (this.ui.readonly) return 'the graph is view-only (unlock it in the toolbar)';
    try {
      c.setParam(node, name, value, opts);
      return null;
    } catch (e) {
      const msg = (e as Error).message;
      this.notice(msg, 'error');
      return msg;
    }
  }

  /** Shows an output in the preview panel (`compare`: as the B side). */
  preview(node: string, port: string, compare = false): void {
    const type = this.core.value?.graph.getNode(node)?.type;
    const sel = { node, port, ...(type ? { type } : {}) };
    if (compare) this.state.compare = sel;
    else this.state.selection = sel;
    this.ui.previewNode = node;
    this.scheduler?.viewChanged();
  }

  /** What the preview shows for a node: its first image or mask output, else its first output. */
  previewFor(id: string): Selection | null {
    const c = this.core.value;
    const n = c?.graph.getNode(id);
    const entry = n ? (c?.entryFor?.(id) ?? c?.entry(n.type)) : undefined;
    if (!n || !entry) return null;
    const outs = Object.entries(entry.outputs);
    const image = outs.find(([, s]) => s.type === 'image' || s.type === 'mask');
    const port = (image ?? outs[0])?.[0];
    return port ? { node: id, port, type: n.type } : null;
  }

  /** Selects a node's preview (when it exists). */
  select(sel: Selection | null): void {
    if (!sel) return;
    this.state.selection = sel;
    this.ui.previewNode = sel.node;
  }

  /** The nodes whose results are wanted: the visible ones and the previewed ones. */
  wanted(): string[] {
    const c = this.core.value;
    if (!c) return [];
    const ids = c.visibleIds();
    for (const s of [this.state.selection, this.state.compare]) if (s && c.graph.getNode(s.node)) ids.push(s.node);
    return ids;
  }

  refreshCounts(): void {
    const c = this.core.value;
    if (!c) return;
    this.state.nodeCount = c.graph.nodeIds().length;
    this.state.name = c.root.name;
    const crumbs = c.components.scopes.length ? c.components.breadcrumb() : [];
    if (JSON.stringify(crumbs) !== JSON.stringify(this.state.crumbs)) this.state.crumbs = crumbs;
    const promoted = c.components.promoted();
    const list = promoted ? promoted.map((p) => ({ ...p })) : null;
    if (JSON.stringify(list) !== JSON.stringify(this.state.promoted)) this.state.promoted = list;
    const entries = c.components.entries();
    if (JSON.stringify(entries) !== JSON.stringify(this.state.componentEntries)) this.state.componentEntries = markRaw(entries) as NodeCatalogEntry[];
    this.state.canUndo = c.history.getHistorySnapshot().length > 0;
  }

  /** The canvas shows another level (Enter / Leave): results are asked for as its paths. */
  scopeChanged(prefix: string): void {
    this.client?.setScope(prefix);
    this.run.clear();
    this.state.selection = null;
    this.state.compare = null;
    this.ui.previewNode = null;
    this.refreshCounts();
    const c = this.core.value;
    if (c) this.run.setCurrentKeys(c.components.evaluationKeys());
    this.updateLite(c?.area.area.transform.k ?? 1);
    this.updateNear(true);
    this.scheduler?.invalidate(0);
  }

  updateDetail(k: number): void {
    this.ui.detail = detailAt(this.ui.detail, k);
    this.updateLite(k);
  }

  /** Lite nodes at zoom `k` (logic/lod.ts): only in a big graph, with hysteresis. */
  updateLite(k: number): void {
    const big = (this.core.value?.graph.nodeIds().length ?? 0) > VIRTUALIZE_ABOVE;
    const lite = big && liteAt(this.ui.lite, k);
    if (lite !== this.ui.lite) this.ui.lite = lite;
  }

  /**
   * Recomputes which nodes are near the viewport (logic/lod.ts) — at once with `now`, else at
   * most every 120 ms while the view moves (a pan step costs no re-render of 1,000 nodes).
   */
  updateNear(now = false): void {
    if (now) {
      if (this.nearTimer !== null) clearTimeout(this.nearTimer);
      this.nearTimer = null;
      this.applyNear();
      return;
    }
    if (this.nearTimer !== null) return;
    this.nearTimer = setTimeout(() => {
      this.nearTimer = null;
      this.applyNear();
    }, 120);
  }
  private nearTimer: ReturnType<typeof setTimeout> | null = null;

  private applyNear(): void {
    const c = this.core.value;
    if (!c || c.destroyed) return;
    const next = nearNodes(c.nodeRects(), c.viewport());
    if (!sameSet(next, this.ui.near)) this.ui.near = next === null ? null : markRaw(next);
  }

  /** The canonical file text of what the editor shows (the viewport included under `ui`). */
  currentText(): string {
    return documentText(this.core.value!.document());
  }

  /** Canonical text of a document that validates (unknown node types kept as placeholders). */
  canonicalText(doc: unknown, name?: string): string {
    const g = parseGraph(doc, this.registry!);
    if (name !== undefined) g.name = name;
    return serializeGraph(g);
  }

  /** Runs `f` as a load of stored text: its graph events are not edits. */
  applyingDo<T>(f: () => T): T {
    this.applying++;
    try {
      return f();
    } finally {
      this.applying--;
    }
  }

  /** Renames the open graph without counting it as an edit (the library already has the name). */
  adoptName(name: string): void {
    const c = this.core.value;
    if (!c) return;
    this.applyingDo(() => (c.root.name = name));
    this.refreshCounts();
  }

  dispose(): void {
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
  }
}
