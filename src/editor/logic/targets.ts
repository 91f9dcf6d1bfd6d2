/**
 * What to evaluate: the nodes visible in the viewport, plus extra nodes the UI shows
 * elsewhere (the preview panel's selection and comparison). Nodes that cannot run yet
 * because a required input is not wired (on them or upstream) are left out and reported as
 * waiting, so a half-built graph shows "connect …" hints rather than errors.
 */
import type { GraphDocument } from '../../engine/format';
import type { NodeCatalogEntry } from '../../engine/registry';

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export function intersects(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Ids whose rectangle meets the viewport grown by `margin` on every side (all in graph coordinates). */
export function visibleNodeIds(rects: ReadonlyMap<string, Rect>, viewport: Rect, margin = 0): string[] {
  const v = { x: viewport.x - margin, y: viewport.y - margin, width: viewport.width + 2 * margin, height: viewport.height + 2 * margin };
  const out: string[] = [];
  for (const [id, r] of rects) if (intersects(r, v)) out.push(id);
  return out;
}

/**
 * Nodes that cannot run, with the reason: an unwired required input, or an input fed by a
 * node that cannot run. Placeholders (unknown types) are not listed here: they fail with
 * their own error.
 */
export function waitingNodes(doc: GraphDocument, catalog: ReadonlyMap<string, NodeCatalogEntry>): Map<string, string> {
  const into = new Map<string, Map<string, string>>();
  for (const e of doc.edges) {
    let m = into.get(e.to.node);
    if (!m) into.set(e.to.node, (m = new Map()));
    m.set(e.to.port, e.from.node);
  }
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const memo = new Map<string, string | null>();
  const visiting = new Set<string>();
  const reason = (id: string): string | null => {
    if (memo.has(id)) return memo.get(id)!;
    if (visiting.has(id)) return null;
    visiting.add(id);
    const node = byId.get(id);
    const entry = node ? catalog.get(node.type) : undefined;
    let r: string | null = null;
    if (entry) {
      for (const [port, spec] of Object.entries(entry.inputs)) {
        const up = into.get(id)?.get(port);
        if (up === undefined) {
          if (!spec.optional) {
            r = `connect input "${spec.label ?? port}"`;
            break;
          }
        } else if (reason(up) !== null) {
          r = `waiting for node "${up}"`;
          break;
        }
      }
    }
    visiting.delete(id);
    memo.set(id, r);
    return r;
  };
  const out = new Map<string, string>();
  for (const n of doc.nodes) {
    const r = reason(n.id);
    if (r !== null) out.set(n.id, r);
  }
  return out;
}

/** Targets for the worker: wanted nodes that exist and can run, each once, in the given order. */
export function evaluationTargets(doc: GraphDocument, wanted: Iterable<string>, waiting: ReadonlyMap<string, string>): { node: string }[] {
  const exists = new Set(doc.nodes.map((n) => n.id));
  const seen = new Set<string>();
  const out: { node: string }[] = [];
  for (const id of wanted) {
    if (seen.has(id) || !exists.has(id) || waiting.has(id)) continue;
    seen.add(id);
    out.push({ node: id });
  }
  return out;
}
