/**
 * Level of detail of the canvas for big graphs (DOM-free).
 *
 * A graph of more than VIRTUALIZE_ABOVE nodes renders a node in full (title, port labels,
 * values, badges, parameter widgets) only while it is near the viewport and the view is not
 * zoomed far out; every other node is a lite box of the same place and ports (so wires,
 * selection, dragging and the minimap work unchanged) and decodes no thumbnail until it
 * scrolls in. Smaller graphs are always rendered in full.
 */
import type { Rect } from './targets';

/** Graphs with more nodes than this are virtualized. */
export const VIRTUALIZE_ABOVE = 60;
/** Zoomed out below this, every node of a big graph is lite (text is ~3 px high there). */
export const LITE_BELOW = 0.3;
/** …and full again above this (hysteresis: no flicker while zooming around the threshold). */
export const LITE_ABOVE = 0.36;

/** Whether a big graph draws lite nodes at zoom `k`, given what it draws now. */
export function liteAt(current: boolean, k: number): boolean {
  if (!current && k < LITE_BELOW) return true;
  if (current && k > LITE_ABOVE) return false;
  return current;
}

/**
 * The nodes near the viewport: those that intersect it grown by half its size on every side
 * (a pan of half a screen in any direction finds them rendered). Null when the graph is small
 * enough to render every node in full.
 */
export function nearNodes(rects: ReadonlyMap<string, Rect>, viewport: Rect): Set<string> | null {
  if (rects.size <= VIRTUALIZE_ABOVE) return null;
  const mx = viewport.width / 2;
  const my = viewport.height / 2;
  const x0 = viewport.x - mx;
  const y0 = viewport.y - my;
  const x1 = viewport.x + viewport.width + mx;
  const y1 = viewport.y + viewport.height + my;
  const out = new Set<string>();
  for (const [id, r] of rects) if (r.x < x1 && r.x + r.width > x0 && r.y < y1 && r.y + r.height > y0) out.add(id);
  return out;
}

/** Same members (null only equals null). */
export function sameSet(a: ReadonlySet<string> | null, b: ReadonlySet<string> | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}
