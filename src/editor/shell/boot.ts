/**
 * Boot of the editor: the remembered backend and memory choices, the evaluation worker, the
 * canvas built from the worker's catalogue (canvas events → counts, evaluation, autosave,
 * previews, search), the evaluation scheduler, then the first graph (library.ts openInitial).
 */
import { markRaw } from 'vue';
import { EditorCore } from '../canvas/editorCore';
import { SHARED_KEY } from '../canvas/shared';
import ConnectionView from '../components/ConnectionView.vue';
import Minimap from '../components/Minimap.vue';
import NodeView from '../components/NodeView.vue';
import { GENERATED_CATALOG, registryFromCatalog } from '../logic/catalog';
import { classifyGraphLink } from '../logic/graphLink';
import { EvalScheduler } from '../state/scheduler';
import { BACKEND_KEY, initialBackend, MEMORY_KEY, rememberedLimit, type EngineSession } from './engine';
import type { LibrarySession } from './library';
import type { MyComponents } from './myComponents';
import { mark, type EditorSession } from './session';

function stored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export async function boot(s: EditorSession, engine: EngineSession, lib: LibrarySession, mine?: MyComponents): Promise<void> {
  const { state, ui, run } = s;
  state.preference = initialBackend(location.search, stored(BACKEND_KEY));
  const limit = rememberedLimit(stored(MEMORY_KEY));
  if (limit !== null) state.memoryLimit = limit;
  const client = engine.startClient(1);
  // Fetch a same-origin ?graph= file while the worker starts; another origin is never
  // contacted before the user has seen the URL and confirmed (logic/graphLink.ts).
  const graphParam = new URLSearchParams(location.search).get('graph');
  const link = graphParam !== null ? classifyGraphLink(graphParam, location.href) : null;
  const graphFile = link?.kind === 'same-origin' ? engine.fetchGraph(link.url.href) : null;
  graphFile?.catch(() => undefined);
  // The canvas is built from the catalogue built into the page, while the worker still loads;
  // the worker's own catalogue is the same (a unit test keeps them equal) — say so if not.
  const list = [...GENERATED_CATALOG];
  void client.catalogReady().then(
    (fromWorker) => {
      if (JSON.stringify(fromWorker) !== JSON.stringify(list)) console.warn('pixel-loom: the built-in node catalogue differs from the worker’s; run `npm run catalog` and rebuild');
    },
    () => undefined,
  );
  mark('pl:catalog');
  s.catalog.value = markRaw(list);
  s.entries = new Map(list.map((e) => [e.type, e]));
  s.registry = registryFromCatalog(list);
  const c = new EditorCore(
    s.els.canvas.value!,
    s.registry,
    list,
    { node: markRaw(NodeView), connection: markRaw(ConnectionView), minimap: markRaw(Minimap), setupApp: (app) => app.provide(SHARED_KEY, s.shared) },
    {
      notice: (text, kind) => s.notice(text, kind),
      changed: (evaluate) => {
        s.refreshCounts();
        const g = s.core.value?.graph;
        if (g && state.selection && !g.getNode(state.selection.node)) {
          state.selection = null;
          ui.previewNode = null;
        }
        if (g && state.compare && !g.getNode(state.compare.node)) state.compare = null;
        // What the canvas shows for a node must belong to the node as it is now (evalKey.ts).
        if (evaluate && s.core.value) run.setCurrentKeys(s.core.value.components.evaluationKeys());
        if (evaluate) s.scheduler?.edited();
        lib.edited();
      },
      viewChanged: () => {
        state.zoom = s.core.value?.area.area.transform.k ?? 1;
        s.updateDetail(state.zoom);
        s.updateNear();
        s.scheduler?.viewChanged();
      },
      selectionChanged: (ids) => {
        if (ids.length !== 1) return;
        const sel = s.previewFor(ids[0]!);
        if (sel && state.selection?.node !== sel.node) {
          s.select(sel);
          s.scheduler?.viewChanged();
        }
      },
      wireDropped: (end, at) => {
        state.search = { at, end };
      },
      openSearch: (at) => {
        if (!ui.readonly) state.search = { at, end: null };
      },
      previewRequested: (ref, compare) => s.preview(ref.node, ref.port, compare),
      scopeChanged: (prefix) => s.scopeChanged(prefix),
      myComponents: (action, id, at) => mine?.command(action, id, at) ?? Promise.resolve(null),
    },
  );
  s.core.value = markRaw(c);
  c.graph.on(() => undefined);
  s.scheduler = new EvalScheduler({ evaluate: (doc, targets, opts) => s.client!.evaluate(doc, targets, opts) }, run, () => s.entries, {
    document: () => c.document(),
    view: () => c.components.viewDocument(),
    revision: () => c.revision,
    wanted: () => s.wanted(),
    baseUrl: () => s.baseUrl,
  });
  engine.installParamWatcher();
  void mine?.refresh();
  await lib.openInitial(graphParam, link, graphFile);
  s.markReady();
}
