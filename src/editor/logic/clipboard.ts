/**
 * Copy/paste of graph fragments. A fragment is an ordinary graph document (so it can travel
 * through the system clipboard as JSON, between tabs and graphs) holding the copied nodes
 * and the edges among them; the edges that came into them from nodes that were not copied are
 * kept aside under `ui.inputs`, for "paste with connections" (Ctrl+Shift+V). Pasting gives
 * every node a fresh id, remaps the edges, and moves the fragment so its top-left corner lands
 * at the requested position.
 */
import { FORMAT_ID, FORMAT_VERSION, type EdgeDocument, type GraphDocument, type NodeDocument } from '../../engine/format';
import { idForCopy } from './ids';

/**
 * The fragment of `doc` (the graph on the canvas) holding nodes `ids`; copied component
 * instances bring the definitions they use from `components` (the file's), so they paste
 * into any graph.
 */
export function copyFragment(doc: GraphDocument, ids: Iterable<string>, components: GraphDocument['components'] = doc.components): GraphDocument {
  const keep = new Set(ids);
  const nodes = doc.nodes.filter((n) => keep.has(n.id)).map((n) => structuredClone(n));
  const edges = doc.edges.filter((e) => keep.has(e.from.node) && keep.has(e.to.node)).map((e) => structuredClone(e));
  const inputs = doc.edges.filter((e) => !keep.has(e.from.node) && keep.has(e.to.node)).map((e) => structuredClone(e));
  const used = usedDefinitions(components ?? {}, nodes);
  return {
    format: FORMAT_ID,
    version: FORMAT_VERSION,
    name: 'pixel-loom clipboard',
    ...(Object.keys(used).length ? { components: used } : {}),
    nodes,
    edges,
    ...(inputs.length ? { ui: { inputs } } : {}),
  };
}

/** The definitions `nodes` use, directly or through other definitions. */
function usedDefinitions(components: NonNullable<GraphDocument['components']>, nodes: readonly NodeDocument[]): NonNullable<GraphDocument['components']> {
  const out: NonNullable<GraphDocument['components']> = {};
  const visit = (list: readonly NodeDocument[]): void => {
    for (const n of list) {
      const c = (n as { component?: unknown }).component;
      if (typeof c !== 'string' || Object.prototype.hasOwnProperty.call(out, c) || !Object.prototype.hasOwnProperty.call(components, c)) continue;
      out[c] = structuredClone(components[c]!);
      visit(components[c]!.nodes as NodeDocument[]);
    }
  };
  visit(nodes);
  return out;
}

/** The edges into the copied nodes from nodes that were not copied (paste with connections). */
export function fragmentInputs(f: GraphDocument): EdgeDocument[] {
  const list = (f.ui as { inputs?: unknown } | undefined)?.inputs;
  if (!Array.isArray(list)) return [];
  const ok = (r: unknown): r is { node: string; port: string } => typeof r === 'object' && r !== null && typeof (r as { node?: unknown }).node === 'string' && typeof (r as { port?: unknown }).port === 'string';
  return list.filter((e): e is EdgeDocument => typeof e === 'object' && e !== null && ok((e as EdgeDocument).from) && ok((e as EdgeDocument).to));
}

export function fragmentToText(f: GraphDocument): string {
  return `${JSON.stringify(f, null, 2)}\n`;
}

/**
 * Reads clipboard text as a fragment. Returns null for text that is not a pixel-loom graph
 * (so plain text on the clipboard is ignored); throws with a reason for a graph whose
 * structure is unusable.
 */
export function fragmentFromText(text: string): GraphDocument | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null || (v as { format?: unknown }).format !== FORMAT_ID) return null;
  const d = v as Partial<GraphDocument>;
  if (!Array.isArray(d.nodes)) throw new Error('the pasted graph has no "nodes" array');
  if (d.edges !== undefined && !Array.isArray(d.edges)) throw new Error('the pasted graph\'s "edges" is not an array');
  for (const [i, n] of d.nodes.entries()) {
    if (typeof n !== 'object' || n === null || typeof n.id !== 'string' || typeof n.type !== 'string') {
      throw new Error(`the pasted graph's nodes[${i}] needs a string "id" and "type"`);
    }
  }
  return { ...(d as GraphDocument), edges: d.edges ?? [] };
}

export interface PastePlan {
  readonly nodes: NodeDocument[];
  readonly edges: EdgeDocument[];
  /** old id → new id */
  readonly idMap: ReadonlyMap<string, string>;
}

/**
 * New nodes and edges for pasting `fragment` with its bounding box's top-left at `at`
 * (or offset by `at` when `relative`). `taken` says which ids are in use. With `inputsFrom`
 * (paste with connections), the edges that came into the copied nodes from nodes outside the
 * copy are kept when `inputsFrom(id)` says that node is in the graph pasted into.
 */
export function planPaste(fragment: GraphDocument, taken: (id: string) => boolean, at: { x: number; y: number }, relative = false, inputsFrom?: (id: string) => boolean): PastePlan {
  const used = new Set<string>();
  const isTaken = (id: string): boolean => taken(id) || used.has(id);
  const idMap = new Map<string, string>();
  let minX = Infinity;
  let minY = Infinity;
  for (const n of fragment.nodes) {
    const p = n.position ?? { x: 0, y: 0 };
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
  }
  if (!Number.isFinite(minX)) minX = minY = 0;
  const dx = relative ? at.x : at.x - minX;
  const dy = relative ? at.y : at.y - minY;
  const nodes: NodeDocument[] = [];
  for (const n of fragment.nodes) {
    if (idMap.has(n.id)) continue;
    const id = idForCopy(n.id, n.type, isTaken);
    used.add(id);
    idMap.set(n.id, id);
    const p = n.position ?? { x: 0, y: 0 };
    nodes.push({ ...structuredClone(n), id, params: structuredClone(n.params ?? {}), position: { x: Math.round(p.x + dx), y: Math.round(p.y + dy) } });
  }
  const edges: EdgeDocument[] = [];
  for (const e of fragment.edges) {
    const from = idMap.get(e.from.node);
    const to = idMap.get(e.to.node);
    if (from === undefined || to === undefined) continue;
    edges.push({ ...structuredClone(e), from: { node: from, port: e.from.port }, to: { node: to, port: e.to.port } });
  }
  if (inputsFrom) {
    for (const e of fragmentInputs(fragment)) {
      const to = idMap.get(e.to.node);
      if (to === undefined || idMap.has(e.from.node) || !inputsFrom(e.from.node)) continue;
      edges.push({ from: { node: e.from.node, port: e.from.port }, to: { node: to, port: e.to.port } });
    }
  }
  return { nodes, edges, idMap };
}
