/**
 * Copy and paste on the canvas: the selection as a graph document fragment (text), pasted
 * with fresh ids (Ctrl+V), with its incoming wires (Ctrl+Shift+V), or duplicated (Ctrl+D).
 * Functions of the EditorCore.
 */
import { Graph } from '../../engine/graph';
import type { GraphDocument, NodeDocument } from '../../engine/format';
import type { Position } from '../../engine/types';
import { copyFragment, fragmentFromText, fragmentToText, planPaste } from '../logic/clipboard';
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
  return fragmentToText(copyFragment(core.document(), ids));
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

export async function addNodeDocument(core: EditorCore, nd: NodeDocument, problems: string[]): Promise<boolean> {
  const { id, type, params, position, mode, ...extra } = nd;
  const entry = core.entries.get(type);
  const ports = { inputs: [] as string[], outputs: [] as string[] };
  const n = new EditorNode(id, type, entry, { ...(params ?? {}) }, extra, ports);
  if (mode === 'bypass' || mode === 'mute') n.mode = mode;
  try {
    // Validate first, for a message that names the problem.
    const probe = new Graph(core.registry);
    probe.addNode({ id, type, params: params ?? {}, allowUnknownType: true });
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
