/**
 * The canvas: Rete v2 (area, connection, Vue render, context menu, minimap, history,
 * readonly, comments; auto-arrange on demand) as a view over the engine's Graph.
 *
 * The Graph is the source of truth. Every edit that reaches the Rete editor — from the
 * palette, a dragged wire, a deletion, or the history plugin's undo/redo — passes a pipe
 * that applies the same Graph command first (graph.addNode / connect / disconnect /
 * removeNode / setPosition) and is refused when the Graph refuses it, so validation is
 * identical to files and the CLI. Param edits call graph.setParam and record their own
 * history action.
 */
import { NodeEditor } from 'rete';
import { AreaExtensions, AreaPlugin, Drag, Zoom } from 'rete-area-plugin';
import { ClassicFlow, ConnectionPlugin, getSourceTarget, type SocketData } from 'rete-connection-plugin';
import { ContextMenuPlugin } from 'rete-context-menu-plugin';
import type { Item as MenuItem } from 'rete-context-menu-plugin/_types/types';
import { HistoryPlugin, Presets as HistoryPresets, type HistoryAction } from 'rete-history-plugin';
import { MinimapPlugin } from 'rete-minimap-plugin';
import { ReadonlyPlugin } from 'rete-readonly-plugin';
import { CommentExtensions, CommentPlugin, FrameComment, InlineComment, type Comment } from 'rete-comment-plugin';
import { Presets as VuePresets, VuePlugin, type VueArea2D } from 'rete-vue-plugin';
import type { ContextMenuExtra } from 'rete-context-menu-plugin';
import type { MinimapExtra } from 'rete-minimap-plugin';
import { createApp, markRaw, type App, type Component } from 'vue';
import { GraphFileError } from '../../engine/errors';
import { graphToDocument, parseGraph, type GraphDocument, type NodeDocument } from '../../engine/format';
import { Graph, formatPortRef, type GraphEvent } from '../../engine/graph';
import { hasOwn } from '../../engine/params';
import type { NodeRegistry, NodeCatalogEntry } from '../../engine/registry';
import type { NodeMode, PortRef, Position } from '../../engine/types';
import { ModeAction, toggleModes } from './modes';
import { copyFragment, fragmentFromText, fragmentToText, planPaste } from '../logic/clipboard';
import { idForType } from '../logic/ids';
import { byCategory } from '../logic/catalog';
import type { WireEnd } from '../logic/palette';
import { visibleNodeIds, type Rect } from '../logic/targets';
import { EditorConnection, EditorNode, PortSocket, type Schemes } from './schemes';
import { BatchedSocketPosition, centerIn } from './socketPositions';

type AreaExtra = VueArea2D<Schemes> | ContextMenuExtra | MinimapExtra;

export interface CanvasComponents {
  node: Component;
  connection: Component;
  /** Called for every Vue app rete-vue-plugin creates (one per node, wire, menu). */
  setupApp?: (app: App) => void;
}

export interface CoreCallbacks {
  /** A message for the user (refused connection, bad paste, …). */
  notice(text: string, kind?: 'error' | 'info'): void;
  /** The graph changed; `evaluate` when results may differ (not for moves and comments). */
  changed(evaluate: boolean): void;
  /** The viewport moved or zoomed, or node sizes changed. */
  viewChanged(): void;
  /** The node selection changed. */
  selectionChanged(ids: string[]): void;
  /** A wire was dropped on empty canvas: open the search filtered to compatible nodes. */
  wireDropped(end: WireEnd & { node: string; port: string }, client: { x: number; y: number }): void;
  /** Request to open the node search at a client position (double-click, context menu). */
  openSearch(client: { x: number; y: number }): void;
  /** A node or wire was clicked: show that output in the preview. */
  previewRequested(ref: { node: string; port: string }, compare: boolean): void;
}

/** Default source of a new image.load node: a sample image the app serves. */
export const DEFAULT_IMAGE_SOURCE = '/assets/camera.png';

class ParamAction implements HistoryAction {
  constructor(
    private readonly core: EditorCore,
    readonly node: string,
    readonly name: string,
    readonly before: unknown,
    public after: unknown,
  ) {}
  undo(): void {
    this.core.applyParam(this.node, this.name, this.before);
  }
  redo(): void {
    this.core.applyParam(this.node, this.name, this.after);
  }
}

class CommentsAction implements HistoryAction {
  constructor(
    private readonly core: EditorCore,
    private readonly before: unknown[],
    private readonly after: unknown[],
  ) {}
  undo(): void {
    this.core.restoreComments(this.before);
  }
  redo(): void {
    this.core.restoreComments(this.after);
  }
}

interface StoredComment {
  id: string;
  text: string;
  nodes?: string[];
  position?: { x: number; y: number };
  link?: string;
}

export class EditorCore {
  graph: Graph;
  readonly editor = new NodeEditor<Schemes>();
  readonly area: AreaPlugin<Schemes, AreaExtra>;
  readonly history = new HistoryPlugin<Schemes>({ timing: 200 });
  readonly readonly = new ReadonlyPlugin<Schemes>();
  readonly comments: CommentPlugin<Schemes, AreaExtra>;
  private readonly connection = new ConnectionPlugin<Schemes, AreaExtra>();
  private readonly selector = AreaExtensions.selector();
  private readonly selectable: { select(id: string, accumulate: boolean): Promise<void>; unselect(id: string): Promise<void> };
  private readonly entries: Map<string, NodeCatalogEntry>;
  /** >0 while the Rete view is built from an already-updated Graph (load, comment restore). */
  private mirroring = 0;
  private rev = 0;
  private lastComments: unknown[] = [];
  private offGraph: () => void = () => undefined;
  private pendingDrop: { end: WireEnd & { node: string; port: string } } | null = null;
  private destroyed = false;
  private refreshMinimap: () => void = () => undefined;
  private commentTimer: ReturnType<typeof setTimeout> | null = null;
  /** The wire being dragged was started from a socket (not pulled off an existing connection). */
  private freshWire = false;
  /** Wires dropped because they were refused: no search popup for them. */
  private readonly quietDrops = new Set<SocketData>();

  constructor(
    readonly container: HTMLElement,
    readonly registry: NodeRegistry,
    readonly catalog: readonly NodeCatalogEntry[],
    components: CanvasComponents,
    private readonly cb: CoreCallbacks,
  ) {
    this.entries = new Map(catalog.map((e) => [e.type, e]));
    this.graph = new Graph(registry);
    this.area = new AreaPlugin<Schemes, AreaExtra>(container);
    this.comments = new CommentPlugin<Schemes, AreaExtra>({ edit: (c) => this.editCommentText(c) });

    const render = new VuePlugin<Schemes, AreaExtra>({
      setup: ((context: Parameters<typeof createApp>[0]) => {
        const app = createApp(context);
        components.setupApp?.(app);
        return app;
      }) as never,
    });
    const classic = VuePresets.classic.setup<Schemes, VueArea2D<Schemes>>({
      socketPositionWatcher: new BatchedSocketPosition<Schemes, VueArea2D<Schemes>>() as never,
      customize: {
        node: () => components.node,
        connection: () => components.connection,
      },
    });
    // Sockets are drawn inside the node component (SocketRef), which only announces their
    // elements to the connection plugin: one Vue app per socket would cost ~1 ms each.
    render.addPreset({
      ...classic,
      render: (context: Parameters<typeof classic.render>[0], plugin: Parameters<typeof classic.render>[1]) => (context.data.type === 'socket' ? undefined : classic.render(context, plugin)),
    } as never);
    render.addPreset(VuePresets.contextMenu.setup({ delay: 200 }) as never);
    render.addPreset(VuePresets.minimap.setup({ size: 140 }) as never);

    this.connection.addPreset(
      () =>
        new ClassicFlow({
          canMakeConnection: (initial, socket) => this.canMakeConnection(initial, socket),
          makeConnection: (initial, socket, context) => {
            const st = getSourceTarget(initial, socket);
            if (!st) return false;
            const [s, t] = st as [SocketData, SocketData];
            void context.editor.addConnection(this.makeConnection({ node: s.nodeId, port: s.key }, { node: t.nodeId, port: t.key }));
            return true;
          },
        }),
    );

    const menu = new ContextMenuPlugin<Schemes>({ items: (ctx) => this.menuItems(ctx) });
    const minimap = new MinimapPlugin<Schemes>({ boundViewport: true });
    // The minimap re-renders (and measures the container) on every node add/move and pan
    // step; coalesce that to at most one render per 80 ms (in an animation frame), and none
    // while a graph is being loaded.
    const mm = minimap as unknown as { render(): void };
    const renderMinimap = mm.render.bind(minimap);
    let minimapPending = false;
    let minimapLast = 0;
    mm.render = () => {
      if (this.mirroring > 0 || minimapPending) return;
      minimapPending = true;
      const wait = Math.max(0, 80 - (performance.now() - minimapLast));
      setTimeout(() => {
        requestAnimationFrame(() => {
          minimapPending = false;
          minimapLast = performance.now();
          if (this.mirroring === 0 && !this.destroyed) renderMinimap();
        });
      }, wait);
    };
    this.refreshMinimap = () => mm.render();

    this.editor.use(this.readonly.root);
    this.editor.use(this.area);
    this.area.use(this.readonly.area);
    this.connection.use(this.readonly.connection as never);
    this.area.use(this.connection);
    this.area.use(render);
    this.area.use(menu as never);
    this.area.use(minimap as never);
    this.history.addPreset(HistoryPresets.classic.setup());
    this.area.use(this.history);
    this.area.use(this.comments as never);

    AreaExtensions.simpleNodesOrder(this.area);
    // Pan and zoom move one composited layer instead of repainting every node each frame.
    this.area.area.content.holder.style.willChange = 'transform';
    const accumulating = AreaExtensions.accumulateOnCtrl();
    this.selectable = AreaExtensions.selectableNodes(this.area, this.selector, { accumulating });
    CommentExtensions.selectable(this.comments as never, this.selector, accumulating);

    // Pan with the left (empty canvas) or middle button; Shift/Ctrl+drag is box selection.
    this.area.area.setDragHandler(
      new Drag({
        down: (e) => (e.pointerType !== 'mouse' || e.button === 0 || e.button === 1) && !e.shiftKey && !e.ctrlKey && !e.metaKey,
        move: () => true,
      }),
    );
    // Double-click on the canvas opens the node search (as in ComfyUI), not a zoom step.
    const zoom = new Zoom(0.1);
    (zoom as unknown as { dblclick: (e: MouseEvent) => void }).dblclick = () => undefined;
    this.area.area.setZoomHandler(zoom);
    container.addEventListener('dblclick', (e) => {
      if (e.target instanceof Element && e.target.closest('[data-node-root], .pl-menu, input, select, textarea, button')) return;
      this.cb.openSearch({ x: e.clientX, y: e.clientY });
    });

    this.installPipes();
    this.offGraph = this.graph.on((e) => this.onGraphEvent(e));
  }

  // ---- state ---------------------------------------------------------------------------

  /** Increments on every change that can alter results. */
  get revision(): number {
    return this.rev;
  }

  entry(type: string): NodeCatalogEntry | undefined {
    return this.entries.get(type);
  }

  node(id: string): EditorNode | undefined {
    return this.editor.getNode(id);
  }

  selectedIds(): string[] {
    return this.editor
      .getNodes()
      .filter((n) => n.selected)
      .map((n) => n.id);
  }

  /** The current graph as a document (with comments and the viewport under `ui`). */
  document(): GraphDocument {
    const doc = graphToDocument(this.graph);
    const t = this.area.area.transform;
    doc.ui = { ...(doc.ui ?? {}), viewport: { x: round2(t.x), y: round2(t.y), zoom: round2(t.k) } };
    return doc;
  }

  /** The viewport in graph coordinates. */
  viewport(): Rect {
    const t = this.area.area.transform;
    const w = this.container.clientWidth || 1;
    const h = this.container.clientHeight || 1;
    return { x: -t.x / t.k, y: -t.y / t.k, width: w / t.k, height: h / t.k };
  }

  /** Graph-space point at the centre of the view. */
  viewCenter(): Position {
    const v = this.viewport();
    return { x: v.x + v.width / 2, y: v.y + v.height / 2 };
  }

  /** Client (screen) coordinates → graph coordinates. */
  toGraph(client: { x: number; y: number }): Position {
    const r = this.container.getBoundingClientRect();
    const t = this.area.area.transform;
    return { x: (client.x - r.left - t.x) / t.k, y: (client.y - r.top - t.y) / t.k };
  }

  /** Rectangles of all nodes in graph coordinates. */
  nodeRects(): Map<string, Rect> {
    const out = new Map<string, Rect>();
    for (const [id, view] of this.area.nodeViews) {
      const n = this.editor.getNode(id);
      if (n) out.set(id, { x: view.position.x, y: view.position.y, width: n.width, height: n.height });
    }
    return out;
  }

  visibleIds(margin = 80): string[] {
    return visibleNodeIds(this.nodeRects(), this.viewport(), margin);
  }

  /** A node component reports its rendered size. */
  setNodeSize(id: string, width: number, height: number): void {
    const n = this.editor.getNode(id);
    if (!n || (Math.abs(n.width - width) < 1 && Math.abs(n.height - height) < 1)) return;
    n.width = width;
    n.height = height;
    this.refreshMinimap();
    this.cb.viewChanged();
  }

  // ---- loading -------------------------------------------------------------------------

  /**
   * Replaces the graph with a document (migrate → validate → Graph). Throws GraphFileError
   * listing every problem; the current graph stays when the document is refused.
   */
  async load(doc: unknown, opts: { fit?: boolean } = {}): Promise<void> {
    const graph = parseGraph(doc, this.registry);
    this.mirroring++;
    try {
      this.offGraph();
      await this.editor.clear();
      this.comments.clear();
      this.graph = graph;
      this.offGraph = graph.on((e) => this.onGraphEvent(e));
      const ports = placeholderPorts(graph);
      for (const id of graph.nodeIds()) {
        const gn = graph.getNode(id)!;
        const n = new EditorNode(id, gn.type, this.entries.get(gn.type), { ...gn.params }, { ...gn.extra }, ports.get(id));
        n.mode = gn.mode;
        await this.editor.addNode(n);
        await this.area.translate(id, gn.position);
      }
      for (const e of graph.edges) await this.editor.addConnection(this.makeConnection(e.from, e.to));
      this.restoreComments(Array.isArray(graph.extras.comments) ? (graph.extras.comments as unknown[]) : [], false);
    } finally {
      this.mirroring--;
    }
    this.refreshMinimap();
    this.history.clear();
    this.rev++;
    const vp = (graph.extras.ui as { viewport?: { x?: unknown; y?: unknown; zoom?: unknown } } | undefined)?.viewport;
    if (!opts.fit && vp && typeof vp.x === 'number' && typeof vp.y === 'number' && typeof vp.zoom === 'number' && vp.zoom > 0) {
      await this.area.area.zoom(vp.zoom, 0, 0);
      await this.area.area.translate(vp.x, vp.y);
    } else {
      await this.zoomFit();
    }
    this.cb.changed(true);
    this.cb.selectionChanged([]);
  }

  // ---- editing commands ------------------------------------------------------------------

  /** Adds a node of `type` with its top-left at `at` (default: centred in the view). Returns its id. */
  async addNode(type: string, at?: Position, params: Record<string, unknown> = {}): Promise<string | null> {
    const entry = this.entries.get(type);
    if (!entry) {
      this.cb.notice(`unknown node type "${type}"`, 'error');
      return null;
    }
    const id = idForType(type, (x) => this.graph.getNode(x) !== undefined);
    const p = { ...params };
    if (type === 'image.load' && !hasOwn(p, 'source')) p.source = DEFAULT_IMAGE_SOURCE;
    const pos = at ?? this.freeSpotNearCenter();
    return this.gesture(async () => {
      const n = new EditorNode(id, type, entry, p);
      if (!(await this.editor.addNode(n))) return null;
      await this.area.translate(id, { x: Math.round(pos.x), y: Math.round(pos.y) });
      await this.selectOnly([id]);
      return id;
    });
  }

  /**
   * Where a node added from the palette goes: the free spot (no overlap with other nodes)
   * nearest to the view centre, searched on rings around it; the centre itself when the
   * view is full.
   */
  private freeSpotNearCenter(): Position {
    const c = this.viewCenter();
    const size = { width: 248, height: 320 };
    const base = { x: Math.round(c.x - size.width / 2), y: Math.round(c.y - size.height / 2) };
    const rects = [...this.nodeRects().values()];
    const free = (p: Position): boolean =>
      !rects.some((r) => p.x < r.x + r.width + 24 && r.x < p.x + size.width + 24 && p.y < r.y + r.height + 24 && r.y < p.y + size.height + 24);
    const step = 40;
    for (let ring = 0; ring <= 30; ring++) {
      for (let i = -ring; i <= ring; i++) {
        for (const [dx, dy] of [[i, -ring], [i, ring], [-ring, i], [ring, i]] as const) {
          const p = { x: base.x + dx * step, y: base.y + dy * step };
          if (free(p)) return p;
        }
      }
    }
    return base;
  }

  /** Connects two ports; a refused connection is reported with the Graph's reason. */
  async connect(from: PortRef, to: PortRef): Promise<boolean> {
    const problem = this.graph.checkConnect(from, to, { replacing: true });
    if (problem) {
      this.cb.notice(problem.message, 'error');
      return false;
    }
    return this.gesture(async () => {
      const existing = this.graph.edgeInto(to.node, to.port);
      if (existing) await this.editor.removeConnection(this.connectionIdOf(existing.from, existing.to));
      return this.editor.addConnection(this.makeConnection(from, to));
    });
  }

  async disconnect(to: PortRef): Promise<void> {
    const e = this.graph.edgeInto(to.node, to.port);
    if (!e) return;
    await this.gesture(() => this.editor.removeConnection(this.connectionIdOf(e.from, e.to)));
  }

  async removeNodes(ids: readonly string[]): Promise<void> {
    const set = new Set(ids.filter((id) => this.editor.getNode(id)));
    if (set.size === 0) return;
    await this.gesture(async () => {
      for (const c of [...this.editor.getConnections()]) {
        if (set.has(c.source) || set.has(c.target)) await this.editor.removeConnection(c.id);
      }
      for (const id of set) await this.editor.removeNode(id);
    });
    this.cb.selectionChanged(this.selectedIds());
  }

  /** Deletes the selected nodes and comments. */
  async deleteSelection(): Promise<void> {
    const comments = [...this.selector.entities.values()].filter((e) => e.label === 'comment').map((e) => e.id);
    if (comments.length) {
      const before = this.storedComments();
      this.mirroring++;
      try {
        for (const id of comments) this.comments.delete(id);
      } finally {
        this.mirroring--;
      }
      this.commitComments(before);
    }
    await this.removeNodes(this.selectedIds());
  }

  /**
   * Sets a param through graph.setParam (validated) and records it for undo. `record:false`
   * applies without a history entry (slider drags; the release records once with `from`).
   * Throws the Graph's error for an invalid value.
   */
  setParam(id: string, name: string, value: unknown, opts: { record?: boolean; from?: unknown } = {}): void {
    const gn = this.graph.getNode(id);
    if (!gn) throw new Error(`no node "${id}"`);
    const before = opts.from !== undefined ? opts.from : hasOwn(gn.params, name) ? gn.params[name] : undefined;
    this.applyParam(id, name, value);
    if (opts.record !== false) {
      this.history.separate();
      this.history.add(new ParamAction(this, id, name, before, value));
      this.history.separate();
    }
  }

  /** Applies a param without recording (history replay). */
  applyParam(id: string, name: string, value: unknown): void {
    this.graph.setParam(id, name, value);
  }

  /**
   * Ctrl+B / Ctrl+M: toggles bypass or mute on `ids` (default: the selection) — all of them
   * get `mode`, or, when all have it already, all become active. One undo step.
   */
  toggleMode(mode: NodeMode, ids: readonly string[] = this.selectedIds()): void {
    const nodes = ids.flatMap((id) => (this.graph.getNode(id) ? [{ id, mode: this.graph.getNode(id)!.mode }] : []));
    const changes = toggleModes(nodes, mode);
    if (changes.length === 0) return;
    const action = new ModeAction((id, m) => this.graph.setMode(id, m), changes);
    action.redo();
    this.history.separate();
    this.history.add(action);
    this.history.separate();
  }

  async undo(): Promise<void> {
    this.history.separate();
    await this.history.undo();
    this.cb.selectionChanged(this.selectedIds());
  }

  async redo(): Promise<void> {
    await this.history.redo();
    this.cb.selectionChanged(this.selectedIds());
  }

  /** The selection (or `ids`) as clipboard text: a graph document fragment. */
  copy(ids: readonly string[] = this.selectedIds()): string | null {
    if (ids.length === 0) return null;
    return fragmentToText(copyFragment(this.document(), ids));
  }

  /**
   * Pastes clipboard text (a graph fragment from this or another graph) with fresh ids, its
   * top-left at `at` (default: a little right/below the copied nodes, or the view centre).
   * Returns the new ids; notices explain what could not be pasted. `withInputs` (Ctrl+Shift+V)
   * also keeps the wires that came into the copied nodes from nodes that were not copied, when
   * those nodes are in this graph.
   */
  async paste(text: string, at?: Position, opts: { withInputs?: boolean } = {}): Promise<string[]> {
    let fragment: GraphDocument | null;
    try {
      fragment = fragmentFromText(text);
    } catch (e) {
      this.cb.notice(`cannot paste: ${(e as Error).message}`, 'error');
      return [];
    }
    if (!fragment || fragment.nodes.length === 0) {
      this.cb.notice('the clipboard holds no pixel-loom nodes', 'info');
      return [];
    }
    const target = at ?? this.pasteTarget(fragment);
    const exists = (id: string): boolean => this.graph.getNode(id) !== undefined;
    const plan = planPaste(fragment, exists, target, false, opts.withInputs ? exists : undefined);
    const added: string[] = [];
    const problems: string[] = [];
    await this.gesture(async () => {
      for (const nd of plan.nodes) {
        const ok = await this.addNodeDocument(nd, problems);
        if (ok) added.push(nd.id);
      }
      const fresh = new Set(plan.nodes.map((n) => n.id));
      for (const e of plan.edges) {
        // a wire from a pasted node needs that node; a kept incoming wire, its source in this graph
        const fromOk = fresh.has(e.from.node) ? added.includes(e.from.node) : exists(e.from.node);
        if (!fromOk || !added.includes(e.to.node)) continue;
        const problem = this.graph.checkConnect(e.from, e.to);
        if (problem) problems.push(problem.message);
        else await this.editor.addConnection(this.makeConnection(e.from, e.to));
      }
    });
    await this.selectOnly(added);
    if (problems.length) this.cb.notice(`pasted ${added.length} of ${plan.nodes.length} nodes; ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, 'error');
    return added;
  }

  async duplicate(): Promise<string[]> {
    const text = this.copy();
    if (!text) return [];
    const fragment = fragmentFromText(text)!;
    const min = fragment.nodes.reduce((m, n) => ({ x: Math.min(m.x, n.position.x), y: Math.min(m.y, n.position.y) }), { x: Infinity, y: Infinity });
    return this.paste(text, { x: min.x + 40, y: min.y + 40 });
  }

  async selectAll(): Promise<void> {
    const ids = this.editor.getNodes().map((n) => n.id);
    await this.selectOnly(ids);
  }

  async selectOnly(ids: readonly string[]): Promise<void> {
    await this.selector.unselectAll();
    for (const id of ids) if (this.editor.getNode(id)) await this.selectable.select(id, true);
    this.selector.release?.();
    this.cb.selectionChanged(this.selectedIds());
  }

  /** Selects the nodes inside a graph-space rectangle (box selection); `add` keeps the current selection. */
  async selectInRect(r: Rect, add: boolean): Promise<void> {
    const hit = [...this.nodeRects()].filter(([, n]) => n.x < r.x + r.width && r.x < n.x + n.width && n.y < r.y + r.height && r.y < n.y + n.height).map(([id]) => id);
    await this.selectOnly(add ? [...new Set([...this.selectedIds(), ...hit])] : hit);
  }

  async clearSelection(): Promise<void> {
    await this.selector.unselectAll();
    this.cb.selectionChanged([]);
  }

  /** Zooms to fit the given nodes (default: the selection, else every node). */
  async zoomFit(ids?: readonly string[]): Promise<void> {
    const nodes = (ids ?? (this.selectedIds().length ? this.selectedIds() : this.editor.getNodes().map((n) => n.id))).map((id) => this.editor.getNode(id)).filter((n): n is EditorNode => !!n);
    if (nodes.length === 0) {
      await this.area.area.zoom(1, 0, 0);
      await this.area.area.translate(this.container.clientWidth / 2, this.container.clientHeight / 2);
      return;
    }
    await AreaExtensions.zoomAt(this.area, nodes, { scale: 0.9 });
    if (this.area.area.transform.k > 1.25) {
      const c = this.viewCenter();
      await this.area.area.zoom(1.25, 0, 0);
      const t = this.area.area.transform;
      await this.area.area.translate(this.container.clientWidth / 2 - c.x * t.k, this.container.clientHeight / 2 - c.y * t.k);
    }
  }

  /** Lays the graph out with elkjs (rete-auto-arrange-plugin, loaded on first use). */
  async arrange(): Promise<void> {
    if (this.editor.getNodes().length === 0) return;
    const { AutoArrangePlugin } = await import('rete-auto-arrange-plugin');
    const arrange = new AutoArrangePlugin<Schemes>();
    // Port positions as the node component draws them (measured), sockets on the left/right edge.
    arrange.addPreset(() => ({
      port: ({ nodeId, side, key, index, width }) => {
        const view = this.area.nodeViews.get(nodeId);
        const el = view?.element.querySelector<HTMLElement>(`[data-testid="socket-${nodeId}-${side === 'input' ? 'in' : 'out'}-${key}"]`);
        const c = el && view ? centerIn(el, view.element) : null;
        return { x: side === 'input' ? 0 : width, y: c ? c.y : 45 + index * 22, width: 1, height: 1, side: side === 'input' ? 'WEST' : 'EAST' };
      },
    }));
    this.area.use(arrange as never);
    await this.gesture(async () => {
      await arrange.layout({
        options: {
          'elk.spacing.nodeNode': '40',
          'elk.layered.spacing.nodeNodeBetweenLayers': '64',
          'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
          'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
        },
      });
    });
    await this.zoomFit(this.editor.getNodes().map((n) => n.id));
  }

  setReadonly(on: boolean): void {
    if (on) this.readonly.enable();
    else this.readonly.disable();
  }

  get isReadonly(): boolean {
    return this.readonly.enabled;
  }

  // ---- comments --------------------------------------------------------------------------

  /** Frames the selected nodes (or adds a free comment at `at`) with `text`. */
  addComment(text: string, at?: Position): void {
    const before = this.storedComments();
    const ids = this.selectedIds();
    if (ids.length > 0 && !at) {
      this.comments.addFrame(text, ids);
    } else {
      const p = at ?? this.viewCenter();
      this.comments.addInline(text, [p.x, p.y]);
    }
    this.commitComments(before);
  }

  /** Rebuilds the comment views from stored comments (load, undo/redo). */
  restoreComments(list: unknown[], record = true): void {
    void record;
    this.mirroring++;
    try {
      this.comments.clear();
      for (const raw of list) {
        const c = raw as StoredComment;
        if (!c || typeof c.text !== 'string') continue;
        if (Array.isArray(c.nodes)) this.comments.addFrame(c.text, c.nodes.filter((id) => this.editor.getNode(id)));
        else this.comments.addInline(c.text, [c.position?.x ?? 0, c.position?.y ?? 0], c.link);
      }
    } finally {
      this.mirroring--;
    }
    this.lastComments = this.storedComments();
    this.writeComments();
  }

  private storedComments(): StoredComment[] {
    const out: StoredComment[] = [];
    for (const c of this.comments.comments.values()) {
      const id = `c${out.length + 1}`;
      if (c instanceof FrameComment) out.push({ id, text: c.text, nodes: [...c.links] });
      else if (c instanceof InlineComment) {
        const s: StoredComment = { id, text: c.text, position: { x: Math.round(c.x), y: Math.round(c.y) } };
        if (c.links[0] !== undefined) s.link = c.links[0];
        out.push(s);
      }
    }
    return out;
  }

  private writeComments(): void {
    const list = this.storedComments();
    const had = Array.isArray(this.graph.extras.comments);
    if (list.length === 0 && !had) return;
    this.graph.setExtra('comments', list.length ? list : undefined);
  }

  private commitComments(before: unknown[]): void {
    this.writeComments();
    const after = this.storedComments();
    if (JSON.stringify(after) === JSON.stringify(before)) return;
    this.lastComments = after;
    this.history.separate();
    this.history.add(new CommentsAction(this, before, after));
    this.history.separate();
    this.cb.changed(false);
  }

  private async editCommentText(c: Comment): Promise<string> {
    const text = window.prompt('Comment text', c.text);
    return text === null ? c.text : text;
  }

  // ---- internals -------------------------------------------------------------------------

  /** Runs one user gesture: its history records undo together. */
  private async gesture<T>(fn: () => Promise<T>): Promise<T> {
    this.history.separate();
    try {
      return await fn();
    } finally {
      this.history.separate();
    }
  }

  private connectionIdOf(from: PortRef, to: PortRef): string {
    return `${from.node}.${from.port}->${to.node}.${to.port}`;
  }

  private makeConnection(from: PortRef, to: PortRef): EditorConnection {
    const s = this.editor.getNode(from.node);
    const t = this.editor.getNode(to.node);
    if (!s || !t) throw new Error(`cannot draw edge ${formatPortRef(from)} → ${formatPortRef(to)}: node missing`);
    const type = s.entry?.outputs[from.port]?.type ?? t.entry?.inputs[to.port]?.type ?? 'any';
    return new EditorConnection(s, from.port, t, to.port, type);
  }

  private async addNodeDocument(nd: NodeDocument, problems: string[]): Promise<boolean> {
    const { id, type, params, position, mode, ...extra } = nd;
    const entry = this.entries.get(type);
    const ports = { inputs: [] as string[], outputs: [] as string[] };
    const n = new EditorNode(id, type, entry, { ...(params ?? {}) }, extra, ports);
    if (mode === 'bypass' || mode === 'mute') n.mode = mode;
    try {
      // Validate first, for a message that names the problem.
      const probe = new Graph(this.registry);
      probe.addNode({ id, type, params: params ?? {}, allowUnknownType: true });
    } catch (e) {
      problems.push((e as Error).message);
      return false;
    }
    if (!(await this.editor.addNode(n))) return false;
    await this.area.translate(id, position ?? { x: 0, y: 0 });
    return true;
  }

  private pasteTarget(fragment: GraphDocument): Position {
    const ids = new Set(fragment.nodes.map((n) => n.id));
    const same = fragment.nodes.every((n) => this.graph.getNode(n.id)?.type === n.type);
    if (same && ids.size > 0) {
      const min = fragment.nodes.reduce((m, n) => ({ x: Math.min(m.x, n.position.x), y: Math.min(m.y, n.position.y) }), { x: Infinity, y: Infinity });
      return { x: min.x + 40, y: min.y + 40 };
    }
    const c = this.viewCenter();
    return { x: c.x - 120, y: c.y - 120 };
  }

  private canMakeConnection(initial: SocketData, socket: SocketData): boolean {
    const st = getSourceTarget(initial, socket);
    if (!st) {
      if (initial.nodeId !== socket.nodeId || initial.key !== socket.key) {
        this.cb.notice(initial.side === 'output' ? 'connect an output to an input (both ends are outputs)' : 'connect an input to an output (both ends are inputs)', 'error');
        this.abandonWire(initial);
      }
      return false;
    }
    const [s, t] = st as [SocketData, SocketData];
    const problem = this.graph.checkConnect({ node: s.nodeId, port: s.key }, { node: t.nodeId, port: t.key }, { replacing: true });
    if (problem) {
      this.cb.notice(problem.message, 'error');
      this.abandonWire(initial);
      return false;
    }
    return true;
  }

  /** Ends a wire drag that was refused (the classic flow would keep the wire on the pointer). */
  private abandonWire(initial: SocketData): void {
    queueMicrotask(() => {
      this.quietDrops.add(initial);
      this.connection.drop();
    });
  }

  private installPipes(): void {
    this.editor.addPipe((ctx) => {
      if (this.mirroring > 0) return ctx;
      try {
        if (ctx.type === 'nodecreate') {
          const n = ctx.data;
          this.graph.addNode({ id: n.id, type: n.type, params: n.params, ...(n.mode ? { mode: n.mode } : {}), extra: n.extra, allowUnknownType: true });
        } else if (ctx.type === 'noderemove') {
          if (this.graph.getNode(ctx.data.id)) this.graph.removeNode(ctx.data.id);
        } else if (ctx.type === 'connectioncreate') {
          const c = ctx.data;
          const from = { node: c.source, port: String(c.sourceOutput) };
          const to = { node: c.target, port: String(c.targetInput) };
          const problem = this.graph.checkConnect(from, to);
          if (problem) {
            this.cb.notice(problem.message, 'error');
            return undefined;
          }
          this.graph.connect(from, to);
        } else if (ctx.type === 'connectionremove') {
          const c = ctx.data;
          const e = this.graph.edgeInto(c.target, String(c.targetInput));
          if (e && e.from.node === c.source && e.from.port === String(c.sourceOutput)) this.graph.disconnect(e.to);
        }
      } catch (e) {
        this.cb.notice((e as Error).message, 'error');
        return undefined;
      }
      return ctx;
    });

    this.area.addPipe((ctx) => {
      if (!ctx || typeof ctx !== 'object' || !('type' in ctx)) return ctx;
      switch (ctx.type) {
        case 'nodetranslated':
          if (this.graph.getNode(ctx.data.id)) this.graph.setPosition(ctx.data.id, { x: Math.round(ctx.data.position.x), y: Math.round(ctx.data.position.y) });
          break;
        case 'nodepicked':
          this.history.separate();
          queueMicrotask(() => this.cb.selectionChanged(this.selectedIds()));
          break;
        case 'nodedragged':
          this.history.separate();
          break;
        case 'translated':
        case 'zoomed':
        case 'resized':
          this.cb.viewChanged();
          break;
        case 'pointerup':
          queueMicrotask(() => this.cb.selectionChanged(this.selectedIds()));
          break;
        case 'render':
          if ((ctx.data as { type?: string }).type === 'contextmenu') requestAnimationFrame(() => this.keepMenuInView());
          break;
        default:
          break;
      }
      return ctx;
    });

    this.connection.addPipe((ctx) => {
      if (!ctx || typeof ctx !== 'object' || !('type' in ctx)) return ctx;
      if (ctx.type === 'connectionpick') {
        this.history.separate();
        this.freshWire = true;
      } else if (ctx.type === 'connectiondrop') {
        this.history.separate();
        const { initial, socket, created } = ctx.data;
        const quiet = this.quietDrops.delete(initial);
        // A wire pulled off an input and dropped on the canvas is just removed; a new wire
        // dropped there opens the search.
        const fresh = this.freshWire;
        this.freshWire = false;
        if (fresh && !socket && !created && !this.readonly.enabled && !quiet) {
          const node = this.editor.getNode(initial.nodeId);
          const port = node ? (initial.side === 'output' ? node.outputs[initial.key] : node.inputs[initial.key]) : undefined;
          const type = (port?.socket as PortSocket | undefined)?.portType ?? 'any';
          const p = this.area.area.pointer;
          const t = this.area.area.transform;
          const r = this.container.getBoundingClientRect();
          this.pendingDrop = { end: { side: initial.side, type, node: initial.nodeId, port: initial.key } };
          this.cb.wireDropped(this.pendingDrop.end, { x: r.left + p.x * t.k + t.x, y: r.top + p.y * t.k + t.y });
        }
      }
      return ctx;
    });

    this.comments.addPipe((ctx) => {
      if (this.mirroring > 0 || !ctx || typeof ctx !== 'object') return ctx;
      if (ctx.type === 'commenttranslated') {
        // One history entry per drag, written when it stops.
        if (this.commentTimer) clearTimeout(this.commentTimer);
        this.commentTimer = setTimeout(() => {
          this.commentTimer = null;
          this.commitComments(this.lastComments);
        }, 400);
      } else if (ctx.type === 'commentremoved' || ctx.type === 'editcomment') {
        // Apply after the plugin finished changing the comment.
        queueMicrotask(() => this.commitComments(this.lastComments));
      }
      return ctx;
    });
  }

  /** Moves an open context menu up/left so it stays inside the canvas. */
  private keepMenuInView(): void {
    const menu = this.container.querySelector<HTMLElement>('[data-testid="context-menu"]');
    // The plugin positions a fixed element (a child of the container) at the pointer.
    let holder = menu?.parentElement ?? null;
    while (holder && holder.parentElement !== this.container) holder = holder.parentElement;
    if (!menu || !holder) return;
    const box = this.container.getBoundingClientRect();
    const r = menu.getBoundingClientRect();
    const dy = Math.max(0, r.bottom - (box.bottom - 8));
    const dx = Math.max(0, r.right - (box.right - 8));
    if (dy) holder.style.top = `${Math.max(box.top, parseFloat(holder.style.top) - dy)}px`;
    if (dx) holder.style.left = `${Math.max(box.left, parseFloat(holder.style.left) - dx)}px`;
  }

  /** Adds a node from the wire-drop search and connects the dropped wire to its `port`. */
  async addNodeForDrop(type: string, port: string, at: Position): Promise<string | null> {
    const drop = this.pendingDrop;
    this.pendingDrop = null;
    const id = await this.addNode(type, at);
    if (!id || !drop) return id;
    const e = drop.end;
    const ok = e.side === 'output' ? await this.connect({ node: e.node, port: e.port }, { node: id, port }) : await this.connect({ node: id, port }, { node: e.node, port: e.port });
    if (ok) this.history.separate();
    return id;
  }

  private onGraphEvent(e: GraphEvent): void {
    switch (e.kind) {
      case 'paramChanged': {
        const n = this.editor.getNode(e.id);
        const gn = this.graph.getNode(e.id);
        if (n && gn) n.params = { ...gn.params };
        this.rev++;
        this.cb.changed(true);
        break;
      }
      case 'modeChanged': {
        const n = this.editor.getNode(e.id);
        if (n) n.mode = e.mode;
        this.rev++;
        this.cb.changed(true);
        break;
      }
      case 'nodeAdded':
      case 'nodeRemoved':
      case 'connected':
      case 'disconnected':
        this.rev++;
        this.cb.changed(true);
        break;
      case 'positionChanged':
      case 'metaChanged':
        this.cb.changed(false);
        break;
    }
  }

  private selectedModes(ids: readonly string[]): (NodeMode | undefined)[] {
    return ids.map((id) => this.graph.getNode(id)?.mode);
  }

  private menuItems(ctx: unknown): { searchBar?: boolean; list: MenuItem[] } {
    const client = lastPointer;
    if (ctx === 'root') {
      const at = this.toGraph(client);
      const add: MenuItem[] = byCategory(this.catalog).map((g) => ({
        label: g.category,
        key: `cat-${g.category}`,
        handler: () => undefined,
        subitems: g.entries.map((e) => ({ label: e.title, key: e.type, handler: () => void this.addNode(e.type, at) })),
      }));
      return {
        searchBar: true,
        list: [
          { label: 'Search nodes…', key: 'search', handler: () => this.cb.openSearch(client) },
          ...add,
          { label: 'Paste', key: 'paste', handler: () => void readClipboard().then((t) => (t ? this.paste(t, at) : undefined)) },
          { label: 'Paste with connections', key: 'paste-inputs', handler: () => void readClipboard().then((t) => (t ? this.paste(t, at, { withInputs: true }) : undefined)) },
          { label: 'Add comment', key: 'comment', handler: () => this.addComment('Comment', at) },
          { label: 'Zoom to fit', key: 'fit', handler: () => void this.zoomFit() },
          { label: 'Arrange', key: 'arrange', handler: () => void this.arrange() },
        ],
      };
    }
    if (ctx instanceof EditorConnection) {
      return {
        list: [
          { label: 'Preview this wire', key: 'preview', handler: () => this.cb.previewRequested({ node: ctx.source, port: String(ctx.sourceOutput) }, false) },
          { label: 'Delete wire', key: 'delete', handler: () => void this.disconnect({ node: ctx.target, port: String(ctx.targetInput) }) },
        ],
      };
    }
    if (ctx instanceof EditorNode) {
      const selected = this.selectedIds().includes(ctx.id) ? this.selectedIds() : [ctx.id];
      const firstOut = Object.keys(ctx.outputs)[0];
      const list: MenuItem[] = [];
      if (firstOut !== undefined) {
        list.push({ label: 'Preview', key: 'preview', handler: () => this.cb.previewRequested({ node: ctx.id, port: firstOut }, false) });
        list.push({ label: 'Compare in preview (B)', key: 'compare', handler: () => this.cb.previewRequested({ node: ctx.id, port: firstOut }, true) });
      }
      const modes = this.selectedModes(selected);
      list.push(
        { label: modes.every((m) => m === 'bypass') ? 'Stop bypassing (Ctrl+B)' : 'Bypass (Ctrl+B)', key: 'bypass', handler: () => this.toggleMode('bypass', selected) },
        { label: modes.every((m) => m === 'mute') ? 'Unmute (Ctrl+M)' : 'Mute (Ctrl+M)', key: 'mute', handler: () => this.toggleMode('mute', selected) },
        { label: 'Duplicate', key: 'duplicate', handler: () => void this.selectOnly(selected).then(() => this.duplicate()) },
        { label: 'Copy', key: 'copy', handler: () => void writeClipboard(this.copy(selected) ?? '') },
        { label: 'Frame with comment', key: 'frame', handler: () => void this.selectOnly(selected).then(() => this.addComment('Frame')) },
        { label: selected.length > 1 ? `Delete ${selected.length} nodes` : 'Delete', key: 'delete', handler: () => void this.removeNodes(selected) },
      );
      return { list };
    }
    return { list: [] };
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.offGraph();
    this.area.destroy();
  }
}

/** Last pointer position over the canvas (context menu actions place nodes there). */
let lastPointer = { x: 0, y: 0 };
if (typeof window !== 'undefined') {
  window.addEventListener('pointerdown', (e) => (lastPointer = { x: e.clientX, y: e.clientY }), true);
  window.addEventListener('contextmenu', (e) => (lastPointer = { x: e.clientX, y: e.clientY }), true);
}

export async function readClipboard(): Promise<string | null> {
  try {
    return await navigator.clipboard.readText();
  } catch {
    return localClipboard;
  }
}

/** Fallback when the system clipboard is not available (insecure context, denied permission). */
let localClipboard: string | null = null;
export async function writeClipboard(text: string): Promise<void> {
  localClipboard = text;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    /* the in-page copy still works */
  }
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

/** Ports of placeholder nodes, taken from the edges that touch them. */
function placeholderPorts(graph: Graph): Map<string, { inputs: string[]; outputs: string[] }> {
  const out = new Map<string, { inputs: string[]; outputs: string[] }>();
  const get = (id: string) => {
    let p = out.get(id);
    if (!p) out.set(id, (p = { inputs: [], outputs: [] }));
    return p;
  };
  for (const e of graph.edges) {
    if (graph.isPlaceholder(e.from.node)) {
      const p = get(e.from.node);
      if (!p.outputs.includes(e.from.port)) p.outputs.push(e.from.port);
    }
    if (graph.isPlaceholder(e.to.node)) {
      const p = get(e.to.node);
      if (!p.inputs.includes(e.to.port)) p.inputs.push(e.to.port);
    }
  }
  return out;
}

export { GraphFileError, markRaw };
