/**
 * Copy and paste on the canvas: the selection as a graph document fragment (text), pasted
 * with fresh ids (Ctrl+V), with its incoming wires (Ctrl+Shift+V), or duplicated (Ctrl+D).
 * Functions of the EditorCore.
 */
import { Graph } from '../../engine/graph';
import type { GraphDocument, NodeDocument } from '../../engine/format';
import type { Position } from '../../engine/types';
import { instanceDefinition } from '../../engine/components';
import { adoptComponents, hasSameComponents } from '../../engine/componentFile';
import { catalogEntry } from '../../engine/registry';
import { copyFragment, fragmentFromText, fragmentToText, planPaste, type PastePlan } from '../logic/clipboard';
import type { EditorCore } from './editorCore';
import { EditorNode } from './schemes';

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

/** The selection (or `ids`) as clipboard text: a graph document fragment. */
export function copy(core: EditorCore, ids: readonly string[] = core.selectedIds()): string | null {
  if (ids.length === 0) return null;
  // the nodes of the graph on the canvas (inside a component: its definition's), with the definitions instances use
  return fragmentToText(copyFragment(core.components.viewDocument() ?? core.document(), ids, core.document().components));
}

/**
 * Pastes clipboard text (a graph fragment from this or another graph) with fresh ids, its
 * top-left at `at` (default: a little right/below the copied nodes, or the view centre).
 * Returns the new ids; notices explain what could not be pasted. `withInputs` (Ctrl+Shift+V)
 * also keeps the wires that came into the copied nodes from nodes that were not copied, when
 * those nodes are in this graph.
 */
export async function paste(core: EditorCore, text: string, at?: Position, opts: { withInputs?: boolean } = {}): Promise<string[]> {
  let fragment: GraphDocument | null;
  try {
    fragment = fragmentFromText(text);
  } catch (e) {
    core.cb.notice(`cannot paste: ${(e as Error).message}`, 'error');
    return [];
  }
  if (!fragment || fragment.nodes.length === 0) {
    core.cb.notice('the clipboard holds no pixel-loom nodes', 'info');
    return [];
  }
  const target = at ?? pasteTarget(core, fragment);
  const exists = (id: string): boolean => core.graph.getNode(id) !== undefined;
  const plan = planPaste(fragment, exists, target, false, opts.withInputs ? exists : undefined);
  // instances whose definitions this graph lacks (or holds otherwise): the definitions come along, in one undoable step
  const used = [...new Set(plan.nodes.flatMap((n) => (typeof n.component === 'string' ? [n.component] : [])))];
  if (used.length && !hasSameComponents(core.root, fragment.components ?? {}, used)) return pasteWithDefinitions(core, fragment, plan, used);
  const added: string[] = [];
  const problems: string[] = [];
  await core.gesture(async () => {
    for (const nd of plan.nodes) {
      const ok = await addNodeDocument(core, nd, problems);
      if (ok) added.push(nd.id);
    }
    const fresh = new Set(plan.nodes.map((n) => n.id));
    for (const e of plan.edges) {
      // a wire from a pasted node needs that node; a kept incoming wire, its source in this graph
      const fromOk = fresh.has(e.from.node) ? added.includes(e.from.node) : exists(e.from.node);
      if (!fromOk || !added.includes(e.to.node)) continue;
      const problem = core.graph.checkConnect(e.from, e.to);
      if (problem) problems.push(problem.message);
      else await core.editor.addConnection(core.makeConnection(e.from, e.to));
    }
  });
  await core.selectOnly(added);
  if (problems.length) core.cb.notice(`pasted ${added.length} of ${plan.nodes.length} nodes; ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, 'error');
  return added;
}

export async function duplicate(core: EditorCore): Promise<string[]> {
  const text = core.copy();
  if (!text) return [];
  const fragment = fragmentFromText(text)!;
  const min = fragment.nodes.reduce((m, n) => ({ x: Math.min(m.x, n.position.x), y: Math.min(m.y, n.position.y) }), { x: Infinity, y: Infinity });
  return core.paste(text, { x: min.x + 40, y: min.y + 40 });
}

/** Pastes nodes whose instances need definitions the graph lacks: definitions and nodes in one replaceGraph step. */
async function pasteWithDefinitions(core: EditorCore, fragment: GraphDocument, plan: PastePlan, used: readonly string[]): Promise<string[]> {
  const made = await core.components.replaceGraph((g, root) => {
    const rename = adoptComponents(root, fragment.components ?? {}, used);
    for (const n of plan.nodes) {
      const { id, type, params, position, mode, component, ...extra } = n;
      const c = typeof component === 'string' ? (rename.get(component) ?? component) : undefined;
      g.addNode({ id, type, ...(c !== undefined ? { component: c } : {}), params: params ?? {}, position, ...(mode === 'bypass' || mode === 'mute' ? { mode } : {}), extra, allowUnknownType: true });
    }
    for (const e of plan.edges) if (g.getNode(e.from.node) && g.getNode(e.to.node) && !g.checkConnect(e.from, e.to)) g.connect(e.from, e.to, e.reroute ? { reroute: e.reroute } : undefined);
    return plan.nodes.map((n) => n.id);
  });
  return made ? [...made] : [];
}

export async function addNodeDocument(core: EditorCore, nd: NodeDocument, problems: string[]): Promise<boolean> {
  const { id, type, params, position, mode, component, ...extra } = nd;
  const def = typeof component === 'string' ? core.root.components.get(component) : undefined;
  const entry = def ? catalogEntry(instanceDefinition(def)) : core.entries.get(type);
  const ports = { inputs: [] as string[], outputs: [] as string[] };
  const n = new EditorNode(id, type, entry, { ...(params ?? {}) }, extra, ports);
  if (mode === 'bypass' || mode === 'mute') n.mode = mode;
  if (typeof component === 'string') n.component = component;
  try {
    // Validate first, for a message that names the problem.
    const probe = new Graph(core.registry, { components: core.root.components });
    probe.addNode({ id, type, ...(typeof component === 'string' ? { component } : {}), params: params ?? {}, allowUnknownType: true });
  } catch (e) {
    problems.push((e as Error).message);
    return false;
  }
  if (!(await core.editor.addNode(n))) return false;
  await core.area.translate(id, position ?? { x: 0, y: 0 });
  return true;
}

export function pasteTarget(core: EditorCore, fragment: GraphDocument): Position {
  const ids = new Set(fragment.nodes.map((n) => n.id));
  const same = fragment.nodes.every((n) => core.graph.getNode(n.id)?.type === n.type);
  if (same && ids.size > 0) {
    const min = fragment.nodes.reduce((m, n) => ({ x: Math.min(m.x, n.position.x), y: Math.min(m.y, n.position.y) }), { x: Infinity, y: Infinity });
    return { x: min.x + 40, y: min.y + 40 };
  }
  const c = core.viewCenter();
  return { x: c.x - 120, y: c.y - 120 };
}
