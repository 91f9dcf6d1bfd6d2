/**
 * Node paths (DESIGN.md §2b): `s1/blur` is node `blur` inside instance `s1`. The editor
 * shows the inside of an instance with every inner node previewing for that instance: it asks
 * the worker for paths, and both sides must agree on which node a path names and on its
 * evaluation key (evalKey.ts) — these functions are that agreement.
 */
import { COMPONENT_TYPE } from './components';
import { evaluationKeys, type KeyDocument } from './evalKey';
import { flattenGraph } from './flatten';
import type { Graph } from './graph';
import { hashValue } from './signature';

/** The graph that holds the node a path names, and its id there; null when the path names no node. */
export function nodeAtPath(root: Graph, path: string): { graph: Graph; id: string } | null {
  const parts = path.split('/');
  let graph = root;
  for (let i = 0; i < parts.length - 1; i++) {
    const n = graph.getNode(parts[i]!);
    const def = n && n.type === COMPONENT_TYPE && n.component !== undefined ? root.components.get(n.component) : undefined;
    if (!def) return null;
    graph = def.graph;
  }
  const id = parts[parts.length - 1]!;
  return graph.getNode(id) ? { graph, id } : null;
}

/**
 * The evaluation key of every top-level node and every node path of `root` (`doc` is its
 * document). A path's key is the key of its node in the flattened graph — so it follows the
 * instance's promoted params and wires, not only the definition; a graph.input fed from
 * outside (absent from the flat graph) has the key of what feeds it.
 */
export function pathKeys(root: Graph, doc: KeyDocument): (id: string) => string {
  const top = evaluationKeys(doc);
  const flat = flattenGraph(root);
  if (flat.graph === root) return (id) => top.get(id) ?? '';
  const g = flat.graph;
  const flatKeys = evaluationKeys({
    nodes: g.nodeIds().map((id) => {
      const n = g.getNode(id)!;
      return { id, type: n.type, params: n.params, ...(n.mode ? { mode: n.mode } : {}) };
    }),
    edges: g.edges,
  });
  return (id) => {
    const known = top.get(id) ?? flatKeys.get(id);
    if (known !== undefined) return known;
    if (!id.includes('/')) return '';
    const ref = flat.resolve(id, 'value');
    const from = ref ? flatKeys.get(ref.node) : undefined;
    return from === undefined ? '' : hashValue({ via: from, port: ref!.port });
  };
}
