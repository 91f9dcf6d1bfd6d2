/**
 * Socket positions for wires, measured in batches. rete-render-utils' DOMSocketPosition
 * measures each socket as it appears (offsetLeft/offsetTop up to the node), which forces a
 * layout per socket while a graph is being built: O(n²) for a 200-node graph. Here every
 * socket that appeared in a frame is measured together in the next animation frame, after
 * the DOM settled, with one layout.
 */
import type { BaseSchemes } from 'rete';
import { BaseSocketPosition } from 'rete-render-utils';

type Side = 'input' | 'output';
interface Pending {
  readonly nodeId: string;
  readonly element: HTMLElement;
  readonly resolve: (p: { x: number; y: number } | null) => void;
  tries: number;
}

/** Centre of `child` in the coordinates of `parent` (an offsetParent ancestor), or null when detached. */
export function centerIn(child: HTMLElement, parent: HTMLElement): { x: number; y: number } | null {
  if (!child.offsetParent) return null;
  let x = child.offsetLeft;
  let y = child.offsetTop;
  let cur = child.offsetParent as HTMLElement | null;
  while (cur !== null && cur !== parent) {
    x += cur.offsetLeft + cur.clientLeft;
    y += cur.offsetTop + cur.clientTop;
    cur = cur.offsetParent as HTMLElement | null;
  }
  return { x: x + child.offsetWidth / 2, y: y + child.offsetHeight / 2 };
}

export class BatchedSocketPosition<S extends BaseSchemes, K> extends BaseSocketPosition<S, K> {
  private pending: Pending[] = [];
  private frame = 0;

  calculatePosition(nodeId: string, _side: Side, _key: string, element: HTMLElement): Promise<{ x: number; y: number } | null> {
    return new Promise((resolve) => {
      this.pending.push({ nodeId, element, resolve, tries: 0 });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.frame) return;
    const run = (): void => {
      this.frame = 0;
      this.flush();
    };
    this.frame = typeof requestAnimationFrame === 'function' ? requestAnimationFrame(run) : (setTimeout(run, 16) as unknown as number);
  }

  private flush(): void {
    const list = this.pending;
    this.pending = [];
    const area = (this as unknown as { area?: { nodeViews: Map<string, { element: HTMLElement }> } }).area;
    for (const p of list) {
      const view = area?.nodeViews.get(p.nodeId);
      if (!view?.element || !p.element.isConnected) {
        p.resolve(null);
        continue;
      }
      const c = centerIn(p.element, view.element);
      if (c) p.resolve(c);
      else if (++p.tries < 20) this.pending.push(p);
      else p.resolve(null);
    }
    if (this.pending.length) this.schedule();
  }
}
