/**
 * Components on the canvas (DESIGN.md §2b), `core.components`: Make component, Ungroup,
 * Make unique and promoting params, each one undoable step; Enter / Leave — the canvas shows
 * the inside of an instance (its definition's graph, shared by every instance: an edit there
 * changes them all) with a breadcrumb, and every inner node previews for the instance entered
 * (the engine client asks for node paths). Entering and leaving are steps of the undo
 * history, so undo walks back into a component to undo an edit made there. Inside a
 * component, an edit that would make the file invalid is refused (`problem`).
 */
import { COMPONENT_TYPE, instanceDefinition, type PromotedParam } from '../../engine/components';
import { containsProblem, editPromoted, makeComponent, makeUnique, promoteParam, ungroupInstance } from '../../engine/componentOps';
import { GraphError, GraphFileError } from '../../engine/errors';
import { componentFile, insertComponent, libraryRef, updateComponent, type LibraryRef } from '../../engine/componentFile';
import { documentText, graphToDocument, parseGraph, type GraphDocument } from '../../engine/format';
import type { Graph } from '../../engine/graph';
import { pathKeys } from '../../engine/paths';
import { catalogEntry, type NodeCatalogEntry } from '../../engine/registry';
import type { Position } from '../../engine/types';
import { nextId } from '../logic/ids';
import type { EditorCore } from './editorCore';
import { EditorNode } from './schemes';

/** One level of the breadcrumb: an instance whose inside is shown. */
export interface Scope {
  /** The instance's id in the graph around it. */
  readonly instance: string;
  readonly component: string;
  /** The graph the instance is a node of. */
  readonly parent: Graph;
  /** The view of `parent` when it was left (restored on the way back). */
  readonly transform: { x: number; y: number; k: number };
}

/** A breadcrumb item: the top-level graph, then each instance entered. */
export interface Crumb {
  readonly label: string;
  readonly depth: number;
}

/** Palette types of the file's components ("In this graph"): `component:<id>`. */
export const COMPONENT_PALETTE_PREFIX = 'component:';
/** Palette types of the components kept in "My components": `library:<row id>`. */
export const KEPT_PALETTE_PREFIX = 'library:';

type Transform = { x: number; y: number; k: number };

export class ComponentsView {
  /** The instances entered, outermost first ([] at the top level). */
  readonly scopes: Scope[] = [];

  constructor(private readonly core: EditorCore) {}

  /** The node-path prefix of the instance shown ('' at the top, `s1/`, `s1/inner/`). */
  prefix(): string {
    return this.scopes.map((s) => `${s.instance}/`).join('');
  }

  /** The breadcrumb: the graph's name, then `component name (instance)` per level. */
  breadcrumb(): Crumb[] {
    const root = this.core.root;
    return [{ label: root.name || 'Graph', depth: 0 }, ...this.scopes.map((s, i) => ({ label: `${root.components.get(s.component)?.name ?? s.component} (${s.instance})`, depth: i + 1 }))];
  }

  /** The promoted params of the component shown (null at the top level). */
  promoted(): readonly PromotedParam[] | null {
    const scope = this.scopes.at(-1);
    return scope ? (this.core.root.components.get(scope.component)?.params ?? []) : null;
  }

  /**
   * Inside a component: the promoted name of inner `node.param`, the instance entered, and
   * the value that instance sets for it (undefined: it keeps the definition's); else null.
   */
  promotedAt(node: string, param: string): { name: string; instance: string; value: unknown } | null {
    const scope = this.scopes.at(-1);
    const p = scope ? this.core.root.components.get(scope.component)?.params.find((x) => x.node === node && x.param === param) : undefined;
    if (!scope || !p) return null;
    const inst = scope.parent.getNode(scope.instance);
    return { name: p.name, instance: scope.instance, value: inst && Object.prototype.hasOwnProperty.call(inst.params, p.name) ? inst.params[p.name] : undefined };
  }

  /** The graph on the canvas as a document while the inside of an instance is shown, else undefined. */
  viewDocument(): GraphDocument | undefined {
    return this.scopes.length ? graphToDocument(this.core.graph) : undefined;
  }

  /** The evaluation key (engine/evalKey.ts) of every node on the canvas — a path key inside an instance. */
  evaluationKeys(): Map<string, string> {
    const keyOf = pathKeys(this.core.root, this.core.document());
    const prefix = this.prefix();
    return new Map(this.core.graph.nodeIds().map((id) => [id, keyOf(prefix + id)]));
  }

  /**
   * Inside a component every edit must leave the file valid (an instance's port that a wire
   * outside uses, a promoted param's node, two inputs of one name): the problem, or null.
   */
  problem(): string | null {
    if (this.scopes.length === 0) return null;
    try {
      parseGraph(graphToDocument(this.core.root), this.core.registry);
      return null;
    } catch (e) {
      if (!(e instanceof GraphFileError) && !(e instanceof GraphError)) throw e;
      return `not inside a component used elsewhere: ${firstProblem(e)}`;
    }
  }

  // ---- edits of the whole document -----------------------------------------------------

  /**
   * Replaces the whole document by an edit of a copy of the graph on the canvas (`copy`; the
   * copy's top level is `root`) as one undoable step: the view is rebuilt from the result;
   * undo and redo rebuild it from the documents before and after, at the same depth. The
   * selection becomes what `edit` returns. An edit that throws, or leaves a file that does not
   * load, changes nothing and says why.
   */
  async replaceGraph(edit: (copy: Graph, root: Graph) => readonly string[]): Promise<readonly string[] | null> {
    const core = this.core;
    const before = core.document();
    const path = this.scopes.map((s) => s.instance);
    const copy = parseGraph(before, core.registry);
    let select: readonly string[];
    try {
      select = edit(along(copy, path).at(-1)!, copy);
      parseGraph(graphToDocument(copy), core.registry);
    } catch (e) {
      if (e instanceof GraphError || e instanceof GraphFileError) {
        core.cb.notice(firstProblem(e), 'error');
        return null;
      }
      throw e;
    }
    const after = graphToDocument(copy);
    const show = async (doc: GraphDocument, ids: readonly string[]): Promise<void> => {
      const g = parseGraph(doc, core.registry);
      const graphs = along(g, path);
      core.root = g;
      await this.quietly(() => core.mount(graphs.at(-1)!, { keepHistory: true }));
      this.scopes.forEach((s, i) => (this.scopes[i] = { ...s, parent: graphs[i]! }));
      core.refreshMinimap();
      core.rev++;
      core.cb.changed(true);
      await core.selectOnly(ids.filter((id) => core.editor.getNode(id)));
    };
    const selectedBefore = core.selectedIds();
    await show(after, select);
    this.record(() => show(before, selectedBefore), () => show(after, select));
    return select;
  }

  /** Make component (Ctrl+G): the selected nodes become one instance of a new component. */
  async makeComponent(ids: readonly string[] = this.core.selectedIds()): Promise<string | null> {
    if (ids.length === 0) {
      this.core.cb.notice('select the nodes to make a component of', 'info');
      return null;
    }
    const made = await this.replaceGraph((g) => [makeComponent(g, ids, { name: 'Component' })]);
    return made?.[0] ?? null;
  }

  /** Ungroup (Ctrl+Shift+G): the selected instances' nodes are put back in their place. */
  ungroup(ids: readonly string[] = this.core.selectedIds()): Promise<readonly string[] | null> {
    const instances = ids.filter((id) => this.core.graph.getNode(id)?.type === COMPONENT_TYPE);
    if (instances.length === 0) {
      this.core.cb.notice('select a component instance to ungroup', 'info');
      return Promise.resolve(null);
    }
    return this.replaceGraph((g) => instances.flatMap((id) => ungroupInstance(g, id)));
  }

  /** Make unique: instance `id` gets a copy of its definition of its own. */
  makeUnique(id: string): Promise<readonly string[] | null> {
    return this.replaceGraph((g) => {
      makeUnique(g, id);
      return [id];
    });
  }

  /** Promotes param `param` of inner node `node` of the component shown (its instances show it). */
  promote(node: string, param: string): Promise<readonly string[] | null> {
    const scope = this.scopes.at(-1);
    if (!scope) {
      this.core.cb.notice('enter a component to promote its params', 'info');
      return Promise.resolve(null);
    }
    return this.replaceGraph((g) => {
      promoteParam(g, scope.component, node, param);
      return [node];
    });
  }

  /** Renames, reorders or stops promoting the promoted params of the component shown. */
  setPromoted(list: readonly { from: string; name: string }[]): Promise<readonly string[] | null> {
    const scope = this.scopes.at(-1);
    if (!scope) return Promise.resolve(null);
    return this.replaceGraph((_g, root) => {
      editPromoted(root, scope.component, list);
      return [];
    });
  }

  // ---- a component on its own (engine/componentFile.ts): export, My components ---------

  /** The component file of instance `id`'s component, with where it came from in "My components". */
  fileOf(id: string): { name: string; text: string; component: string; library: LibraryRef | null } | null {
    const n = this.core.graph.getNode(id);
    const def = n?.component === undefined ? undefined : this.core.root.components.get(n.component);
    if (!def) {
      this.core.cb.notice('select a component instance', 'info');
      return null;
    }
    return { name: def.name, text: documentText(componentFile(this.core.root, def.id)), component: def.id, library: libraryRef(def) };
  }

  /** Marks definition `component` as kept in "My components" as `ref` (one undoable step). */
  tagLibrary(component: string, ref: LibraryRef): Promise<readonly string[] | null> {
    const selected = this.core.selectedIds();
    return this.replaceGraph((_g, root) => {
      const def = root.components.get(component);
      if (!def) throw new GraphError(`unknown component "${component}"`);
      root.components.set({ ...def, extra: { ...def.extra, library: { id: ref.id, version: ref.version } } });
      return selected;
    });
  }

  /** Inserts the component of component file `doc` at `at` (its definitions copied in); returns the instance id. */
  async insertFile(doc: unknown, at: Position, library?: LibraryRef): Promise<string | null> {
    const made = await this.replaceGraph((g, root) => [insertComponent(root, g, doc, at, library ? { library } : {})]);
    return made?.[0] ?? null;
  }

  /** Update: instance `id`'s component (and every instance of it) becomes the file's newer version. */
  update(id: string, doc: unknown, library: LibraryRef): Promise<readonly string[] | null> {
    const component = this.core.graph.getNode(id)?.component;
    if (component === undefined) return Promise.resolve(null);
    return this.replaceGraph((_g, root) => {
      const dropped = updateComponent(root, component, doc, library);
      if (dropped.length) this.core.cb.notice(`Updated to version ${library.version}; no longer there: ${dropped.join(', ')}`, 'info');
      return [id];
    });
  }

  // ---- the palette ---------------------------------------------------------------------

  /** Palette entries for the file's components, under "In this graph" (none the graph shown may not contain). */
  entries(): NodeCatalogEntry[] {
    const root = this.core.root;
    const host = this.scopes.at(-1)?.component;
    return root.components.ids().flatMap((id) => {
      const def = root.components.get(id)!;
      if (host !== undefined && containsProblem(root, host, id)) return [];
      const description = def.description ?? `Component "${id}" of this graph: an instance shares its definition with the others`;
      return [{ ...catalogEntry(instanceDefinition(def)), type: `${COMPONENT_PALETTE_PREFIX}${id}`, category: 'In this graph', description }];
    });
  }

  /** Adds an instance of component `component` with its top-left at `at`; returns its id. */
  async addInstance(component: string, at: Position): Promise<string | null> {
    const core = this.core;
    const def = core.root.components.get(component);
    if (!def) {
      core.cb.notice(`this graph has no component "${component}"`, 'error');
      return null;
    }
    const host = this.scopes.at(-1)?.component;
    const problem = host === undefined ? null : containsProblem(core.root, host, component);
    if (problem) {
      core.cb.notice(problem, 'error');
      return null;
    }
    const id = nextId('c', (x) => core.graph.getNode(x) !== undefined);
    return core.gesture(async () => {
      const n = new EditorNode(id, COMPONENT_TYPE, catalogEntry(instanceDefinition(def)), {});
      n.component = component;
      if (!(await core.editor.addNode(n))) return null;
      await core.area.translate(id, { x: Math.round(at.x), y: Math.round(at.y) });
      await core.selectOnly([id]);
      return id;
    });
  }

  // ---- Enter / Leave -------------------------------------------------------------------

  /** Enter (Tab, double-click): the canvas shows the inside of instance `id` (default: the one selected). */
  async enter(id: string | undefined = this.selectedInstance(), opts: { record?: boolean } = {}): Promise<boolean> {
    const core = this.core;
    const n = id === undefined ? undefined : core.graph.getNode(id);
    if (id === undefined || !n || n.type !== COMPONENT_TYPE) {
      core.cb.notice('select a component instance to enter', 'info');
      return false;
    }
    const def = n.component === undefined ? undefined : core.graph.components.get(n.component);
    if (!def) {
      core.cb.notice(`node "${id}": unknown component "${n.component ?? ''}"`, 'error');
      return false;
    }
    const t = core.area.area.transform;
    this.scopes.push({ instance: id, component: def.id, parent: core.graph, transform: { x: t.x, y: t.y, k: t.k } });
    await this.show(def.graph, null, []);
    if (opts.record !== false) this.record(() => this.leave({ record: false }).then(() => undefined), () => this.enter(id, { record: false }).then(() => undefined));
    return true;
  }

  /** Leave (Tab, Esc, the breadcrumb): back to the graph around the instance, with it selected. */
  async leave(opts: { record?: boolean } = {}): Promise<boolean> {
    const scope = this.scopes.pop();
    if (!scope) return false;
    await this.show(scope.parent, scope.transform, [scope.instance]);
    if (opts.record !== false) this.record(() => this.enter(scope.instance, { record: false }).then(() => undefined), () => this.leave({ record: false }).then(() => undefined));
    return true;
  }

  /** Leaves until `depth` levels stay entered (0: the top level). */
  async leaveTo(depth: number): Promise<void> {
    while (this.scopes.length > Math.max(0, depth)) if (!(await this.leave())) break;
  }

  /** The selected component instance, if one is selected. */
  selectedInstance(): string | undefined {
    return this.core.selectedIds().find((x) => this.core.graph.getNode(x)?.type === COMPONENT_TYPE);
  }

  private async show(graph: Graph, view: Transform | null, select: readonly string[]): Promise<void> {
    const core = this.core;
    await this.quietly(() => core.mount(graph, { keepHistory: true }));
    core.refreshMinimap();
    if (view) {
      await core.area.area.zoom(view.k, 0, 0);
      await core.area.area.translate(view.x, view.y);
    } else await core.zoomFit();
    core.rev++;
    core.cb.scopeChanged(this.prefix());
    await core.selectOnly(select.filter((id) => core.editor.getNode(id)));
  }

  /** Runs `fn` with the history not recording (a rebuilt view is not an edit of its own). */
  private async quietly(fn: () => Promise<void>): Promise<void> {
    const h = (this.core.history as unknown as { history: { active: boolean } }).history;
    const was = h.active;
    h.active = true;
    try {
      await fn();
    } finally {
      h.active = was;
    }
  }

  private record(undo: () => Promise<void>, redo: () => Promise<void>): void {
    const history = this.core.history;
    history.separate();
    history.add({ undo, redo });
    history.separate();
  }
}

/** The graphs along an instance path: the top level, then each instance's definition graph. */
function along(root: Graph, path: readonly string[]): Graph[] {
  const out = [root];
  for (const id of path) {
    const n = out.at(-1)!.getNode(id);
    const def = n?.component === undefined ? undefined : root.components.get(n.component);
    if (!def) throw new Error(`the component shown (instance "${id}") is gone`);
    out.push(def.graph);
  }
  return out;
}

function firstProblem(e: GraphError | GraphFileError): string {
  return e instanceof GraphFileError ? (e.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))[0] ?? e.message) : e.message;
}
