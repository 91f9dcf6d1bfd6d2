/**
 * A node's thumbnail as an <img> of a PNG made from the worker's bitmap, not a <canvas>: a
 * canvas is a composited layer of its own, and 200 of them (plus the labels over them) made
 * every frame of a pan cost ~50 ms of layerizing and committing (scripts/bench/bench-editor.ts).
 *
 * Off-screen in a big graph (`near` false), a new thumbnail is decoded only when the node
 * scrolls in (the one shown stays meanwhile); a node without a preview clears at once. The
 * object URL is owned here and revoked when replaced or when the component unmounts.
 */
import { onBeforeUnmount, ref, watch, type Ref } from 'vue';
import { bitmapUrl } from '../preview/bitmapUrl';
import type { PortPreview } from '../state/runState';

export function useThumbnail(preview: Readonly<Ref<PortPreview | undefined>>, near: Readonly<Ref<boolean>>) {
  /** The object URL shown. */
  const src = ref<string | null>(null);
  /** The preview revision the <img> has finished loading (0: none). */
  const shownRevision = ref(0);
  /** The preview revision the object URL in `src` was made from. */
  let srcRevision = 0;
  let token = 0;
  function setSrc(url: string | null): void {
    if (src.value) URL.revokeObjectURL(src.value);
    src.value = url;
  }
  async function show(p: PortPreview | undefined): Promise<void> {
    if (p && src.value && p.revision === srcRevision) return;
    const mine = ++token;
    if (!p) {
      setSrc(null);
      srcRevision = 0;
      shownRevision.value = 0;
      return;
    }
    const url = await bitmapUrl(p.bitmap).catch(() => null);
    if (mine !== token || !url) {
      if (url) URL.revokeObjectURL(url);
      return;
    }
    srcRevision = p.revision;
    setSrc(url);
  }
  /** The <img> finished loading the URL in `src`. */
  function loaded(): void {
    shownRevision.value = srcRevision;
  }
  watch(
    () => [preview.value?.revision, preview.value === undefined, near.value] as const,
    () => {
      if (near.value || !preview.value) void show(preview.value);
    },
    { immediate: true },
  );
  onBeforeUnmount(() => {
    token++;
    setSrc(null);
  });
  return { src, shownRevision, loaded };
}
