/**
 * The preview panel as a viewer: its width is dragged at its left edge (remembered in
 * localStorage), and it opens full window (its ⛶ button, or F with the pointer over it; Esc
 * leaves). The image inside re-fits itself when the panel's size changes (PreviewPanel's
 * ResizeObserver).
 */
import { ref } from 'vue';

export const PANEL_WIDTH_KEY = 'pixel-loom.previewWidth';
export const DEFAULT_PANEL_WIDTH = 380;
export const MIN_PANEL_WIDTH = 260;
/** Room left for the palette (220 px) and at least this much canvas. */
export const MIN_CANVAS_WIDTH = 320;

/** The panel width for a pointer at `clientX` in a window `windowWidth` wide: clamped so the canvas keeps room. */
export function panelWidthAt(clientX: number, windowWidth: number): number {
  const max = Math.max(MIN_PANEL_WIDTH, windowWidth - 220 - MIN_CANVAS_WIDTH);
  return Math.round(Math.min(max, Math.max(MIN_PANEL_WIDTH, windowWidth - clientX)));
}

function storedWidth(): number {
  try {
    const v = Number(localStorage.getItem(PANEL_WIDTH_KEY));
    return Number.isFinite(v) && v >= MIN_PANEL_WIDTH ? v : DEFAULT_PANEL_WIDTH;
  } catch {
    return DEFAULT_PANEL_WIDTH;
  }
}

export function createViewer() {
  const width = ref(storedWidth());
  const full = ref(false);
  const resizing = ref(false);

  /** Pointer down on the panel's edge: follow the pointer until it is released. */
  function startResize(e: PointerEvent): void {
    if (e.button !== 0) return;
    e.preventDefault();
    resizing.value = true;
    const move = (ev: PointerEvent): void => {
      width.value = panelWidthAt(ev.clientX, window.innerWidth);
    };
    const up = (): void => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      resizing.value = false;
      try {
        localStorage.setItem(PANEL_WIDTH_KEY, String(width.value));
      } catch {
        /* private mode: the width lasts for this page */
      }
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  }

  /** Double-click on the edge: back to the default width. */
  function resetWidth(): void {
    width.value = DEFAULT_PANEL_WIDTH;
    try {
      localStorage.removeItem(PANEL_WIDTH_KEY);
    } catch {
      /* nothing stored */
    }
  }

  return { width, full, resizing, startResize, resetWidth, toggleFull: () => (full.value = !full.value) };
}

export type Viewer = ReturnType<typeof createViewer>;
