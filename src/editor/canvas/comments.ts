/**
 * Comments on the canvas (rete-comment-plugin): frames around nodes and free notes, stored in
 * the graph file under `comments`, each change one undo step. Functions of the EditorCore.
 */
import type { HistoryAction } from 'rete-history-plugin';
import { FrameComment, InlineComment, type Comment } from 'rete-comment-plugin';
import type { Position } from '../../engine/types';
import type { EditorCore } from './editorCore';

export interface StoredComment {
  id: string;
  text: string;
  nodes?: string[];
  position?: { x: number; y: number };
  link?: string;
}

class CommentsAction implements HistoryAction {
  constructor(
    private readonly core: EditorCore,
    private readonly before: unknown[],
    private readonly after: unknown[],
  ) {}
  undo(): void {
    this.core.restoreComments(this.before);
  }
  redo(): void {
    this.core.restoreComments(this.after);
  }
}

/** Frames the selected nodes (or adds a free comment at `at`) with `text`. */
export function addComment(core: EditorCore, text: string, at?: Position): void {
  // a component definition has no place for comments in the file: refused rather than lost on reload
  if (core.components.scopes.length > 0) {
    core.cb.notice('comments inside a component are not kept in the file: leave it (Esc) to add one', 'info');
    return;
  }
  const before = storedComments(core);
  const ids = core.selectedIds();
  if (ids.length > 0 && !at) {
    core.comments.addFrame(text, ids);
  } else {
    const p = at ?? core.viewCenter();
    core.comments.addInline(text, [p.x, p.y]);
  }
  commitComments(core, before);
}

/** Rebuilds the comment views from stored comments (load, undo/redo). */
export function restoreComments(core: EditorCore, list: unknown[], record = true): void {
  void record;
  core.mirroring++;
  try {
    core.comments.clear();
    for (const raw of list) {
      const c = raw as StoredComment;
      if (!c || typeof c.text !== 'string') continue;
      if (Array.isArray(c.nodes)) core.comments.addFrame(c.text, c.nodes.filter((id) => core.editor.getNode(id)));
      else core.comments.addInline(c.text, [c.position?.x ?? 0, c.position?.y ?? 0], c.link);
    }
  } finally {
    core.mirroring--;
  }
  core.lastComments = storedComments(core);
  writeComments(core);
}

export function storedComments(core: EditorCore): StoredComment[] {
  const out: StoredComment[] = [];
  for (const c of core.comments.comments.values()) {
    const id = `c${out.length + 1}`;
    if (c instanceof FrameComment) out.push({ id, text: c.text, nodes: [...c.links] });
    else if (c instanceof InlineComment) {
      const s: StoredComment = { id, text: c.text, position: { x: Math.round(c.x), y: Math.round(c.y) } };
      if (c.links[0] !== undefined) s.link = c.links[0];
      out.push(s);
    }
  }
  return out;
}

export function writeComments(core: EditorCore): void {
  const list = storedComments(core);
  const had = Array.isArray(core.graph.extras.comments);
  if (list.length === 0 && !had) return;
  core.graph.setExtra('comments', list.length ? list : undefined);
}

export function commitComments(core: EditorCore, before: unknown[]): void {
  writeComments(core);
  const after = storedComments(core);
  if (JSON.stringify(after) === JSON.stringify(before)) return;
  core.lastComments = after;
  core.history.separate();
  core.history.add(new CommentsAction(core, before, after));
  core.history.separate();
  core.cb.changed(false);
}

export async function editCommentText(c: Comment): Promise<string> {
  const text = window.prompt('Comment text', c.text);
  return text === null ? c.text : text;
}
