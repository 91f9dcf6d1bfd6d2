/**
 * `window.__pixelLoom`: what the end-to-end tests and `npm run bench:editor` read and drive
 * (the open document, idle, the backend, loading a document, the library, long tasks).
 */
import { thumbnailsSettled } from '../preview/bitmapUrl';
import type { GraphDocument } from '../../engine/format';
import type { BackendInfo } from '../../engine/protocol';
import type { NodeCatalogEntry } from '../../engine/registry';
import type { GraphSummary } from '../../storage/library';
import type { SaveState } from '../state/autosave';
import type { EngineSession } from './engine';
import type { LibrarySession } from './library';
import type { EditorSession } from './session';

export interface PixelLoomHooks {
  document(): GraphDocument | null;
  idle(): Promise<void>;
  /** Node computations since the page opened (cache hits, memory or kept, not counted). */
  executions(): number;
  /** A param edit as the node's field makes it (validated, undoable); the refusal message or null. */
  setParam(node: string, name: string, value: unknown): string | null;
  readonly catalog: readonly NodeCatalogEntry[];
  backend(): BackendInfo | null;
  /** Replaces the open graph's content with `doc` (an edit: it is autosaved). */
  loadDocument(doc: unknown): Promise<void>;
  events: number[];
  ready(): Promise<void>;
  /** The library id of the open graph. */
  graphId(): string | null;
  /** The save-status chip's state: saved | saving | unsaved | conflict | error. */
  saveState(): SaveState;
  /** Saves pending edits now; resolves when no save is in flight. */
  flush(): Promise<void>;
  /** The library's graphs (not in the trash), newest first. */
  library(): Promise<GraphSummary[]>;
  /** One output at full resolution, each sample as round(v · 65535) (the codec e2e compares these). */
  output(node: string, port: string): Promise<{ width: number; height: number; channels: number; samples: number[] }>;
}

export function createTestHooks(s: EditorSession, engine: EngineSession, lib: LibrarySession): PixelLoomHooks {
  return {
    document: () => s.core.value?.document() ?? null,
    executions: () => s.run.global.executions,
    setParam: (node, name, value) => s.setParam(node, name, value),
    idle: async () => {
      await s.ready;
      await s.scheduler?.idle();
      // thumbnails are shown as PNG images made from the worker's bitmaps (NodeView)
      await thumbnailsSettled();
    },
    get catalog() {
      return s.catalog.value;
    },
    backend: () => s.run.global.backend,
    loadDocument: async (doc) => {
      await s.ready;
      await engine.sendAssets(doc);
      await engine.loadDocument(doc, `${location.origin}/`);
    },
    events: s.longTasks,
    ready: () => s.ready,
    graphId: () => s.current.id,
    saveState: () => lib.saveChip.value.state,
    flush: async () => {
      await s.ready;
      await lib.autosave.flush();
    },
    library: () => s.library.list(),
    output: async (node, port) => {
      await s.ready;
      if (!s.client) throw new Error('no engine');
      const o = await s.client.getOutput(node, port);
      return { width: o.width, height: o.height, channels: o.channels, samples: Array.from(o.data, (v) => Math.round(v * 65535)) };
    },
  };
}

/** Records main-thread long tasks into `into`; returns the function that stops recording. */
export function observeLongTasks(into: number[]): () => void {
  try {
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) into.push(entry.duration);
    });
    observer.observe({ type: 'longtask', buffered: true });
    return () => observer.disconnect();
  } catch {
    return () => undefined;
  }
}
