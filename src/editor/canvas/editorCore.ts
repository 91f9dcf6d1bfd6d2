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
 *
 * Parts live beside it, as functions of the core: pipes.ts (Graph ⇄ view), pasting.ts (copy,
 * paste, duplicate, the clipboard), comments.ts, menu.ts (context menu), layout.ts (fit,
 * arrange, free spot), viewport.ts (pan, zoom, minimap), modes.ts (bypass / mute),
 * reroute.ts (reroute points). Fields not marked private are shared with those files only.
 */
import { NodeEditor } from 'rete';
import { AreaExtensions, AreaPlugin } from 'rete-area-plugin';
import { ClassicFlow, ConnectionPlugin, getSourceTarget, type SocketData } from 'rete-connection-plugin';
import { ContextMenuPlugin } from 'rete-context-menu-plugin';
import { HistoryPlugin, Presets as HistoryPresets } from 'rete-history-plugin';
import { MinimapPlugin } from 'rete-minimap-plugin';
import { ReadonlyPlugin } from 'rete-readonly-plugin';
import { CommentExtensions, CommentPlugin } from 'rete-comment-plugin';
import { Presets as VuePresets, VuePlugin, type VueArea2D } from 'rete-vue-plugin';
import type { ContextMenuExtra } from 'rete-context-menu-plugin';
import type { MinimapExtra } from 'rete-minimap-plugin';
import { markRaw, type App, type Component } from 'vue';
import { GraphError, GraphFileError } from '../../engine/errors';
import { graphToDocument, parseGraph, type GraphDocument } from '../../engine/format';
import { COMPONENT_TYPE, GRAPH_INPUT_TYPE, GRAPH_OUTPUT_TYPE } from '../../engine/components';
import { Graph, formatPortRef, type GraphEvent } from '../../engine/graph';
import { hasOwn } from '../../engine/params';
import { catalogEntry, type NodeRegistry, type NodeCatalogEntry } from '../../engine/registry';
import type { NodeMode, PortRef, Position } from '../../engine/types';
import { ModeAction, ParamAction, toggleModes } from './modes';
import { COMPONENT_PALETTE_PREFIX, ComponentsView, KEPT_PALETTE_PREFIX } from './componentsView';
import { freeBoundaryName } from '../../engine/componentOps';
import { REROUTE_KEY, Reroutes, parseReroute } from './reroute';
import { RerouteExtensions } from 'rete-connection-reroute-plugin';
import { addComment, commitComments, editCommentText, restoreComments, storedComments } from './comments';
import { arrange, freeSpotNearCenter, zoomFit } from './layout';
import { addReroutePoint, menuItems } from './menu';
import { copy, duplicate, paste } from './pasting';
import { canMakeConnection, installPipes, onGraphEvent } from './pipes';
import { ContainerSize, installPanZoom, minimapPreset, throttleMinimap } from './viewport';
import { PortalRoot } from './portal';
import { nextFrame } from '../state/runState';
import { idForType } from '../logic/ids';
import type { WireEnd } from '../logic/palette';
import { visibleNodeIds, type Rect } from '../logic/targets';
import { EditorConnection, EditorNode, placeholderPorts, type Schemes } from './schemes';
import { BatchedSocketPosition } from './socketPositions';

type AreaExtra = VueArea2D<Schemes> | ContextMenuExtra | MinimapExtra;

export interface CanvasComponents {
  node: Component;
  connection: Component;
  minimap: Component;
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
  /** The canvas now shows the inside of instance path `prefix` ('' for the top level). */
  scopeChanged(prefix: string): void;
  /** "My components": keep, export or update instance `id`'s component, or insert kept component `id` at `at`. */
  myComponents(action: 'save' | 'export' | 'update' | 'insert', id: string, at?: Position): Promise<string | null>;
}

/** Default source of a new image.load node: a sample image the app serves. */
export const DEFAULT_IMAGE_SOURCE = '/assets/camera.png';

export class EditorCore {
  /** The graph on the canvas: the document's graph, or the inside of the instance entered. */
  graph: Graph;
  /** The document's (top-level) graph. */
  root: Graph;
  /** Make component, ungroup, promote, Enter / Leave (componentsView.ts). */
  readonly components: ComponentsView = new ComponentsView(this);
  readonly editor = new NodeEditor<Schemes>();
  readonly area: AreaPlugin<Schemes, AreaExtra>;
  readonly history = new HistoryPlugin<Schemes>({ timing: 200 });
  readonly readonly = new ReadonlyPlugin<Schemes>();
  readonly comments: CommentPlugin<Schemes, AreaExtra>;
  /** Reroute points on wires (stored with their edges). */
  readonly reroutes: Reroutes;
  private readonly portal: PortalRoot;
  readonly connection = new ConnectionPlugin<Schemes, AreaExtra>();
  readonly selector = AreaExtensions.selector();
  readonly selectable: { select(id: string, accumulate: boolean): Promise<void>; unselect(id: string): Promise<void> };
  readonly entries: Map<string, NodeCatalogEntry>;
  /** >0 while the Rete view is built from an already-updated Graph (load, comment restore). */
  mirroring = 0;
  rev = 0;
  lastComments: unknown[] = [];
  offGraph: () => void = () => undefined;
  pendingDrop: { end: WireEnd & { node: string; port: string } } | null = null;
  destroyed = false;
  refreshMinimap: () => void = () => undefined;
  commentTimer: ReturnType<typeof setTimeout> | null = null;
  /** The wire being dragged was started from a socket (not pulled off an existing connection). */
  freshWire = false;
  /** The last node picked (a second pick soon after is a double click; pipes.ts); a rebuilt view forgets it. */
  lastPick: { id: string; at: number } | null = null;
  /** Wires dropped because they were refused: no search popup for them. */
  readonly quietDrops = new Set<SocketData>();

  constructor(
    readonly container: HTMLElement,
    readonly registry: NodeRegistry,
    readonly catalog: readonly NodeCatalogEntry[],
    views: CanvasComponents,
    readonly cb: CoreCallbacks,
  ) {
    this.entries = new Map(catalog.map((e) => [e.type, e]));
    this.sizeOf = new ContainerSize(container);
    this.graph = new Graph(registry);
    this.root = this.graph;
    this.area = new AreaPlugin<Schemes, AreaExtra>(container);
    this.comments = new CommentPlugin<Schemes, AreaExtra>({ edit: (c) => editCommentText(c) });

    // Everything the Vue plugin renders lives in one Vue app (portal.ts), not one app each.
    this.portal = new PortalRoot(views.setupApp);
    const render = new VuePlugin<Schemes, AreaExtra>({ setup: this.portal.setup as never });
    const classic = VuePresets.classic.setup<Schemes, VueArea2D<Schemes>>({
      socketPositionWatcher: new BatchedSocketPosition<Schemes, VueArea2D<Schemes>>() as never,
      customize: {
        node: () => views.node,
        connection: () => views.connection,
      },
    });
    // Sockets are drawn inside the node component (SocketRef), which only announces their
    // elements to the connection plugin: one Vue app per socket would cost ~1 ms each.
    render.addPreset({
      ...classic,
      render: (context: Parameters<typeof classic.render>[0], plugin: Parameters<typeof classic.render>[1]) => (context.data.type === 'socket' ? undefined : classic.render(context, plugin)),
    } as never);
    this.reroutes = new Reroutes(render as never, {
      graph: () => this.graph,
      edgeOf: (id) => {
        const c = this.editor.getConnection(id);
        const e = c ? this.graph.edgeInto(c.target, String(c.targetInput)) : undefined;
        return e && e.from.node === c!.source && e.from.port === String(c!.sourceOutput) ? e : undefined;
      },
      history: this.history,
      redraw: (id) => void this.area.update('connection', id),
      locked: () => this.readonly.enabled,
    });
    render.addPreset(VuePresets.contextMenu.setup({ delay: 200 }) as never);
    render.addPreset(minimapPreset(views.minimap, 140) as never);

    this.connection.addPreset(
      () =>
        new ClassicFlow({
          canMakeConnection: (initial, socket) => canMakeConnection(this, initial, socket),
          makeConnection: (initial, socket, context) => {
            const st = getSourceTarget(initial, socket);
            if (!st) return false;
            const [s, t] = st as [SocketData, SocketData];
            void context.editor.addConnection(this.makeConnection({ node: s.nodeId, port: s.key }, { node: t.nodeId, port: t.key }));
            return true;
          },
        }),
    );

    const menu = new ContextMenuPlugin<Schemes>({ items: (ctx) => menuItems(this, ctx) });
    const minimap = new MinimapPlugin<Schemes>({ boundViewport: true });
    this.refreshMinimap = throttleMinimap(minimap, () => this.mirroring > 0 || this.destroyed);

    this.editor.use(this.readonly.root);
    this.editor.use(this.area);
    this.area.use(this.readonly.area);
    this.connection.use(this.readonly.connection as never);
    this.area.use(this.connection);
    // wires without reroute points get no (empty) pin list mounted: 225 wires were 225 more Vue views
    this.area.addPipe((ctx) => this.reroutes.filterRender(ctx));
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
    // A pressed reroute point is selected like a node (yellow; Delete removes it; a click elsewhere unselects).
    RerouteExtensions.selectablePins(this.reroutes.plugin, this.selector, accumulating);

    installPanZoom(this);

    installPipes(this);
    this.offGraph = this.subscribe(this.graph);
  }

  // ---- state ---------------------------------------------------------------------------

  /** Listens to the graph on the canvas, whichever it is (a load or Enter switches it). */
  listen(fn: (e: GraphEvent) => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }
  private readonly listeners = new Set<(e: GraphEvent) => void>();

  private subscribe(g: Graph): () => void {
    return g.on((e) => {
      onGraphEvent(this, e);
      for (const l of [...this.listeners]) l(e);
    });
  }

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

  /**
   * The document (the top-level graph, with comments and the viewport under `ui`) — also
   * while the inside of an instance is shown (then with the viewport left at the top).
   */
  document(): GraphDocument {
    const doc = graphToDocument(this.root);
    const t = this.components.scopes[0]?.transform ?? this.area.area.transform;
    doc.ui = { ...(doc.ui ?? {}), viewport: { x: round2(t.x), y: round2(t.y), zoom: round2(t.k) } };
    return doc;
  }

  /** Renames the document's graph (an edit, saved like any other — also from inside a component). */
  rename(name: string): void {
    if (name === this.root.name) return;
    this.root.name = name;
    if (this.root !== this.graph) this.cb.changed(false);
  }

  /** The viewport in graph coordinates. */
  viewport(): Rect {
    const t = this.area.area.transform;
    const { w, h } = this.containerSize();
    return { x: -t.x / t.k, y: -t.y / t.k, width: w / t.k, height: h / t.k };
  }

  /** The canvas size in px (kept by a ResizeObserver: no forced layout to read it). */
  containerSize(): { w: number; h: number } {
    return this.sizeOf.get();
  }
  private readonly sizeOf: ContainerSize;

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
    // 200 nodes report their sizes in one frame: tell the shell once (it recomputes what is in view).
    if (this.sizesPending) return;
    this.sizesPending = true;
    nextFrame(() => {
      this.sizesPending = false;
      if (!this.destroyed) this.cb.viewChanged();
    }, 50);
  }
  private sizesPending = false;

  // ---- loading -------------------------------------------------------------------------

  /**
   * Replaces the graph with a document (migrate → validate → Graph). Throws GraphFileError
   * listing every problem; the current graph stays when the document is refused.
   */
  async load(doc: unknown, opts: { fit?: boolean } = {}): Promise<void> {
    const graph = parseGraph(doc, this.registry);
    const entered = this.components.scopes.length > 0;
    this.components.scopes.length = 0;
    // before the views are built: node components read the document's definitions
    this.root = graph;
    await this.mount(graph);
    if (entered) this.cb.scopeChanged('');
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

  /**
   * Builds the Rete view of `graph` (which becomes the current graph), replacing the old view.
   * `keepHistory`: the old view is taken down node by node (Rete's clear() would clear the
   * undo history too), for edits that are themselves undoable.
   */
  async mount(graph: Graph, opts: { keepHistory?: boolean } = {}): Promise<void> {
    this.mirroring++;
    // the views of the whole graph are rendered in one update when it is in
    const release = this.portal.hold();
    try {
      this.offGraph();
      this.lastPick = null;
      if (opts.keepHistory) {
        for (const c of this.editor.getConnections()) await this.editor.removeConnection(c.id);
        for (const n of this.editor.getNodes()) await this.editor.removeNode(n.id);
      } else await this.editor.clear();
      this.comments.clear();
      this.graph = graph;
      this.offGraph = this.subscribe(graph);
      const ports = placeholderPorts(graph);
      for (const id of graph.nodeIds()) {
        const gn = graph.getNode(id)!;
        const n = new EditorNode(id, gn.type, this.entryFor(id), { ...gn.params }, { ...gn.extra }, ports.get(id));
        n.mode = gn.mode;
        n.component = gn.component;
        await this.editor.addNode(n);
      }
      this.reroutes.clear();
      for (const e of graph.edges) {
        const c = this.makeConnection(e.from, e.to);
        await this.editor.addConnection(c);
        const points = parseReroute(e.extra?.[REROUTE_KEY]);
        if (points.length) this.reroutes.set(c.id, points);
      }
      this.restoreComments(Array.isArray(graph.extras.comments) ? (graph.extras.comments as unknown[]) : [], false);
    } finally {
      release();
      this.mirroring--;
    }
  }

  /**
   * The catalogue entry a node is drawn from: its type's, or for a component instance the
   * ports and promoted params of its definition (DESIGN.md §2b).
   */
  entryFor(id: string): NodeCatalogEntry | undefined {
    const gn = this.graph.getNode(id);
    if (!gn) return undefined;
    if (gn.type !== COMPONENT_TYPE) return this.entries.get(gn.type);
    const def = this.graph.definitionOf(id);
    return def ? catalogEntry(def) : undefined;
  }

  // ---- editing commands ------------------------------------------------------------------

  /** Adds a node of `type` with its top-left at `at` (default: centred in the view). Returns its id. */
  async addNode(type: string, at?: Position, params: Record<string, unknown> = {}): Promise<string | null> {
    if (type.startsWith(KEPT_PALETTE_PREFIX)) return this.cb.myComponents('insert', type.slice(KEPT_PALETTE_PREFIX.length), at ?? freeSpotNearCenter(this));
    if (type.startsWith(COMPONENT_PALETTE_PREFIX)) return this.components.addInstance(type.slice(COMPONENT_PALETTE_PREFIX.length), at ?? freeSpotNearCenter(this));
    const entry = this.entries.get(type);
    if (!entry) {
      this.cb.notice(`unknown node type "${type}"`, 'error');
      return null;
    }
    const id = idForType(type, (x) => this.graph.getNode(x) !== undefined);
    const p = { ...params };
    if (type === 'image.load' && !hasOwn(p, 'source')) p.source = DEFAULT_IMAGE_SOURCE;
    // a second graph input or output gets a name of its own (two of one name would not load)
    if ((type === GRAPH_INPUT_TYPE || type === GRAPH_OUTPUT_TYPE) && !hasOwn(p, 'name')) p.name = freeBoundaryName(this.graph, type);
    const pos = at ?? freeSpotNearCenter(this);
    return this.gesture(async () => {
      const n = new EditorNode(id, type, entry, p);
      if (!(await this.editor.addNode(n))) return null;
      await this.area.translate(id, { x: Math.round(pos.x), y: Math.round(pos.y) });
      await this.selectOnly([id]);
      return id;
    });
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
    for (const e of [...this.selector.entities.values()]) if (e.label === 'pin') await this.reroutes.remove(e.id);
    const comments = [...this.selector.entities.values()].filter((e) => e.label === 'comment').map((e) => e.id);
    if (comments.length) {
      const before = storedComments(this);
      this.mirroring++;
      try {
        for (const id of comments) this.comments.delete(id);
      } finally {
        this.mirroring--;
      }
      commitComments(this, before);
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
    const gn = this.graph.getNode(id);
    const before = gn && hasOwn(gn.params, name) ? gn.params[name] : undefined;
    this.graph.setParam(id, name, value);
    // Inside a component: a value that makes the file invalid (a graph input renamed to the
    // name of another, or away from a wire outside) is taken back.
    const problem = this.components.problem();
    if (problem) {
      this.graph.setParam(id, name, before);
      throw new GraphError(problem);
    }
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
    return copy(this, ids);
  }

  /** Pastes clipboard text with fresh ids (src/editor/canvas/pasting.ts); returns the new ids. */
  paste(text: string, at?: Position, opts: { withInputs?: boolean } = {}): Promise<string[]> {
    return paste(this, text, at, opts);
  }

  duplicate(): Promise<string[]> {
    return duplicate(this);
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
  zoomFit(ids?: readonly string[]): Promise<void> {
    return zoomFit(this, ids);
  }

  /** Lays the graph out with elkjs. */
  arrange(): Promise<void> {
    return arrange(this);
  }

  setReadonly(on: boolean): void {
    if (on) this.readonly.enable();
    else this.readonly.disable();
  }

  get isReadonly(): boolean {
    return this.readonly.enabled;
  }

  /** Frames the selected nodes (or adds a free comment at `at`) with `text`. */
  addComment(text: string, at?: Position): void {
    addComment(this, text, at);
  }

  /** Rebuilds the comment views from stored comments (load, undo/redo). */
  restoreComments(list: unknown[], record = true): void {
    restoreComments(this, list, record);
  }

  /** Adds a reroute point to a wire at a graph position. */
  addReroutePoint(c: EditorConnection, at: Position): void {
    addReroutePoint(this, c, at);
  }

  // ---- internals -------------------------------------------------------------------------

  /** Runs one user gesture: its history records undo together. */
  async gesture<T>(fn: () => Promise<T>): Promise<T> {
    this.history.separate();
    try {
      return await fn();
    } finally {
      this.history.separate();
    }
  }

  connectionIdOf(from: PortRef, to: PortRef): string {
    return `${from.node}.${from.port}->${to.node}.${to.port}`;
  }

  makeConnection(from: PortRef, to: PortRef): EditorConnection {
    const s = this.editor.getNode(from.node);
    const t = this.editor.getNode(to.node);
    if (!s || !t) throw new Error(`cannot draw edge ${formatPortRef(from)} → ${formatPortRef(to)}: node missing`);
    const type = s.entry?.outputs[from.port]?.type ?? t.entry?.inputs[to.port]?.type ?? 'any';
    return new EditorConnection(s, from.port, t, to.port, type);
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

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.offGraph();
    this.area.destroy();
    this.portal.destroy();
  }
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}


export { GraphFileError, markRaw };
