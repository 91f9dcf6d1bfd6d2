/**
 * A component on its own (issue 22, item 4): the file a component is exported as and kept in
 * "My components" — a format-3 graph holding the component, the components it uses, and one
 * instance of it, marked `ui.component` — and inserting such a file into another graph:
 * the definitions are copied in (ids that are taken get a fresh one, and the references to
 * them follow), so the graph stays self-contained. A definition inserted from the library
 * carries `library: { id, version }` (an unknown key of the definition, kept by every reader),
 * so the editor can offer "Update" when the library holds a newer version — never silently.
 */
import { COMPONENT_TYPE, instanceDefinition, type ComponentDefinition } from './components';
import { GraphError } from './errors';
import { graphToDocument, parseGraph, type GraphDocument } from './format';
import { Graph } from './graph';
import { hasOwn } from './params';
import type { NodeRegistry } from './registry';
import type { Position } from './types';

/** Where a definition came from in the component library. */
export interface LibraryRef {
  readonly id: string;
  readonly version: number;
}

/** The `library` key of a definition, when it came from the component library. */
export function libraryRef(def: ComponentDefinition | undefined): LibraryRef | null {
  const v = def?.extra.library as { id?: unknown; version?: unknown } | undefined;
  return v && typeof v.id === 'string' && typeof v.version === 'number' && Number.isInteger(v.version) ? { id: v.id, version: v.version } : null;
}

/** Component `id` and every component it uses (at any depth), each once, users first. */
function closure(g: Graph, id: string): string[] {
  const out: string[] = [];
  const visit = (c: string): void => {
    if (out.includes(c)) return;
    const def = g.components.get(c);
    if (!def) throw new GraphError(`unknown component "${c}"`);
    out.push(c);
    for (const n of def.graph.nodeIds()) {
      const inner = def.graph.getNode(n)!;
      if (inner.type === COMPONENT_TYPE && inner.component !== undefined) visit(inner.component);
    }
  };
  visit(id);
  return out;
}

/** The file of component `id` of `g`: its definitions and one instance `c1`, marked `ui.component`. */
export function componentFile(g: Graph, id: string): GraphDocument {
  const def = g.components.get(id);
  if (!def) throw new GraphError(`unknown component "${id}"`);
  const out = new Graph(g.registry, { name: def.name, ...(def.description !== undefined ? { description: def.description } : {}) });
  const keep = closure(g, id);
  // used components first: an instance inside a definition names one that exists
  for (const c of [...keep].reverse()) copyDefinition(g.components.get(c)!, out, c, new Map(keep.map((k) => [k, k])));
  out.addNode({ id: 'c1', type: COMPONENT_TYPE, component: id, position: { x: 0, y: 0 } });
  out.setExtra('ui', { component: id });
  return graphToDocument(out);
}

/** The component a file holds as "a component on its own" (`ui.component`), or null for any other graph. */
export function fileComponent(doc: unknown): string | null {
  if (!doc || typeof doc !== 'object') return null;
  const d = doc as { ui?: { component?: unknown }; components?: Record<string, unknown> };
  const id = d.ui?.component;
  return typeof id === 'string' && d.components && typeof d.components === 'object' && hasOwn(d.components, id) ? id : null;
}

/** A component file's definitions, read and checked (throws GraphFileError naming the problem). */
function readFile(registry: NodeRegistry, doc: unknown): { file: Graph; id: string } {
  const file = parseGraph(doc, registry);
  const id = fileComponent(doc);
  if (id === null) throw new GraphError('this graph file holds no component of its own (export one with "Export component")');
  return { file, id };
}

/**
 * Copies the definitions of component file `doc` into `g` (the top-level graph; its
 * ComponentSet is shared by every definition) — a definition already there from the same
 * library version is reused — and returns the id the file's component has in `g`.
 */
export function importComponent(g: Graph, doc: unknown, library?: LibraryRef): string {
  const { file, id } = readFile(g.registry, doc);
  if (library) {
    const same = g.components.ids().find((c) => {
      const ref = libraryRef(g.components.get(c));
      return ref !== null && ref.id === library.id && ref.version === library.version;
    });
    if (same !== undefined) return same;
  }
  const names = closure(file, id);
  const rename = new Map<string, string>();
  for (const c of names) rename.set(c, freeComponentId(g, c, rename));
  for (const c of [...names].reverse()) {
    const def = file.components.get(c)!;
    copyDefinition(def, g, rename.get(c)!, rename, c === id && library ? { library: { id: library.id, version: library.version } } : {});
  }
  return rename.get(id)!;
}

/** Inserts an instance of the file's component at `at` into `into` (the graph shown; `root` its top level). Returns the instance id. */
export function insertComponent(root: Graph, into: Graph, doc: unknown, at: Position, opts: { library?: LibraryRef; instance?: string } = {}): string {
  const component = importComponent(root, doc, opts.library);
  const id = opts.instance ?? freeNodeId(into, 'c');
  into.addNode({ id, type: COMPONENT_TYPE, component, position: { x: Math.round(at.x), y: Math.round(at.y) } });
  return id;
}

/**
 * Update: definition `component` of `g` becomes the file's (a newer library version); every
 * instance follows (they are linked). Promoted values of params the new version no longer
 * has are dropped; wires into ports it no longer has are removed. Returns what was dropped.
 */
export function updateComponent(g: Graph, component: string, doc: unknown, library: LibraryRef): string[] {
  const old = g.components.get(component);
  if (!old) throw new GraphError(`unknown component "${component}"`);
  const { file, id } = readFile(g.registry, doc);
  const names = closure(file, id).filter((c) => c !== id);
  const rename = new Map<string, string>([[id, component]]);
  for (const c of names) rename.set(c, freeComponentId(g, c, rename));
  const spec = instanceDefinition(file.components.get(id)!);
  // every instance of the old version: wires to ports the new one lacks go, values are kept aside
  const dropped: string[] = [];
  const instances: { graph: Graph; id: string; values: [string, unknown][] }[] = [];
  for (const graph of [g, ...g.components.ids().map((c) => g.components.get(c)!.graph)]) {
    for (const nid of graph.nodeIds()) {
      const n = graph.getNode(nid)!;
      if (n.component !== component) continue;
      for (const e of graph.edges.filter((x) => (x.to.node === nid && !hasOwn(spec.inputs, x.to.port)) || (x.from.node === nid && !hasOwn(spec.outputs, x.from.port)))) {
        dropped.push(`wire ${e.from.node}.${e.from.port} → ${e.to.node}.${e.to.port}`);
        graph.disconnect(e.to);
      }
      const values = Object.entries(n.params);
      for (const [k] of values) graph.setParam(nid, k, undefined);
      instances.push({ graph, id: nid, values });
    }
  }
  for (const c of [...names].reverse()) copyDefinition(file.components.get(c)!, g, rename.get(c)!, rename);
  copyDefinition(file.components.get(id)!, g, component, rename, { ...old.extra, library: { id: library.id, version: library.version } });
  for (const inst of instances) {
    for (const [k, v] of inst.values) {
      try {
        if (!hasOwn(spec.params, k)) throw new GraphError('not promoted any more');
        inst.graph.setParam(inst.id, k, v);
      } catch (e) {
        if (!(e instanceof GraphError)) throw e;
        dropped.push(`${inst.id}.${k}`);
      }
    }
  }
  return dropped;
}

function freeComponentId(g: Graph, base: string, taken: ReadonlyMap<string, string>): string {
  const used = (c: string): boolean => g.components.has(c) || [...taken.values()].includes(c);
  if (!used(base)) return base;
  for (let i = 2; ; i++) if (!used(`${base}${i}`)) return `${base}${i}`;
}

function freeNodeId(g: Graph, base: string): string {
  for (let i = 1; ; i++) if (!g.getNode(`${base}${i}`)) return `${base}${i}`;
}

/** Copies `def` into `into`'s ComponentSet as `id`, its instances' component ids renamed by `rename`. */
function copyDefinition(def: ComponentDefinition, into: Graph, id: string, rename: ReadonlyMap<string, string>, extra: Record<string, unknown> = def.extra as Record<string, unknown>): void {
  const inner = new Graph(into.registry, { components: into.components });
  into.components.set({ ...def, id, graph: inner, params: [...def.params], extra });
  for (const nid of def.graph.nodeIds()) {
    const n = def.graph.getNode(nid)!;
    const component = n.component === undefined ? undefined : (rename.get(n.component) ?? n.component);
    inner.addNode({ ...n, ...(component !== undefined ? { component } : {}), params: { ...n.params }, allowUnknownType: true, deferParamChecks: true });
  }
  for (const e of def.graph.edges) inner.connect(e.from, e.to, e.extra);
}

/** The definitions a fragment or file brings (`components` of its document) read into a graph of their own. */
function readDefinitions(registry: NodeRegistry, components: unknown): Graph {
  return parseGraph({ format: 'pixel-loom.graph', version: 3, name: 'components', components, nodes: [], edges: [] }, registry);
}

/** Whether `g` holds components `ids` (and all they use) exactly as `components` (a document's) defines them. */
export function hasSameComponents(g: Graph, components: unknown, ids: readonly string[]): boolean {
  const theirs = readDefinitions(g.registry, components);
  const all = [...new Set(ids.flatMap((id) => closure(theirs, id)))];
  const a = graphToDocument(theirs).components ?? {};
  const b = graphToDocument(g).components ?? {};
  return all.every((c) => hasOwn(b, c) && JSON.stringify(a[c]) === JSON.stringify(b[c]));
}

/**
 * Copies components `ids` of `components` (a document's, e.g. a pasted fragment's) and all
 * they use into `g`: kept as they are when `g` already holds all of them exactly so, else
 * copied with fresh ids where taken. Returns old id → id in `g`.
 */
export function adoptComponents(g: Graph, components: unknown, ids: readonly string[]): Map<string, string> {
  const theirs = readDefinitions(g.registry, components);
  const all = [...new Set(ids.flatMap((id) => closure(theirs, id)))];
  if (hasSameComponents(g, components, ids)) return new Map(all.map((c) => [c, c]));
  const rename = new Map<string, string>();
  for (const c of all) rename.set(c, freeComponentId(g, c, rename));
  for (const c of [...all].reverse()) copyDefinition(theirs.components.get(c)!, g, rename.get(c)!, rename);
  return rename;
}
