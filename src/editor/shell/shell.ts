/**
 * Wires the editor shell's concerns (session.ts lists them) into what App.vue's template binds,
 * and the page lifecycle: listeners on mount, boot, saving when the page is hidden or closed,
 * and tearing everything down on unmount.
 */
import { computed, onBeforeUnmount, onMounted, ref, watch } from 'vue';
import { boot } from './boot';
import { createConflictFlow } from './conflicts';
import { createEngineSession } from './engine';
import { createImportExport } from './importExport';
import { createInput } from './input';
import { createLibrarySession } from './library';
import { createMyComponents } from './myComponents';
import { EditorSession, type ShellElements } from './session';
import { createTestHooks, observeLongTasks, type PixelLoomHooks } from './testHooks';
import { createViewer } from './viewer';

export function useEditorShell(els: ShellElements) {
  const s = new EditorSession(els);
  const { state, run, ui, current } = s;
  const engine = createEngineSession(s);
  // library.ts and importExport.ts call each other (a journal opens as a new graph; an import opens a row)
  const lib = createLibrarySession(s, engine, { importGraphText: (...a) => io.importGraphText(...a) });
  const io = createImportExport(s, engine, { openRow: (row) => lib.openRow(row) });
  const conflicts = createConflictFlow(s, lib);
  const viewer = createViewer();
  const mine = createMyComponents(s);
  const input = createInput(s, engine, io, viewer, mine);

  // ---- painting a mask.paint node
  const paintOn = ref(false);
  /** The selected mask.paint node with its strokes text and the output wired into its image input. */
  const paintTarget = computed(() => {
    const sel = state.selection;
    const c = s.core.value;
    if (!sel || !c) return null;
    void ui.paramVersion[sel.node];
    void run.global.revision;
    void state.nodeCount;
    const n = c.graph.getNode(sel.node);
    if (!n || n.type !== 'mask.paint') return null;
    const strokes = typeof n.params.strokes === 'string' ? n.params.strokes : '';
    const edge = c.graph.edgeInto(sel.node, 'image');
    return { node: sel.node, strokes, source: edge ? { node: edge.from.node, port: edge.from.port } : null };
  });
  function commitPaint(value: string): void {
    const t = paintTarget.value;
    if (t) s.setParam(t.node, 'strokes', value);
  }

  // ---- derived
  const values = computed(() => run.valuesByNode());
  const errors = computed(() => {
    void state.nodeCount;
    const c = s.core.value;
    const list = run.errors().filter((e) => c?.graph.getNode(e.node));
    // A failure of the evaluation as a whole (not of one node) is listed too, never dropped.
    if (run.global.lastError) list.unshift({ node: '', message: run.global.lastError });
    return list;
  });
  /** What the preview panel reads: only results computed for the selected node as it is now. */
  const outputSource = computed(() => {
    const c = s.clientRef.value;
    if (!c) return null;
    return {
      getOutput: (node: string, port: string) => {
        const waiting = run.node(node).waiting;
        if (waiting !== null) return Promise.reject(new Error(`${node} is not evaluated: ${waiting}`));
        return c.getOutput(node, port, { key: run.currentKey(node) });
      },
    };
  });

  (window as unknown as { __pixelLoom: PixelLoomHooks }).__pixelLoom = createTestHooks(s, engine, lib);
  const stopLongTasks = observeLongTasks(s.longTasks);

  /** Leaving the page (closing the tab, switching away): save at once. */
  const onPageHide = (): void => {
    lib.writeJournal();
    void lib.autosave.flush();
  };
  /** Edits that could not be saved (storage full, conflict): the browser asks before leaving. */
  const onBeforeUnload = (e: BeforeUnloadEvent): void => {
    const a = lib.autosave;
    if (a.dirty && (a.state === 'error' || a.state === 'conflict')) e.preventDefault();
  };
  const onVisibility = (): void => {
    if (document.visibilityState === 'hidden') onPageHide();
  };
  // The message the library was opened with belongs to that opening only.
  watch(
    () => state.libraryOpen,
    (open) => {
      if (!open) state.libraryMessage = null;
    },
  );
  // The preview's output changed: a new library thumbnail (stored with the next save).
  watch(
    () => run.global.revision,
    () => lib.thumbnails.schedule(),
  );

  let unlisten: () => void = () => undefined;
  onMounted(() => {
    unlisten = input.listen();
    window.addEventListener('pagehide', onPageHide);
    window.addEventListener('beforeunload', onBeforeUnload);
    document.addEventListener('visibilitychange', onVisibility);
    boot(s, engine, lib, mine).catch((e: unknown) => {
      state.phase = 'failed';
      state.failure = e instanceof Error ? e.message : String(e);
    });
  });
  onBeforeUnmount(() => {
    unlisten();
    window.removeEventListener('pagehide', onPageHide);
    window.removeEventListener('beforeunload', onBeforeUnload);
    document.removeEventListener('visibilitychange', onVisibility);
    lib.dispose();
    stopLongTasks();
    s.scheduler?.dispose();
    s.core.value?.destroy();
    s.client?.dispose();
    s.dispose();
  });

  return {
    state,
    ui,
    run,
    current,
    catalog: s.catalog,
    /** The palette and the search: this file's components ("In this graph") first, then the catalogue. */
    paletteCatalog: computed(() => [...state.componentEntries, ...state.myComponents, ...s.catalog.value]),
    leaveTo: (depth: number) => void s.core.value?.components.leaveTo(depth),
    setPromoted: (list: { from: string; name: string }[]) => void s.core.value?.components.setPromoted(list),
    core: s.core,
    clientRef: s.clientRef,
    library: s.library,
    conflictBusy: s.conflictBusy,
    notice: (text: string, kind?: 'error' | 'info') => s.notice(text, kind),
    paintOn,
    paintTarget,
    commitPaint,
    values,
    errors,
    outputSource,
    ...engine,
    ...lib,
    ...io,
    ...conflicts,
    ...input,
    viewer,
  };
}
