/**
 * Reroute points on wires (rete-connection-reroute-plugin with rete-vue-plugin's pins).
 *
 * A wire's points are kept with its edge in the graph file, as the edge key `reroute`
 * (`[{ "x": …, "y": … }, …]`, graph coordinates, in order from the output to the input); the
 * evaluator ignores them. Shift+click on a wire (or "Add reroute point" in its menu) adds a
 * point where the pointer is, between the two points it lies between; a point is dragged to
 * move it and right-clicked to remove it. Each change is one undo step (a drag: one step).
 *
 * The plugin on its own adds a point on every press on a wire; here only Shift+press does
 * (a plain click on a wire previews its output): other presses reach the plugin as a decoy
 * that names no element, and the next pipe gives the rest of the editor the real one back.
 */
import type { Scope } from 'rete';
import { ReroutePlugin } from 'rete-connection-reroute-plugin';
import type { HistoryAction, HistoryPlugin } from 'rete-history-plugin';
import { Presets as VuePresets } from 'rete-vue-plugin';
import type { Graph } from '../../engine/graph';
import type { Edge, Position } from '../../engine/types';
import type { Schemes } from './schemes';

export const REROUTE_KEY = 'reroute';

/** The reroute points stored with an edge, or [] when the value is not a list of finite points. */
export function parseReroute(value: unknown): Position[] {
  if (!Array.isArray(value)) return [];
  const out: Position[] = [];
  for (const p of value) {
    const x = (p as { x?: unknown } | null)?.x;
    const y = (p as { y?: unknown } | null)?.y;
    if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) return [];
    out.push({ x, y });
  }
  return out;
}

/**
 * Where a new point at `p` goes in a wire start → points → end: the index (into `points`)
 * that adds the least length to the wire.
 */
export function insertIndex(p: Position, start: Position, points: readonly Position[], end: Position): number {
  const line = [start, ...points, end];
  const d = (a: Position, b: Position): number => Math.hypot(a.x - b.x, a.y - b.y);
  let best = 0;
  let bestCost = Infinity;
  for (let i = 0; i < line.length - 1; i++) {
    const cost = d(line[i]!, p) + d(p, line[i + 1]!) - d(line[i]!, line[i + 1]!);
    if (cost < bestCost - 1e-9) {
      bestCost = cost;
      best = i;
    }
  }
  return best;
}

interface SignalLike {
  type: string;
  data: { event?: PointerEvent };
}

export class Reroutes {
  readonly plugin = new ReroutePlugin<Schemes>();
  private readonly decoys = new WeakMap<object, unknown>();

  constructor(
    render: Scope<never, never[]> & { addPreset(preset: unknown): void },
    private readonly opts: {
      graph(): Graph;
      /** The edge a wire draws, if it is in the graph. */
      edgeOf(connectionId: string): Edge | undefined;
      history: HistoryPlugin<Schemes>;
      /** Redraws a wire (after its points were replaced). */
      redraw(connectionId: string): void;
      /** No point may be added, moved or removed (view-only lock). */
      locked(): boolean;
    },
  ) {
    // Only Shift+press on a wire reaches the plugin's "add a point" handler.
    render.addPipe((ctx) => {
      const c = ctx as unknown as SignalLike;
      if (c?.type !== 'pointerdown' || !c.data?.event || (c.data.event.shiftKey && !this.opts.locked())) return ctx;
      const decoy = { ...c, data: { ...c.data, event: { composedPath: () => [] as EventTarget[], target: null } } };
      this.decoys.set(decoy, ctx);
      return decoy as never;
    });
    render.use(this.plugin as never);
    render.addPipe((ctx) => (ctx && typeof ctx === 'object' && this.decoys.has(ctx) ? (this.decoys.get(ctx) as never) : ctx));
    render.addPreset(
      VuePresets.reroute.setup({
        translate: (id, dx, dy) => {
          if (this.opts.locked()) return;
          void this.plugin.translate(id, dx, dy).then(() => this.changedPin(id));
        },
        contextMenu: (id) => void this.remove(id),
        pointerdown: (id) => {
          void this.plugin.unselect(id);
          void this.plugin.select(id);
        },
      }) as never,
    );
    const add = this.plugin.add.bind(this.plugin);
    this.plugin.add = (connectionId, position, index) => {
      if (this.adding === 0) this.flush();
      add(connectionId, { x: Math.round(position.x), y: Math.round(position.y) }, index);
      if (this.adding === 0) this.changed(connectionId);
    };
  }

  /** The wire being edited and its points before the edit (one undo step per edit or drag). */
  private edit: { id: string; before: Position[]; timer: ReturnType<typeof setTimeout> } | null = null;

  /** The user changed a wire's points: store them with the edge and record the undo step. */
  private changed(connectionId: string): void {
    const edge = this.opts.edgeOf(connectionId);
    if (!edge) return;
    const before = parseReroute(edge.extra?.[REROUTE_KEY]);
    const after = this.points(connectionId);
    this.opts.graph().setEdgeExtra(edge.to, REROUTE_KEY, after.length ? after : undefined);
    if (this.edit && this.edit.id !== connectionId) this.flush();
    if (this.edit) clearTimeout(this.edit.timer);
    this.edit = { id: connectionId, before: this.edit?.before ?? before, timer: setTimeout(() => this.flush(), 300) };
  }

  /** Records the pending edit as one history step. */
  flush(): void {
    const e = this.edit;
    if (!e) return;
    clearTimeout(e.timer);
    this.edit = null;
    const after = this.points(e.id);
    if (JSON.stringify(after) === JSON.stringify(e.before)) return;
    this.opts.history.separate();
    this.opts.history.add(new PointsAction(this, e.id, e.before, after));
    this.opts.history.separate();
  }

  /** Undo/redo: puts a wire's points back (view and graph). */
  restore(connectionId: string, points: readonly Position[]): void {
    this.set(connectionId, points);
    const edge = this.opts.edgeOf(connectionId);
    if (edge) this.opts.graph().setEdgeExtra(edge.to, REROUTE_KEY, points.length ? points.map((p) => ({ x: p.x, y: p.y })) : undefined);
  }

  /** Pin containers whose (non-empty) pin list has been rendered. */
  private readonly shown = new WeakSet<object>();

  /**
   * An area pipe before the Vue renderer: the plugin asks to render the pin list of every wire
   * each time its path is computed; a wire that never had points needs nothing rendered.
   */
  filterRender<T>(ctx: T): T | undefined {
    const c = ctx as { type?: string; data?: { type?: string; element?: object; data?: { pins?: unknown[] } } };
    if (c?.type !== 'render' || c.data?.type !== 'reroute-pins' || !c.data.element) return ctx;
    if ((c.data.data?.pins?.length ?? 0) > 0) this.shown.add(c.data.element);
    else if (!this.shown.has(c.data.element)) return undefined;
    return ctx;
  }

  /** >0 while points are restored from a file (not a user change). */
  private adding = 0;

  /** The points of a wire, in order. */
  points(connectionId: string): Position[] {
    return this.plugin.pins.getPins(connectionId).map((p) => ({ x: p.position.x, y: p.position.y }));
  }

  /** Replaces a wire's points (loading a graph, undo) without reporting a change. */
  set(connectionId: string, points: readonly Position[]): void {
    for (const p of this.plugin.pins.getPins(connectionId)) this.plugin.pins.remove(p.id);
    this.adding++;
    try {
      for (const p of points) this.plugin.add(connectionId, { x: p.x, y: p.y });
    } finally {
      this.adding--;
    }
    if (points.length === 0) this.opts.redraw(connectionId);
  }

  /** Forgets every point (a graph is being replaced). */
  clear(): void {
    for (const p of this.plugin.pins.getPins()) this.plugin.pins.remove(p.id);
  }

  /** Adds a point at `at` on the wire whose ends are `start` and `end`. */
  addAt(connectionId: string, at: Position, start: Position, end: Position): void {
    if (this.opts.locked()) return;
    this.plugin.add(connectionId, at, insertIndex(at, start, this.points(connectionId), end));
  }

  async remove(pinId: string): Promise<void> {
    if (this.opts.locked()) return;
    const pin = this.plugin.pins.getPin(pinId);
    if (!pin) return;
    this.flush(); // a drag just before is its own undo step
    await this.plugin.remove(pinId);
    this.changed(pin.connectionId);
  }

  private changedPin(pinId: string): void {
    const pin = this.plugin.pins.getPin(pinId);
    if (pin) this.changed(pin.connectionId);
  }
}

class PointsAction implements HistoryAction {
  constructor(
    private readonly reroutes: Reroutes,
    private readonly id: string,
    private readonly before: readonly Position[],
    private readonly after: readonly Position[],
  ) {}
  undo(): void {
    this.reroutes.restore(this.id, this.before);
  }
  redo(): void {
    this.reroutes.restore(this.id, this.after);
  }
}
