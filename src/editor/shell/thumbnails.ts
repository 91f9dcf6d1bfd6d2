/**
 * Library thumbnails of the open graph: a small WebP (else PNG) of the previewed output, else of
 * the right-most node's preview, made 0.8 s after the preview changes and stored with the next
 * save (a graph without one stores its first at once).
 */
import type { PortPreview, RunState } from '../state/runState';
import type { EditorSession, Selection } from './session';

export const THUMB_SIDE = 160;

interface GraphLike {
  nodeIds(): readonly string[];
  getNode(id: string): { position: { x: number } } | undefined;
}

/**
 * The preview the library thumbnail shows: the previewed output, else the right-most image
 * output — a mask or a metric map only when no image output has a preview. `typeOf` gives a
 * port's type (image, mask, …).
 */
export function thumbnailSource(
  run: Pick<RunState, 'node'>,
  graph: GraphLike,
  selection: Selection | null,
  typeOf: (node: string, port: string) => string | undefined = () => 'image',
): { node: string; port: string; preview: PortPreview } | null {
  if (selection) {
    const p = run.node(selection.node).previews[selection.port];
    if (p) return { node: selection.node, port: selection.port, preview: p };
  }
  const rank = (node: string, port: string): number => {
    const t = typeOf(node, port);
    return t === 'image' ? 2 : t === 'mask' ? 1 : 0;
  };
  let best: { node: string; port: string; preview: PortPreview; x: number; rank: number } | null = null;
  for (const id of graph.nodeIds()) {
    const x = graph.getNode(id)!.position.x;
    for (const [port, preview] of Object.entries(run.node(id).previews)) {
      const r = rank(id, port);
      if (best && (r < best.rank || (r === best.rank && x <= best.x))) continue;
      best = { node: id, port, preview, x, rank: r };
    }
  }
  return best ? { node: best.node, port: best.port, preview: best.preview } : null;
}

/** Size of a thumbnail of a w×h image: the longer side THUMB_SIDE at most, never upscaled. */
export function thumbnailSize(width: number, height: number): { width: number; height: number } {
  const k = Math.min(1, THUMB_SIDE / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * k)), height: Math.max(1, Math.round(height * k)) };
}

export function createThumbnails(s: EditorSession, hooks: { saved(): boolean; storeNow(): void }) {
  /** `pending` is a new one not stored yet, `offered` the one handed to the save in flight, `last` the latest one made for the open graph. */
  const thumb = { key: '', pending: undefined as Blob | undefined, offered: undefined as Blob | undefined, last: null as Blob | null, timer: null as ReturnType<typeof setTimeout> | null };

  function schedule(): void {
    if (thumb.timer !== null) return;
    thumb.timer = setTimeout(() => {
      thumb.timer = null;
      void capture();
    }, 800);
  }

  async function capture(): Promise<void> {
    const c = s.core.value;
    const typeOf = (node: string, port: string): string | undefined => {
      const n = c?.graph.getNode(node);
      return n ? (c?.entryFor?.(node) ?? c?.entry(n.type))?.outputs[port]?.type : undefined;
    };
    // inside a component the canvas shows its nodes: the library keeps the top level's picture
    const src = s.current.id === null || !c || c.components.scopes.length > 0 ? null : thumbnailSource(s.run, c.graph, s.state.selection, typeOf);
    if (!src) return;
    const p = src.preview;
    const key = `${s.current.id}\u0000${src.node}\u0000${src.port}\u0000${p.revision}`;
    if (key === thumb.key) return;
    thumb.key = key;
    const { width, height } = p.bitmap;
    if (!width || !height) return;
    const size = thumbnailSize(width, height);
    const canvas = document.createElement('canvas');
    canvas.width = size.width;
    canvas.height = size.height;
    try {
      canvas.getContext('2d')?.drawImage(p.bitmap, 0, 0, canvas.width, canvas.height);
    } catch {
      return; // the bitmap was closed meanwhile
    }
    // WebP where the browser encodes it (a few KB), else PNG.
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/webp', 0.85));
    if (!blob) return;
    thumb.pending = blob;
    thumb.last = blob;
    // A graph without a thumbnail stores its first one at once; later ones ride along with edits.
    if (!s.current.hasThumb && hooks.saved()) hooks.storeNow();
  }

  return {
    schedule,
    /** A new graph is open: forget what was made for the previous one. */
    reset(): void {
      thumb.key = '';
      thumb.pending = undefined;
      thumb.last = null;
    },
    /** The thumbnail to save with the snapshot being taken (remembered as offered). */
    offer(): Blob | undefined {
      thumb.offered = thumb.pending;
      return thumb.pending;
    },
    /** A save finished: was the offered thumbnail stored with it? */
    saved(stored: Blob | null): void {
      if (thumb.offered !== undefined && stored === thumb.offered) {
        if (thumb.pending === thumb.offered) thumb.pending = undefined;
        s.current.hasThumb = true;
      }
      thumb.offered = undefined;
      // The first thumbnail was made while this save (without it) was in flight: store it now,
      // not with some later edit (any save still to come carries it anyway).
      if (!s.current.hasThumb && thumb.pending !== undefined) {
        setTimeout(() => {
          if (!s.current.hasThumb && thumb.pending !== undefined && hooks.saved()) hooks.storeNow();
        }, 0);
      }
    },
    last: (): Blob | null => thumb.last,
    dispose(): void {
      if (thumb.timer !== null) clearTimeout(thumb.timer);
    },
  };
}

export type Thumbnails = ReturnType<typeof createThumbnails>;
