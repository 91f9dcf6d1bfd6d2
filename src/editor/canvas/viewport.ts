/**
 * Viewport behaviour of the canvas: pan with the left (empty canvas) or middle button, wheel
 * zoom, double-click opens the node search, and a minimap that redraws at most every 80 ms.
 */
import { Drag, Zoom } from 'rete-area-plugin';
import type { Component } from 'vue';
import type { MinimapPlugin } from 'rete-minimap-plugin';
import type { EditorCore } from './editorCore';
import type { Schemes } from './schemes';

/**
 * The minimap re-renders (and measures the container) on every node add/move and pan step;
 * this coalesces that to at most one render per 80 ms (in an animation frame), and none while
 * `quiet()` (a graph is being loaded, the canvas is gone). Returns the "redraw soon" function.
 */
export function throttleMinimap(minimap: MinimapPlugin<Schemes>, quiet: () => boolean): () => void {
  const mm = minimap as unknown as { render(): void };
  const renderMinimap = mm.render.bind(minimap);
  let pending = false;
  let last = 0;
  mm.render = () => {
    if (quiet() || pending) return;
    pending = true;
    const wait = Math.max(0, 80 - (performance.now() - last));
    setTimeout(() => {
      requestAnimationFrame(() => {
        pending = false;
        last = performance.now();
        if (!quiet()) renderMinimap();
      });
    }, wait);
  };
  return () => mm.render();
}

/** Pan and zoom handlers, and double-click on empty canvas → node search. */
export function installPanZoom(core: EditorCore): void {
  // Pan with the left (empty canvas) or middle button; Shift/Ctrl+drag is box selection.
  core.area.area.setDragHandler(
    new Drag({
      down: (e) => (e.pointerType !== 'mouse' || e.button === 0 || e.button === 1) && !e.shiftKey && !e.ctrlKey && !e.metaKey,
      move: () => true,
    }),
  );
  // Double-click on the canvas opens the node search (as in ComfyUI), not a zoom step.
  const zoom = new Zoom(0.1);
  (zoom as unknown as { dblclick: (e: MouseEvent) => void }).dblclick = () => undefined;
  core.area.area.setZoomHandler(zoom);
  core.container.addEventListener('dblclick', (e) => {
    if (e.target instanceof Element && e.target.closest('[data-node-root], .pl-menu, input, select, textarea, button')) return;
    core.cb.openSearch({ x: e.clientX, y: e.clientY });
  });
}

interface MinimapSignal {
  data: { type: string; nodes?: unknown; ratio?: number; viewport?: unknown; translate?: unknown; point?: unknown };
}

/**
 * A rete-vue-plugin preset that draws the minimap with `component` (components/Minimap.vue)
 * instead of the plugin's own, which re-created every mini node on each pan.
 */
export function minimapPreset(component: Component, size: number) {
  const props = (c: MinimapSignal) => ({ nodes: c.data.nodes, size, ratio: c.data.ratio, viewport: c.data.viewport, translate: c.data.translate, point: c.data.point });
  return {
    update: (c: MinimapSignal) => (c.data.type === 'minimap' ? props(c) : undefined),
    render: (c: MinimapSignal) => (c.data.type === 'minimap' ? { component, props: props(c) } : undefined),
  };
}

/**
 * An element's size in px, kept by a ResizeObserver: reading clientWidth after the DOM
 * changed forces a layout of every node (~100 ms with 200 of them), once per visibility check.
 */
export class ContainerSize {
  private size = { w: 1, h: 1 };
  private known = false;
  constructor(private readonly el: HTMLElement) {
    if (typeof ResizeObserver === 'undefined') return;
    new ResizeObserver((entries) => {
      const r = entries[entries.length - 1]!.contentRect;
      this.size = { w: Math.max(1, Math.round(r.width)), h: Math.max(1, Math.round(r.height)) };
      this.known = true;
    }).observe(el);
  }

  get(): { w: number; h: number } {
    if (!this.known) {
      this.size = { w: this.el.clientWidth || 1, h: this.el.clientHeight || 1 };
      this.known = typeof ResizeObserver !== 'undefined';
    }
    return this.size;
  }
}
