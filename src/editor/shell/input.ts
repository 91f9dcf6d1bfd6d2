/**
 * Keyboard shortcuts (logic/shortcuts.ts), clipboard copy / cut / paste, drag and drop of
 * nodes, graph files and images onto the canvas, box selection (Shift/Ctrl + drag on the empty
 * canvas), and the small toolbar actions that act on the canvas.
 */
import { computed } from 'vue';
import { readClipboard, writeClipboard } from '../canvas/pasting';
import { fragmentFromText } from '../logic/clipboard';
import { shortcutFor, type ShortcutAction } from '../logic/shortcuts';
import type { EngineSession } from './engine';
import { isLoadableImage, looksLikePng, type ImportExport } from './importExport';
import type { EditorSession } from './session';
import type { MyComponents } from './myComponents';
import type { Viewer } from './viewer';

export function editable(t: EventTarget | null): boolean {
  return typeof HTMLElement !== 'undefined' && t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));
}

/** Whether a point lies in a rectangle (inclusive). */
export function inside(p: { x: number; y: number }, r: { left: number; right: number; top: number; bottom: number } | undefined): boolean {
  return !!r && p.x >= r.left && p.x <= r.right && p.y >= r.top && p.y <= r.bottom;
}

/** The box-selection rectangle's CSS, relative to the canvas. */
export function boxCss(b: { x0: number; y0: number; x1: number; y1: number } | null, r: { left: number; top: number } | undefined): Record<string, string> {
  if (!b || !r) return {};
  return {
    left: `${Math.min(b.x0, b.x1) - r.left}px`,
    top: `${Math.min(b.y0, b.y1) - r.top}px`,
    width: `${Math.abs(b.x1 - b.x0)}px`,
    height: `${Math.abs(b.y1 - b.y0)}px`,
  };
}

export function createInput(s: EditorSession, engine: EngineSession, io: ImportExport, viewer?: Viewer, mine?: MyComponents) {
  const { state, ui } = s;
  let pointer = { x: 0, y: 0 };
  /** When Ctrl+Shift+V was pressed: the paste event that follows keeps the incoming wires. */
  let pasteWithInputsAt = -Infinity;
  const canvasRect = (): DOMRect | undefined => s.els.canvas.value?.getBoundingClientRect();

  function onPointerMove(e: PointerEvent): void {
    pointer = { x: e.clientX, y: e.clientY };
  }

  /** Runs a shortcut's action (the keyboard and tests). */
  async function runAction(action: ShortcutAction): Promise<void> {
    const c = s.core.value;
    if (!c) return;
    const inCanvas = inside(pointer, canvasRect());
    const ro = ui.readonly;
    switch (action) {
      case 'search':
        if (!ro) {
          const r = canvasRect()!;
          state.search = { at: inCanvas ? pointer : { x: r.left + r.width / 2 - 150, y: r.top + r.height / 3 }, end: null };
        }
        break;
      case 'delete':
        if (!ro) await c.deleteSelection();
        break;
      case 'duplicate':
        if (!ro) await c.duplicate();
        break;
      case 'makeComponent':
        if (!ro) await c.components.makeComponent();
        break;
      case 'ungroup':
        if (!ro) await c.components.ungroup();
        break;
      case 'enterLeave':
        if (c.selectedIds().some((id) => c.graph.getNode(id)?.type === 'component')) await c.components.enter();
        else if (c.components.scopes.length) await c.components.leave();
        break;
      case 'bypass':
      case 'mute':
        if (!ro) c.toggleMode(action);
        break;
      case 'undo':
        if (!ro) await c.undo();
        break;
      case 'redo':
        if (!ro) await c.redo();
        break;
      case 'selectAll':
        await c.selectAll();
        break;
      case 'zoomFit':
        // F over the preview panel opens it full window; elsewhere it fits the canvas
        if (viewer && (viewer.full.value || inside(pointer, s.els.preview?.value?.getBoundingClientRect()))) viewer.toggleFull();
        else await c.zoomFit();
        break;
      case 'arrange':
        if (!ro) await c.arrange();
        break;
      case 'frame':
        if (!ro && c.selectedIds().length) c.addComment('Frame');
        break;
      case 'comment':
        if (!ro) c.addComment('Comment', inCanvas ? c.toGraph(pointer) : undefined);
        break;
      case 'errors':
        state.errorsOpen = !state.errorsOpen;
        break;
      case 'help':
        state.help = !state.help;
        break;
      case 'export':
        io.exportGraph();
        break;
      case 'import':
        s.els.fileInput.value?.click();
        break;
      default:
        break;
    }
  }

  async function onKeyDown(e: KeyboardEvent): Promise<void> {
    const c = s.core.value;
    if (!c) return;
    if (e.key === 'Escape') {
      if (viewer?.full.value) viewer.full.value = false;
      else if (state.search) state.search = null;
      else if (state.help) state.help = false;
      else if (c.components.scopes.length && !editable(e.target)) await c.components.leave();
      else await c.clearSelection();
      return;
    }
    if (editable(e.target) || state.search) return;
    const action = shortcutFor(e);
    if (!action) return;
    // Tab moves the focus through the toolbar as usual; on the canvas it enters and leaves components.
    if (action === 'enterLeave' && !(e.target === document.body || (e.target instanceof Node && s.els.canvas.value?.contains(e.target)))) return;
    if (action === 'enterLeave' && !c.components.scopes.length && !c.selectedIds().some((id) => c.graph.getNode(id)?.type === 'component')) return;
    // Copy/cut/paste run in the clipboard events below (they work without clipboard permission);
    // Ctrl+Shift+V fires the same paste event: remember that it asks for the connections too.
    if (action === 'pasteWithInputs') pasteWithInputsAt = Date.now();
    if (action === 'copy' || action === 'cut' || action === 'paste' || action === 'pasteWithInputs') return;
    e.preventDefault();
    await runAction(action);
  }

  function onCopy(e: ClipboardEvent, cut = false): void {
    const c = s.core.value;
    if (!c || editable(e.target) || c.selectedIds().length === 0) return;
    const text = c.copy();
    if (!text) return;
    e.preventDefault();
    e.clipboardData?.setData('text/plain', text);
    void writeClipboard(text);
    if (cut && !ui.readonly) void c.deleteSelection();
  }

  async function onPaste(e: ClipboardEvent): Promise<void> {
    const c = s.core.value;
    if (!c || editable(e.target) || ui.readonly) return;
    const text = e.clipboardData?.getData('text/plain') || (await readClipboard());
    if (!text) return;
    let fragment;
    try {
      fragment = fragmentFromText(text);
    } catch {
      fragment = null;
    }
    if (!fragment) return;
    e.preventDefault();
    const withInputs = Date.now() - pasteWithInputsAt < 1000;
    pasteWithInputsAt = -Infinity;
    await c.paste(text, inside(pointer, canvasRect()) ? c.toGraph(pointer) : undefined, { withInputs });
  }

  function onDragOver(e: DragEvent): void {
    const types = e.dataTransfer?.types ?? [];
    if (types.includes('Files') || types.includes('application/x-pixel-loom-node')) {
      e.preventDefault();
      state.dropping = true;
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    }
  }

  async function onDrop(e: DragEvent): Promise<void> {
    state.dropping = false;
    const c = s.core.value;
    const dt = e.dataTransfer;
    if (!c || !dt) return;
    e.preventDefault();
    const at = c.toGraph({ x: e.clientX, y: e.clientY });
    const type = dt.getData('application/x-pixel-loom-node');
    if (type) {
      if (!ui.readonly) await c.addNode(type, { x: at.x - 124, y: at.y - 20 });
      return;
    }
    const files = [...dt.files];
    // A graph file, or a PNG that carries a graph, opens as a new library graph.
    const graphFile = files.find((f) => /\.json$/i.test(f.name) || f.type === 'application/json');
    if (graphFile) {
      // a component file (Export component) is inserted where it was dropped; any other graph opens as a new one
      if (mine && (await mine.dropped(graphFile, at))) return;
      await io.importFile(graphFile);
      return;
    }
    const images: File[] = [];
    for (const f of files) {
      if (!looksLikePng(f)) images.push(f);
      else if ((await io.importFile(f)) === 'image') images.push(f);
      else return;
    }
    if (ui.readonly) return;
    let dx = 0;
    for (const f of images) {
      if (!isLoadableImage(f)) {
        s.notice(`${f.name} is not a PNG, JPEG or WebP image`, 'error');
        continue;
      }
      const id = await engine.putImage(f);
      if (id) await c.addNode('image.load', { x: at.x - 124 + dx, y: at.y - 20 + dx }, { source: id });
      dx += 40;
    }
  }

  function onCanvasPointerDown(e: PointerEvent): void {
    if (!(e.shiftKey || e.ctrlKey || e.metaKey) || e.button !== 0) return;
    if (e.target instanceof Element && e.target.closest('[data-node-root], .pl-wire .hit, input, select, button')) return;
    state.box = { x0: e.clientX, y0: e.clientY, x1: e.clientX, y1: e.clientY, add: e.ctrlKey || e.metaKey || e.shiftKey };
    const move = (ev: PointerEvent): void => {
      if (state.box) {
        state.box.x1 = ev.clientX;
        state.box.y1 = ev.clientY;
      }
    };
    const up = (): void => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      const b = state.box;
      state.box = null;
      const c = s.core.value;
      if (!b || !c || (Math.abs(b.x1 - b.x0) < 4 && Math.abs(b.y1 - b.y0) < 4)) return;
      const p0 = c.toGraph({ x: Math.min(b.x0, b.x1), y: Math.min(b.y0, b.y1) });
      const p1 = c.toGraph({ x: Math.max(b.x0, b.x1), y: Math.max(b.y0, b.y1) });
      // After the area's own pointerup handling (which clears the selection on a plain click).
      setTimeout(() => void c.selectInRect({ x: p0.x, y: p0.y, width: p1.x - p0.x, height: p1.y - p0.y }, b.add), 0);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  }

  const boxStyle = computed(() => boxCss(state.box, canvasRect()));

  function toggleReadonly(): void {
    const c = s.core.value;
    if (!c) return;
    ui.readonly = !ui.readonly;
    c.setReadonly(ui.readonly);
  }

  async function addFromPalette(type: string): Promise<void> {
    if (ui.readonly) return;
    await s.core.value?.addNode(type);
  }

  async function pickFromSearch(type: string, port: string | undefined): Promise<void> {
    const c = s.core.value;
    const search = state.search;
    state.search = null;
    if (!c || !search) return;
    const at = c.toGraph(search.at);
    if (search.end && port) await c.addNodeForDrop(type, port, { x: at.x - (search.end.side === 'output' ? 0 : 248), y: at.y - 20 });
    else await c.addNode(type, { x: at.x - 20, y: at.y - 20 });
  }

  function focusError(node: string): void {
    const c = s.core.value;
    if (!c || !c.graph.getNode(node)) return;
    void c.selectOnly([node]).then(() => c.zoomFit([node]));
  }

  function renameGraph(e: Event): void {
    const c = s.core.value;
    const input = e.target as HTMLInputElement;
    const v = input.value.trim();
    // The name is part of the graph: the change is saved (reason 'rename') like any edit.
    if (c && v) c.rename(v);
    else if (c) input.value = c.root.name;
    s.refreshCounts();
  }

  const onCopyEvent = (e: ClipboardEvent): void => onCopy(e);
  const onCutEvent = (e: ClipboardEvent): void => onCopy(e, true);
  const onPasteEvent = (e: ClipboardEvent): void => void onPaste(e);
  const onKeyEvent = (e: KeyboardEvent): void => void onKeyDown(e);

  /** Listens on the window and document; returns the function that stops listening. */
  function listen(): () => void {
    window.addEventListener('keydown', onKeyEvent);
    window.addEventListener('pointermove', onPointerMove, { passive: true });
    document.addEventListener('copy', onCopyEvent);
    document.addEventListener('cut', onCutEvent);
    document.addEventListener('paste', onPasteEvent);
    return () => {
      window.removeEventListener('keydown', onKeyEvent);
      window.removeEventListener('pointermove', onPointerMove);
      document.removeEventListener('copy', onCopyEvent);
      document.removeEventListener('cut', onCutEvent);
      document.removeEventListener('paste', onPasteEvent);
    };
  }

  return { listen, runAction, onKeyDown, onDragOver, onDrop, onCanvasPointerDown, boxStyle, toggleReadonly, addFromPalette, pickFromSearch, focusError, renameGraph };
}
