/**
 * Palette search: fuzzy matching over title, type, category and description, and the
 * compatibility filter used when a dragged wire is dropped on empty space.
 */
import type { NodeCatalogEntry } from '../../engine/registry';
import { canConnect, type PortType } from '../../engine/types';

/**
 * Score of `query` against `text` (higher is better), or -1 when the query's characters do
 * not all appear in order. Contiguous runs, word starts and an early first match score more.
 */
export function fuzzyScore(query: string, text: string): number {
  const q = query.toLowerCase().replace(/\s+/g, '');
  if (q === '') return 0;
  const t = text.toLowerCase();
  const direct = t.indexOf(q);
  if (direct >= 0) {
    const wordStart = direct === 0 || /[\s._-]/.test(t[direct - 1]!) || (text[direct] !== t[direct]);
    return 1000 - direct + (wordStart ? 200 : 0) + (q.length === t.length ? 300 : 0);
  }
  let score = 0;
  let ti = 0;
  let run = 0;
  for (const ch of q) {
    const found = t.indexOf(ch, ti);
    if (found < 0) return -1;
    run = found === ti ? run + 1 : 0;
    const wordStart = found === 0 || /[\s._-]/.test(t[found - 1]!) || text[found] !== t[found];
    score += 10 + run * 5 + (wordStart ? 8 : 0) - Math.min(found - ti, 10);
    ti = found + 1;
  }
  return score;
}

/** The dragged end of a wire: an output of `type` looks for inputs, an input looks for outputs. */
export interface WireEnd {
  readonly side: 'output' | 'input';
  readonly type: PortType | 'any';
}

/** The first port of `entry` that can take the dragged wire end, or null. */
export function compatiblePort(entry: NodeCatalogEntry, end: WireEnd): string | null {
  if (end.side === 'output') {
    for (const [name, spec] of Object.entries(entry.inputs)) if (end.type === 'any' || canConnect(end.type, spec.type)) return name;
  } else {
    for (const [name, spec] of Object.entries(entry.outputs)) if (end.type === 'any' || canConnect(spec.type, end.type)) return name;
  }
  return null;
}

export interface PaletteMatch {
  readonly entry: NodeCatalogEntry;
  readonly score: number;
  /** With a wire end: the port of this node the wire connects to. */
  readonly port?: string;
}

/**
 * Catalogue entries matching `query` (all when empty), best first; with `end`, only nodes
 * that can take the wire. Title matches weigh most, then type, category and description.
 */
export function searchCatalog(catalog: readonly NodeCatalogEntry[], query: string, end?: WireEnd): PaletteMatch[] {
  const out: PaletteMatch[] = [];
  catalog.forEach((entry, index) => {
    let port: string | undefined;
    if (end) {
      const p = compatiblePort(entry, end);
      if (p === null) return;
      port = p;
    }
    let score: number;
    if (query.trim() === '') score = -index;
    else {
      const s = Math.max(
        fuzzyScore(query, entry.title) * 1.5,
        fuzzyScore(query, entry.type) * 1.2,
        fuzzyScore(query, entry.category),
        entry.description.toLowerCase().includes(query.trim().toLowerCase()) ? 300 : -1,
      );
      if (s < 0) return;
      score = s;
    }
    out.push(port === undefined ? { entry, score } : { entry, score, port });
  });
  if (query.trim() !== '') out.sort((a, b) => b.score - a.score);
  return out;
}
