/**
 * The editor shell's concerns (src/editor/shell/) without a browser: the shared session
 * (notices, param refusals, preview choice, zoom detail), the remembered engine choices,
 * import refusals and imports, the two-tab conflict flow, the unsaved-edits journal, the
 * keyboard actions, box selection and thumbnails — with fakes for the canvas and the library.
 */
import { ref } from 'vue';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createConflictFlow } from '../../src/editor/shell/conflicts';
import { initialBackend, rememberedLimit } from '../../src/editor/shell/engine';
import { createImportExport, fileStem, isLoadableImage, looksLikePng } from '../../src/editor/shell/importExport';
import { boxCss, createInput, inside } from '../../src/editor/shell/input';
import { clearJournal, pageStore, readJournal, type JournalStore } from '../../src/editor/shell/library';
import { absoluteBase, detailAt, EditorSession, NOTICE_ACTION_MS, NOTICE_MS, plural } from '../../src/editor/shell/session';
import { thumbnailSize, thumbnailSource } from '../../src/editor/shell/thumbnails';
import { MIN_PANEL_WIDTH, panelWidthAt } from '../../src/editor/shell/viewer';
import { journalKey } from '../../src/editor/state/autosave';
import type { EngineSession } from '../../src/editor/shell/engine';
import type { GraphLibrary } from '../../src/storage/library';
import type { GraphRow } from '../../src/storage/db';
import { createRegistry } from '../../src/nodes';

beforeEach(() => {
  vi.stubGlobal('location', new URL('http://127.0.0.1:5173/?id=g1'));
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

/** A fake canvas core: a graph of nodes with types, and the calls the shell makes. */
function fakeCore(nodes: Record<string, string> = {}) {
  const calls: string[] = [];
  const outputs: Record<string, Record<string, { type: string }>> = {
    'image.load': { image: { type: 'image' } },
    'metric.ssim': { ssim: { type: 'number' }, map: { type: 'image' } },
    'metric.psnr': { psnr: { type: 'number' } },
  };
  const graph = {
    name: 'My graph',
    getNode: (id: string) => (nodes[id] ? { id, type: nodes[id], params: {}, position: { x: 0, y: 0 } } : undefined),
    nodeIds: () => Object.keys(nodes),
  };
  const core = {
    calls,
    readonly: false,
    graph,
    root: graph,
    components: { scopes: [], promoted: () => null, entries: () => [] },
    entry: (type: string) => (outputs[type] ? { outputs: outputs[type] } : undefined),
    setParam: (node: string, name: string, value: unknown) => {
      if (value === 'bad') throw new Error(`param "${name}" of ${node} is bad`);
      calls.push(`setParam ${node}.${name}=${String(value)}`);
    },
    deleteSelection: async () => void calls.push('delete'),
    duplicate: async () => void calls.push('duplicate'),
    undo: async () => void calls.push('undo'),
    redo: async () => void calls.push('redo'),
    selectAll: async () => void calls.push('selectAll'),
    zoomFit: async () => void calls.push('zoomFit'),
    arrange: async () => void calls.push('arrange'),
    selectedIds: () => ['a'],
    addComment: (label: string) => void calls.push(`comment ${label}`),
    toGraph: (p: { x: number; y: number }) => p,
    visibleIds: () => Object.keys(nodes),
    history: { getHistorySnapshot: () => [] },
    document: () => ({ format: 'pixel-loom.graph', version: 1, name: 'My graph', nodes: [], edges: [] }),
  };
  return core;
}

function session(library: Partial<GraphLibrary> = {}, nodes: Record<string, string> = {}) {
  const fileClicks: string[] = [];
  const els = { canvas: ref<HTMLElement | null>(null), fileInput: ref({ click: () => fileClicks.push('file') } as unknown as HTMLInputElement), imageInput: ref<HTMLInputElement | null>(null) };
  const s = new EditorSession(els, library as GraphLibrary);
  const core = fakeCore(nodes);
  s.core.value = core as never;
  return { s, core, fileClicks };
}

describe('shell session', () => {
  it('notices: each gets a new id and disappears after 6 s, 10 s with an action', () => {
    vi.useFakeTimers();
    const { s } = session();
    s.notice('saved', 'info');
    const first = s.state.notice!.id;
    s.notice('failed', 'error', { label: 'Retry', run: () => undefined });
    expect(s.state.notice).toMatchObject({ text: 'failed', kind: 'error', id: first + 1, action: { label: 'Retry' } });
    vi.advanceTimersByTime(NOTICE_MS + 1);
    expect(s.state.notice).not.toBeNull();
    vi.advanceTimersByTime(NOTICE_ACTION_MS - NOTICE_MS);
    expect(s.state.notice).toBeNull();
  });

  it('setParam: refused without a canvas, when view-only, and with the canvas’ own message', () => {
    const { s, core } = session({}, { a: 'image.load' });
    expect(s.setParam('a', 'source', 'x.png')).toBeNull();
    expect(core.calls).toEqual(['setParam a.source=x.png']);
    expect(s.setParam('a', 'source', 'bad')).toBe('param "source" of a is bad');
    expect(s.state.notice?.text).toBe('param "source" of a is bad');
    s.ui.readonly = true;
    expect(s.setParam('a', 'source', 'y.png')).toBe('the graph is view-only (unlock it in the toolbar)');
    s.core.value = null;
    expect(s.setParam('a', 'source', 'y.png')).toBe('the editor is not ready');
    expect(core.calls).toHaveLength(1);
  });

  it('previews the first image output of a node (ssim: its map), else its first output', () => {
    const { s } = session({}, { a: 'image.load', m: 'metric.ssim', p: 'metric.psnr' });
    expect(s.previewFor('a')).toEqual({ node: 'a', port: 'image', type: 'image.load' });
    expect(s.previewFor('m')).toEqual({ node: 'm', port: 'map', type: 'metric.ssim' });
    expect(s.previewFor('p')).toEqual({ node: 'p', port: 'psnr', type: 'metric.psnr' });
    expect(s.previewFor('missing')).toBeNull();
    s.preview('p', 'psnr', true);
    expect(s.state.compare).toEqual({ node: 'p', port: 'psnr', type: 'metric.psnr' });
    expect(s.state.selection).toBeNull();
    s.preview('a', 'image');
    expect(s.state.selection?.node).toBe('a');
    expect(s.ui.previewNode).toBe('a');
  });

  it('param widgets hide below 45 % zoom and show above 55 % (hysteresis)', () => {
    expect(detailAt(true, 0.5)).toBe(true);
    expect(detailAt(true, 0.44)).toBe(false);
    expect(detailAt(false, 0.5)).toBe(false);
    expect(detailAt(false, 0.56)).toBe(true);
  });

  it('helpers: plural, absolute bases', () => {
    expect(plural(1, 'image')).toBe('1 image');
    expect(plural(3, 'problem')).toBe('3 problems');
    expect(absoluteBase('/graphs/', 'http://127.0.0.1:5173')).toBe('http://127.0.0.1:5173/graphs/');
    expect(absoluteBase('https://example.org/x/', 'http://127.0.0.1:5173')).toBe('https://example.org/x/');
  });
});

describe('engine choices', () => {
  it('?backend= wins over the remembered choice; invalid values fall back', () => {
    expect(initialBackend('?backend=cpu', 'wasm')).toBe('cpu');
    expect(initialBackend('', 'wasm')).toBe('wasm');
    expect(initialBackend('?backend=nonsense', 'webgpu')).toBe('webgpu');
    expect(initialBackend('', 'nonsense')).toBe('auto');
    expect(initialBackend('', null)).toBe('auto');
  });

  it('a remembered memory limit must be a positive number', () => {
    expect(rememberedLimit('2147483648')).toBe(2147483648);
    expect(rememberedLimit('0')).toBeNull();
    expect(rememberedLimit('-5')).toBeNull();
    expect(rememberedLimit('lots')).toBeNull();
    expect(rememberedLimit(null)).toBeNull();
  });
});

describe('import and export', () => {
  it('names, PNG and image detection', () => {
    expect(fileStem('C:\\graphs\\blur.graph.json')).toBe('blur');
    expect(fileStem('/tmp/out.png')).toBe('out');
    expect(fileStem('.json')).toBe('Imported graph');
    expect(looksLikePng({ type: '', name: 'A.PNG' })).toBe(true);
    expect(looksLikePng({ type: 'image/jpeg', name: 'a.jpg' })).toBe(false);
    expect(isLoadableImage({ type: '', name: 'a.webp' })).toBe(true);
    expect(isLoadableImage({ type: 'image/gif', name: 'a.gif' })).toBe(false);
  });

  function importer() {
    const created: { name: string; reason: string }[] = [];
    const opened: string[] = [];
    const library = {
      create: async (r: { name: string; reason: string }) => {
        created.push({ name: r.name, reason: r.reason });
        return { id: 'new', name: r.name, rev: 1 } as unknown as GraphRow;
      },
      missingAssets: async () => [],
      findImported: async () => null,
      freeName: async (n: string) => (n === 'taken' ? 'taken (2)' : n),
    };
    const { s } = session(library as unknown as Partial<GraphLibrary>);
    s.registry = createRegistry();
    const io = createImportExport(s, {} as EngineSession, { openRow: async (row) => void opened.push(row.id) }, () => undefined);
    return { s, io, created, opened };
  }

  it('refuses text that is not JSON or does not validate, and stores nothing', async () => {
    const { s, io, created } = importer();
    expect(await io.importGraphText('{nope', 'x.graph.json')).toBe(false);
    expect(s.state.notice?.text).toBe('Cannot import x.graph.json: it is not JSON. The library is unchanged.');
    expect(s.state.errorsOpen).toBe(true);
    expect(s.state.importIssues[0]!.message).toMatch(/^x\.graph\.json is not JSON: /);
    const bad = JSON.stringify({ format: 'pixel-loom.graph', version: 1, nodes: [{ id: 'b', type: 'filter.gaussianBlur', params: { sigma: -3 } }], edges: [] });
    expect(await io.importGraphText(bad, 'bad.graph.json')).toBe(false);
    expect(s.state.notice?.text).toBe('Cannot import bad.graph.json: 1 problem (see the errors panel). The library is unchanged.');
    expect(s.state.importIssues).toHaveLength(1);
    expect(created).toEqual([]);
  });

  it('imports a valid file as a new graph named after the file, and opens it', async () => {
    const { s, io, created, opened } = importer();
    const doc = JSON.stringify({ format: 'pixel-loom.graph', version: 1, nodes: [{ id: 'n', type: 'generate.noise', params: {} }], edges: [] });
    expect(await io.importGraphText(doc, '/downloads/my noise.graph.json')).toBe(true);
    expect(created).toEqual([{ name: 'my noise', reason: 'import' }]);
    expect(opened).toEqual(['new']);
    expect(s.state.notice?.text).toBe('Imported "my noise" as a new graph in the library.');
    // a name the library already has gets a number
    expect(await io.importGraphText(doc, 'taken.graph.json')).toBe(true);
    expect(created[1]).toEqual({ name: 'taken (2)', reason: 'import' });
  });
});

describe('the two-tab conflict flow', () => {
  it('take theirs reloads the stored version; keep mine saves "<name> (my version)"', async () => {
    const row = { id: 'g1', name: 'Denoise', rev: 7 } as GraphRow;
    const { s } = session({ get: async () => row } as Partial<GraphLibrary>);
    s.current.id = 'g1';
    const reloaded: number[] = [];
    const kept: string[] = [];
    const flow = createConflictFlow(s, {
      reloadInPlace: async (r) => {
        expect(s.conflictBusy.value).toBe(true);
        reloaded.push(r.rev);
        return true;
      },
      keepAsNew: async (name) => {
        kept.push(name);
        return { ...row, id: 'g2', name } as GraphRow;
      },
    });
    await flow.takeTheirs();
    expect(reloaded).toEqual([7]);
    expect(s.state.notice?.text).toBe('Loaded the version of "Denoise" saved in the other tab.');
    expect(s.conflictBusy.value).toBe(false);
    await flow.keepMine();
    expect(kept).toEqual(['My graph (my version)']);
    expect(s.state.notice?.text).toBe('Saved your version as "My graph (my version)"; the other tab\'s version stays as "My graph".');
    expect(s.conflictBusy.value).toBe(false);
  });

  it('take theirs says so when the stored version cannot be read', async () => {
    const { s } = session({
      get: async () => {
        throw new Error('the stored row is corrupt');
      },
    } as Partial<GraphLibrary>);
    s.current.id = 'g1';
    const flow = createConflictFlow(s, { reloadInPlace: async () => true, keepAsNew: async () => null });
    await flow.takeTheirs();
    expect(s.state.notice).toMatchObject({ kind: 'error', text: "Cannot load the other tab's version: the stored row is corrupt" });
    expect(s.conflictBusy.value).toBe(false);
  });
});

describe('the unsaved-edits journal', () => {
  it('reads a valid journal, ignores garbage, and clears it', () => {
    const map = new Map<string, string>();
    const store: JournalStore = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
    expect(readJournal(store, 'g1')).toBeNull();
    map.set(journalKey('g1'), 'not json');
    expect(readJournal(store, 'g1')).toBeNull();
    const j = { v: 1, graphId: 'g1', baseRev: 3, text: '{}', name: 'A', tabId: 't', at: 5 };
    map.set(journalKey('g1'), JSON.stringify(j));
    expect(readJournal(store, 'g1')).toMatchObject({ graphId: 'g1', baseRev: 3, name: 'A' });
    clearJournal(store, 'g1');
    expect(map.size).toBe(0);
  });

  it('a page whose storage is blocked (reading localStorage throws) gets a store that keeps nothing', () => {
    vi.stubGlobal('window', {
      get localStorage(): Storage {
        throw new Error('SecurityError: access is denied for this document');
      },
    });
    const store = pageStore();
    store.setItem(journalKey('g1'), '{}');
    expect(store.getItem(journalKey('g1'))).toBeNull();
    expect(readJournal(store, 'g1')).toBeNull();
  });
});

describe('keyboard actions and box selection', () => {
  it('actions reach the canvas; editing actions are ignored while view-only', async () => {
    const { s, core, fileClicks } = session({}, { a: 'image.load' });
    const input = createInput(s, {} as EngineSession, { exportGraph: () => void core.calls.push('export') } as never);
    for (const a of ['delete', 'duplicate', 'undo', 'zoomFit', 'frame', 'export', 'import'] as const) await input.runAction(a);
    expect(core.calls).toEqual(['delete', 'duplicate', 'undo', 'zoomFit', 'comment Frame', 'export']);
    expect(fileClicks).toEqual(['file']);
    s.ui.readonly = true;
    core.calls.length = 0;
    for (const a of ['delete', 'duplicate', 'undo', 'arrange', 'frame', 'selectAll', 'zoomFit'] as const) await input.runAction(a);
    expect(core.calls).toEqual(['selectAll', 'zoomFit']);
    await input.runAction('errors');
    expect(s.state.errorsOpen).toBe(true);
    await input.runAction('help');
    expect(s.state.help).toBe(true);
  });

  it('box geometry and hit test', () => {
    expect(boxCss({ x0: 50, y0: 80, x1: 20, y1: 100 }, { left: 10, top: 30 })).toEqual({ left: '10px', top: '50px', width: '30px', height: '20px' });
    expect(boxCss(null, { left: 0, top: 0 })).toEqual({});
    const r = { left: 0, right: 100, top: 0, bottom: 50 };
    expect(inside({ x: 100, y: 50 }, r)).toBe(true);
    expect(inside({ x: 101, y: 5 }, r)).toBe(false);
    expect(inside({ x: 5, y: 5 }, undefined)).toBe(false);
  });
});

describe('library thumbnails', () => {
  const preview = (revision: number) => ({ revision, bitmap: { width: 10, height: 10 } }) as never;
  const graph = (xs: Record<string, number>) => ({ nodeIds: () => Object.keys(xs), getNode: (id: string) => ({ position: { x: xs[id]! } }) });

  it('the previewed output, else the right-most node with a preview', () => {
    const previews: Record<string, Record<string, unknown>> = { a: { image: preview(1) }, b: { image: preview(2) }, c: {} };
    const run = { node: (id: string) => ({ previews: previews[id] ?? {} }) } as never;
    const g = graph({ a: 0, b: 300, c: 600 });
    expect(thumbnailSource(run, g, { node: 'a', port: 'image' })).toMatchObject({ node: 'a', port: 'image' });
    expect(thumbnailSource(run, g, null)).toMatchObject({ node: 'b', port: 'image' });
    expect(thumbnailSource(run, g, { node: 'c', port: 'image' })).toMatchObject({ node: 'b' });
    expect(thumbnailSource({ node: () => ({ previews: {} }) } as never, g, null)).toBeNull();
  });

  it('never just a mask when an image output has a preview', () => {
    const previews: Record<string, Record<string, unknown>> = { img: { image: preview(1) }, holes: { mask: preview(2) }, score: { map: preview(3) } };
    const run = { node: (id: string) => ({ previews: previews[id] ?? {} }) } as never;
    const types: Record<string, string> = { image: 'image', mask: 'mask', map: 'image' };
    const typeOf = (_n: string, port: string) => types[port];
    // the mask is right-most, but an image exists: the right-most image (the metric map at x 400)
    expect(thumbnailSource(run, graph({ img: 0, score: 400, holes: 900 }), null, typeOf)).toMatchObject({ node: 'score', port: 'map' });
    expect(thumbnailSource(run, graph({ img: 500, score: 400, holes: 900 }), null, typeOf)).toMatchObject({ node: 'img' });
    // only a mask: the mask
    const onlyMask = { node: (id: string) => ({ previews: id === 'holes' ? previews.holes! : {} }) } as never;
    expect(thumbnailSource(onlyMask, graph({ img: 0, holes: 900 }), null, typeOf)).toMatchObject({ node: 'holes', port: 'mask' });
  });

  it('sizes: longest side 160 px, never enlarged', () => {
    expect(thumbnailSize(1024, 512)).toEqual({ width: 160, height: 80 });
    expect(thumbnailSize(28, 28)).toEqual({ width: 28, height: 28 });
    expect(thumbnailSize(4000, 1)).toEqual({ width: 160, height: 1 });
  });
});

describe('the preview panel width', () => {
  it('follows the pointer, keeps 260 px at least and leaves the canvas 320 px', () => {
    expect(panelWidthAt(1200, 1600)).toBe(400);
    expect(panelWidthAt(1590, 1600)).toBe(MIN_PANEL_WIDTH);
    // 1600 − 220 (palette) − 320 (canvas) = 1060 at most
    expect(panelWidthAt(100, 1600)).toBe(1060);
    // a window too narrow for both: the minimum still
    expect(panelWidthAt(0, 500)).toBe(MIN_PANEL_WIDTH);
  });
});
