/**
 * Zoom and pan of the preview canvas (wheel, buttons, keys, fit, 1:1, drag), the pixel under
 * the pointer, and in wipe mode the drag that moves the wipe line (Shift+drag pans there).
 * `autoFit`: the view follows the image's size (set by fit, cleared by any manual zoom/pan).
 */
import type { Ref } from 'vue';
import { fitView, oneToOne, pan, pixelUnder, stepZoom, wheelFactor, zoomAt, type View } from './viewport';

export interface ViewControlsOptions {
  readonly view: Ref<View>;
  readonly size: Ref<{ w: number; h: number }>;
  readonly cursor: Ref<{ x: number; y: number } | null>;
  readonly wipePos: Ref<number>;
  readonly canvas: Ref<HTMLCanvasElement | null>;
  readonly image: () => { readonly width: number; readonly height: number } | null;
  /** A wipe comparison is shown (a drag moves its line). */
  readonly wiping: () => boolean;
  readonly requestDraw: () => void;
}

export function useViewControls(o: ViewControlsOptions) {
  const state = { autoFit: true };
  let drag: { x: number; y: number; start: View; id: number } | null = null;

  function fit(user = true): void {
    const a = o.image();
    if (!a || !o.size.value.w) return;
    o.view.value = fitView(a.width, a.height, o.size.value.w, o.size.value.h);
    state.autoFit = true;
    if (user) o.requestDraw();
  }

  function oneToOneView(): void {
    const a = o.image();
    if (!a) return;
    o.view.value = oneToOne(a.width, a.height, o.size.value.w, o.size.value.h);
    state.autoFit = false;
    o.requestDraw();
  }

  function zoomStep(dir: 1 | -1): void {
    const target = stepZoom(o.view.value.zoom, dir);
    o.view.value = zoomAt(o.view.value, target / o.view.value.zoom, o.size.value.w / 2, o.size.value.h / 2);
    state.autoFit = false;
    o.requestDraw();
  }

  function localPoint(e: MouseEvent): { x: number; y: number } {
    const r = o.canvas.value?.getBoundingClientRect();
    return { x: e.clientX - (r?.left ?? 0), y: e.clientY - (r?.top ?? 0) };
  }

  function onWheel(e: WheelEvent): void {
    if (!o.image()) return;
    const p = localPoint(e);
    o.view.value = zoomAt(o.view.value, wheelFactor(e.deltaY, e.deltaMode), p.x, p.y);
    state.autoFit = false;
    updateCursor(p);
    o.requestDraw();
  }

  /** The pointer dragging the wipe line (compare mode "wipe"), if any. */
  let wipeDrag: number | null = null;

  /** Moves the wipe line under the pointer (image x as a share of the width, clamped). */
  function wipeTo(p: { x: number; y: number }): void {
    const a = o.image();
    if (!a) return;
    const x = (p.x - o.view.value.panX) / o.view.value.zoom;
    o.wipePos.value = Math.min(1, Math.max(0, x / a.width));
  }

  function onPointerDown(e: PointerEvent): void {
    if (e.button !== 0 && e.button !== 1) return;
    const p = localPoint(e);
    // wipe mode: a left-button drag moves the wipe line (Shift + drag or the middle button pans)
    if (e.button === 0 && !e.shiftKey && o.wiping()) {
      wipeDrag = e.pointerId;
      wipeTo(p);
      (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
      e.preventDefault();
      return;
    }
    drag = { x: p.x, y: p.y, start: o.view.value, id: e.pointerId };
    (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
    e.preventDefault();
  }

  function onPointerMove(e: PointerEvent): void {
    const p = localPoint(e);
    if (wipeDrag === e.pointerId) wipeTo(p);
    else if (drag && drag.id === e.pointerId) {
      o.view.value = pan(drag.start, p.x - drag.x, p.y - drag.y);
      state.autoFit = false;
    }
    updateCursor(p);
    o.requestDraw();
  }

  function onPointerUp(e: PointerEvent): void {
    if (wipeDrag === e.pointerId) {
      (e.currentTarget as HTMLElement).releasePointerCapture?.(e.pointerId);
      wipeDrag = null;
      return;
    }
    if (drag && drag.id === e.pointerId) {
      (e.currentTarget as HTMLElement).releasePointerCapture?.(e.pointerId);
      drag = null;
    }
  }

  function onPointerLeave(): void {
    if (!drag) {
      o.cursor.value = null;
      o.requestDraw();
    }
  }

  function updateCursor(p: { x: number; y: number }): void {
    const a = o.image();
    o.cursor.value = a ? (pixelUnder(o.view.value, p.x, p.y, a.width, a.height) ?? null) : null;
  }

  function onKey(e: KeyboardEvent): void {
    if (e.key === '+' || e.key === '=') zoomStep(1);
    else if (e.key === '-') zoomStep(-1);
    else if (e.key === '0') fit();
    else if (e.key === '1') oneToOneView();
    else return;
    e.preventDefault();
    e.stopPropagation();
  }

  return {
    get autoFit(): boolean {
      return state.autoFit;
    },
    set autoFit(v: boolean) {
      state.autoFit = v;
    },
    fit,
    oneToOneView,
    zoomStep,
    onWheel,
    onPointerDown,
    onPointerMove,
    onPointerUp,
    onPointerLeave,
    onKey,
    updateCursor,
  };
}
