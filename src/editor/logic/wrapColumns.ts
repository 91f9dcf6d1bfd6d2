/**
 * After a left-to-right layered layout (Arrange), a layer with many nodes makes one very tall
 * column (restore-digits: 15 metric nodes after the five inpaint methods), so Fit has to zoom
 * out until nothing is readable. This wraps such columns into sub-columns side by side, taking
 * the wrap height that gives the largest zoom that fits the view. Nodes of one layer are not
 * wired to each other, so the sub-columns need no room between them for wires; later columns
 * move right to make space. Pure: rectangles in, positions out.
 */
import type { Rect } from './targets';

export interface WrapOptions {
  /** The view the result should fit (px). */
  readonly view: { readonly w: number; readonly h: number };
  /** Horizontal gap between sub-columns and vertical gap between nodes (graph px). */
  readonly gapX?: number;
  readonly gapY?: number;
}

/** The zoom at which a bounding box fits the view with a 10 % margin (Fit's scale 0.9). */
export function fitZoom(box: { width: number; height: number }, view: { w: number; h: number }): number {
  return 0.9 * Math.min(view.w / Math.max(1, box.width), view.h / Math.max(1, box.height));
}

export function boundingBox(rects: Iterable<Rect>): Rect {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const r of rects) {
    x0 = Math.min(x0, r.x);
    y0 = Math.min(y0, r.y);
    x1 = Math.max(x1, r.x + r.width);
    y1 = Math.max(y1, r.y + r.height);
  }
  return Number.isFinite(x0) ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : { x: 0, y: 0, width: 0, height: 0 };
}

/** Nodes grouped into columns: nodes whose horizontal extents overlap share a column (left to right). */
export function columnsOf(rects: ReadonlyMap<string, Rect>): string[][] {
  const ids = [...rects.keys()].sort((a, b) => rects.get(a)!.x - rects.get(b)!.x);
  const cols: { right: number; ids: string[] }[] = [];
  for (const id of ids) {
    const r = rects.get(id)!;
    const last = cols[cols.length - 1];
    if (last && r.x < last.right) {
      last.ids.push(id);
      last.right = Math.max(last.right, r.x + r.width);
    } else cols.push({ right: r.x + r.width, ids: [id] });
  }
  return cols.map((c) => c.ids.sort((a, b) => rects.get(a)!.y - rects.get(b)!.y));
}

/**
 * The layout with every column taller than `maxHeight` wrapped into sub-columns (each stacked
 * from the top with `gapY` between nodes); later columns move right to make room, and every
 * column is then centred vertically on the tallest, so the layout's height shrinks with it.
 */
export function wrapAt(rects: ReadonlyMap<string, Rect>, maxHeight: number, gapX = 64, gapY = 40): Map<string, Rect> {
  const placed: { ids: string[]; height: number; rel: Map<string, Rect> }[] = [];
  const y0 = Math.min(...[...rects.values()].map((r) => r.y));
  let shift = 0;
  for (const col of columnsOf(rects)) {
    const width = Math.max(...col.map((id) => rects.get(id)!.x + rects.get(id)!.width)) - Math.min(...col.map((id) => rects.get(id)!.x));
    const top = Math.min(...col.map((id) => rects.get(id)!.y));
    const bottom = Math.max(...col.map((id) => rects.get(id)!.y + rects.get(id)!.height));
    const rel = new Map<string, Rect>();
    if (bottom - top <= maxHeight) {
      for (const id of col) {
        const r = rects.get(id)!;
        rel.set(id, { ...r, x: r.x + shift, y: r.y - top });
      }
      placed.push({ ids: col, height: bottom - top, rel });
      continue;
    }
    // stack the nodes into sub-columns of at most maxHeight (a node taller than that gets one alone)
    let sub = 0;
    let y = 0;
    let height = 0;
    for (const id of col) {
      const r = rects.get(id)!;
      if (y > 0 && y + r.height > maxHeight) {
        sub++;
        y = 0;
      }
      rel.set(id, { ...r, x: r.x + shift + sub * (width + gapX), y });
      height = Math.max(height, y + r.height);
      y += r.height + gapY;
    }
    placed.push({ ids: col, height, rel });
    shift += sub * (width + gapX);
  }
  const tallest = Math.max(...placed.map((p) => p.height));
  const out = new Map<string, Rect>();
  for (const p of placed) {
    const dy = y0 + Math.round((tallest - p.height) / 2);
    for (const [id, r] of p.rel) out.set(id, { ...r, y: r.y + dy });
  }
  return out;
}

/**
 * Wraps tall columns when that lets the whole layout be shown at a larger zoom; returns the
 * new rectangles (the input ones when wrapping does not help).
 */
export function wrapTallColumns(rects: ReadonlyMap<string, Rect>, opts: WrapOptions): Map<string, Rect> {
  const gapX = opts.gapX ?? 64;
  const gapY = opts.gapY ?? 40;
  let best = new Map(rects);
  let bestZoom = fitZoom(boundingBox(rects.values()), opts.view);
  const box = boundingBox(rects.values());
  const tallest = Math.max(0, ...[...rects.values()].map((r) => r.height));
  for (let i = 0; i <= 24; i++) {
    const maxHeight = box.height - (i * (box.height - tallest)) / 24;
    if (maxHeight < tallest) break;
    const wrapped = wrapAt(rects, maxHeight, gapX, gapY);
    const z = fitZoom(boundingBox(wrapped.values()), opts.view);
    if (z > bestZoom * 1.02) {
      best = wrapped;
      bestZoom = z;
    }
  }
  return best;
}
