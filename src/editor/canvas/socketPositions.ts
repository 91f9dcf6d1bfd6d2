/**
 * Socket positions for wires: an indexed replacement for rete-render-utils' socket position
 * watcher, with the same signals (socket 'rendered' / 'unmount', 'nodetranslated',
 * 'noderesized', connection 'render') and the same `listen` contract.
 *
 * rete-render-utils' BaseSocketPosition keeps every socket in one list and every wire's
 * listener in one set: each socket that appears is offered to every wire's listener, each
 * lookup flattens and scans the whole list, and each new wire scans it again — quadratic,
 * 0.6 s of scanning and 0.7 s of garbage collection when a 1,000-node graph opens. Here
 * sockets are indexed by node and port, listeners by node.
 *
 * Positions are measured in batches: every socket that appeared in a frame is measured
 * together in the next animation frame, after the DOM settled, with one layout
 * (DOMSocketPosition measured each socket as it appeared, forcing a layout per socket).
 */
import type { BaseSchemes, Scope } from 'rete';
import { BaseAreaPlugin } from 'rete-area-plugin';

type Side = 'input' | 'output';
type Position = { x: number; y: number };
type OnChange = (p: Position) => void;

interface Pending {
  readonly nodeId: string;
  readonly element: HTMLElement;
  readonly resolve: (p: Position | null) => void;
  tries: number;
}

interface SocketEntry {
  readonly nodeId: string;
  readonly side: Side;
  readonly key: string;
  readonly element: HTMLElement;
  position: Position;
}

interface Listener {
  readonly side: Side;
  readonly key: string;
  readonly change: OnChange;
}

/** Centre of `child` in the coordinates of `parent` (an offsetParent ancestor), or null when detached. */
export function centerIn(child: HTMLElement, parent: HTMLElement): Position | null {
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

const portKey = (nodeId: string, side: Side, key: string): string => `${nodeId}\u0000${side}\u0000${key}`;

/** What the area plugin's signals carry here (only the fields read). */
interface Signal {
  type: string;
  data: { type?: string; id?: string; nodeId?: string; key?: string; side?: Side; element?: HTMLElement; payload?: { source?: string; target?: string } };
}

interface AreaLike {
  readonly nodeViews: Map<string, { element: HTMLElement; position: Position }>;
  addPipe(fn: (ctx: Signal) => Signal | undefined | Promise<Signal | undefined>): void;
}

/** `S`, `K`: the schemes and area signals of the editor it serves (as rete-render-utils' watchers). */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
export class BatchedSocketPosition<S extends BaseSchemes, K> {
  area: AreaLike | null = null;
  /** Sockets by port (the last registered one counts, as in rete-render-utils). */
  private readonly byPort = new Map<string, SocketEntry[]>();
  private readonly byNode = new Map<string, Set<SocketEntry>>();
  private readonly byElement = new Map<HTMLElement, SocketEntry[]>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private pending: Pending[] = [];
  private frame = 0;

  attach(scope: Scope<never, [K]>): void {
    if (this.area || !scope.hasParent()) return;
    const area = scope.parentScope(BaseAreaPlugin) as unknown as AreaLike;
    this.area = area;
    area.addPipe(async (ctx) => {
      const d = ctx.data;
      if (ctx.type === 'rendered' && d.type === 'socket' && d.nodeId && d.side && d.key !== undefined && d.element) {
        const { nodeId, side, key, element } = d;
        const position = await this.calculatePosition(nodeId, side, key, element);
        if (position) {
          this.add({ nodeId, side, key, element, position });
          this.emit(nodeId, side, key);
        }
      } else if (ctx.type === 'unmount' && d.element) {
        this.remove(d.element);
      } else if (ctx.type === 'nodetranslated' && d.id) {
        this.emit(d.id);
      } else if (ctx.type === 'noderesized' && d.id) {
        const id = d.id;
        await Promise.all(
          [...(this.byNode.get(id) ?? [])].map(async (entry) => {
            const p = await this.calculatePosition(id, entry.side, entry.key, entry.element);
            if (p) entry.position = p;
          }),
        );
        this.emit(id);
      } else if (ctx.type === 'render' && d.type === 'connection') {
        const nodeId = d.payload?.source || d.payload?.target;
        if (nodeId) this.emit(nodeId);
      }
      return ctx;
    });
  }

  /** rete-vue-plugin's connection views call this for each end of a wire. */
  listen(nodeId: string, side: Side, key: string, change: OnChange): () => void {
    let set = this.listeners.get(nodeId);
    if (!set) this.listeners.set(nodeId, (set = new Set()));
    const l: Listener = { side, key, change };
    set.add(l);
    this.notify(nodeId, l);
    return () => {
      const s = this.listeners.get(nodeId);
      if (!s) return;
      s.delete(l);
      if (s.size === 0) this.listeners.delete(nodeId);
    };
  }

  /** The position of a socket relative to its node, or null when it is not rendered. */
  position(nodeId: string, side: Side, key: string): Position | null {
    const list = this.byPort.get(portKey(nodeId, side, key));
    return list && list.length ? list[list.length - 1]!.position : null;
  }

  /** Sockets registered (for tests and diagnostics). */
  get size(): number {
    let n = 0;
    for (const l of this.byElement.values()) n += l.length;
    return n;
  }

  calculatePosition(nodeId: string, _side: Side, _key: string, element: HTMLElement): Promise<Position | null> {
    return new Promise((resolve) => {
      this.pending.push({ nodeId, element, resolve, tries: 0 });
      this.schedule();
    });
  }

  private add(entry: SocketEntry): void {
    const same = (e: SocketEntry): boolean => e.nodeId === entry.nodeId && e.side === entry.side && e.key === entry.key;
    const onEl = this.byElement.get(entry.element) ?? [];
    for (const old of onEl.filter(same)) this.drop(old);
    this.byElement.set(entry.element, [...onEl.filter((e) => !same(e)), entry]);
    const k = portKey(entry.nodeId, entry.side, entry.key);
    const list = this.byPort.get(k);
    if (list) list.push(entry);
    else this.byPort.set(k, [entry]);
    let n = this.byNode.get(entry.nodeId);
    if (!n) this.byNode.set(entry.nodeId, (n = new Set()));
    n.add(entry);
  }

  private remove(element: HTMLElement): void {
    const list = this.byElement.get(element);
    if (!list) return;
    this.byElement.delete(element);
    for (const e of list) this.drop(e);
  }

  /** Removes an entry from the port and node indexes. */
  private drop(e: SocketEntry): void {
    const k = portKey(e.nodeId, e.side, e.key);
    const list = this.byPort.get(k);
    if (list) {
      const i = list.indexOf(e);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.byPort.delete(k);
    }
    const n = this.byNode.get(e.nodeId);
    if (n) {
      n.delete(e);
      if (n.size === 0) this.byNode.delete(e.nodeId);
    }
  }

  /** Tells the listeners of a node (of one port when side and key are given) where their sockets are. */
  private emit(nodeId: string, side?: Side, key?: string): void {
    const set = this.listeners.get(nodeId);
    if (!set) return;
    for (const l of set) if (side === undefined || (l.side === side && l.key === key)) this.notify(nodeId, l);
  }

  private notify(nodeId: string, l: Listener): void {
    const p = this.position(nodeId, l.side, l.key);
    const view = this.area?.nodeViews.get(nodeId);
    if (p && view) l.change({ x: p.x + view.position.x, y: p.y + view.position.y });
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
    for (const p of list) {
      const view = this.area?.nodeViews.get(p.nodeId);
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
