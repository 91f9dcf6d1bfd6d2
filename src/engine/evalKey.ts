/**
 * Evaluation keys: what a node's result is the result OF, computable from a graph document
 * alone (no tensors, no image bytes), so the editor and the worker agree on it.
 *
 * A node's key hashes its type, its explicit params, its mode (bypass / mute) when set and,
 * for every wired input, the key of the node feeding it and that node's port. Two nodes with the same key compute the same
 * thing (given the same image bytes behind the same sources); a node that was deleted and
 * re-added under the same id with other params or wires gets another key. The editor shows
 * a result (thumbnail, value, status, preview) only while the node's current key equals the
 * key the result was computed for — never by node id alone.
 */
import { hashValue } from './signature';

interface KeyNode {
  readonly id: string;
  readonly type: string;
  readonly params?: Readonly<Record<string, unknown>>;
  /** `bypass` / `mute` (format version 2); part of the key, so descendants change too. */
  readonly mode?: string;
  /** A component instance's definition id (format version 3). */
  readonly component?: string;
}
interface KeyEdge {
  readonly from: { readonly node: string; readonly port: string };
  readonly to: { readonly node: string; readonly port: string };
}
export interface KeyDocument {
  readonly nodes: readonly KeyNode[];
  readonly edges: readonly KeyEdge[];
  /** Component definitions (format version 3): an instance's key follows every one of them. */
  readonly components?: unknown;
}

/**
 * The evaluation key of every node of `doc`. Nodes on a cycle (never in a valid graph) and
 * nodes fed by an edge from a missing node still get a key, marked so that it never equals
 * the key of a valid node. An instance's key also covers the file's component definitions.
 */
export function evaluationKeys(doc: KeyDocument): Map<string, string> {
  const byId = new Map<string, KeyNode>();
  for (const n of doc.nodes) if (!byId.has(n.id)) byId.set(n.id, n);
  const inputs = new Map<string, [string, string, string][]>();
  for (const e of doc.edges) {
    let list = inputs.get(e.to.node);
    if (!list) inputs.set(e.to.node, (list = []));
    list.push([e.to.port, e.from.node, e.from.port]);
  }
  const keys = new Map<string, string>();
  // An edit inside a definition changes what its instances compute (nested ones included).
  let defsHash: string | undefined;
  const defs = (): string => (defsHash ??= hashValue(doc.components ?? {}));
  const visiting = new Set<string>();
  const keyOf = (id: string): string => {
    const known = keys.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    if (!node) return `missing:${id}`;
    if (visiting.has(id)) return `cycle:${id}`;
    visiting.add(id);
    const wired = (inputs.get(id) ?? []).map(([port, from, fromPort]) => [port, keyOf(from), fromPort]).sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
    visiting.delete(id);
    const base: Record<string, unknown> = { t: node.type, p: node.params ?? {}, i: wired };
    if (node.mode) base.m = node.mode;
    if (node.component !== undefined) base.c = [node.component, defs()];
    const key = hashValue(base);
    keys.set(id, key);
    return key;
  };
  // Iteratively deepen from sources so a long chain does not exhaust the stack.
  for (const id of topologicalOrder(doc, byId)) keyOf(id);
  for (const id of byId.keys()) keyOf(id);
  return keys;
}

/** Node ids, each after its inputs where the graph allows (Kahn's algorithm; cycles left out). */
function topologicalOrder(doc: KeyDocument, byId: ReadonlyMap<string, KeyNode>): string[] {
  const indegree = new Map<string, number>();
  const out = new Map<string, string[]>();
  for (const id of byId.keys()) indegree.set(id, 0);
  for (const e of doc.edges) {
    if (!byId.has(e.from.node) || !byId.has(e.to.node)) continue;
    indegree.set(e.to.node, (indegree.get(e.to.node) ?? 0) + 1);
    let list = out.get(e.from.node);
    if (!list) out.set(e.from.node, (list = []));
    list.push(e.to.node);
  }
  const order: string[] = [];
  const ready = [...byId.keys()].filter((id) => indegree.get(id) === 0);
  while (ready.length) {
    const id = ready.pop()!;
    order.push(id);
    for (const next of out.get(id) ?? []) {
      const d = indegree.get(next)! - 1;
      indegree.set(next, d);
      if (d === 0) ready.push(next);
    }
  }
  return order;
}
