/**
 * Shared by the scripts that write the example graphs (make_graphs.ts,
 * make_restoration_graphs.ts, data/make-model-graphs.ts): a small builder placing nodes on the
 * editor's grid, and a writer that checks the file is canonical before writing it.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseGraph, serializeGraph } from '../../src/engine/format';
import { Graph } from '../../src/engine/graph';
import type { NodeRegistry } from '../../src/engine/registry';

export const GRAPHS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'graphs');

/** Grid cell (column, row) → position (320·col, 440·row): room for the editor's nodes with thumbnails. */
export function graphBuilder(registry: NodeRegistry, name: string, description: string) {
  const g = new Graph(registry, { name, description });
  return {
    g,
    node(id: string, type: string, params: Record<string, unknown>, col: number, row: number): string {
      g.addNode({ id, type, params, position: { x: 320 * col, y: 440 * row } });
      return id;
    },
    /** An edge between image ports unless other ports are named. */
    wire(from: string, to: string, toPort = 'image', fromPort = 'image'): void {
      g.connect({ node: from, port: fromPort }, { node: to, port: toPort });
    },
    /** An edge with both ports named. */
    link(from: string, fromPort: string, to: string, toPort: string): void {
      g.connect({ node: from, port: fromPort }, { node: to, port: toPort });
    },
  };
}

/** Writes graphs/<file> after checking that parse → serialize reproduces it byte for byte. */
export function writeCanonical(registry: NodeRegistry, file: string, g: Graph): void {
  const text = serializeGraph(g);
  if (serializeGraph(parseGraph(text, registry)) !== text) throw new Error(`${file}: parse → serialize is not byte-identical`);
  writeFileSync(path.join(GRAPHS_DIR, file), text);
  console.log(`wrote graphs/${file} (${g.nodeIds().length} nodes, ${g.edges.length} edges)`);
}
