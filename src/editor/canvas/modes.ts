/**
 * Undoable node edits of the canvas: bypass and mute (ComfyUI's Ctrl+B / Ctrl+M) — which mode
 * a toggle gives each selected node and the history entry of one toggle — and param edits.
 */
import type { HistoryAction } from 'rete-history-plugin';
import type { NodeMode } from '../../engine/types';

export interface ModeChange {
  readonly id: string;
  readonly before: NodeMode | undefined;
  readonly after: NodeMode | undefined;
}

/**
 * Toggling `mode` on a selection: when every node already has it, all become active again;
 * otherwise all get it (a muted node that is bypassed stops being muted). Only nodes whose
 * mode changes are listed.
 */
export function toggleModes(nodes: readonly { id: string; mode: NodeMode | undefined }[], mode: NodeMode): ModeChange[] {
  const all = nodes.length > 0 && nodes.every((n) => n.mode === mode);
  const after = all ? undefined : mode;
  return nodes.filter((n) => n.mode !== after).map((n) => ({ id: n.id, before: n.mode, after }));
}

/** One toggle as a history entry: undo restores every node's previous mode. */
export class ModeAction implements HistoryAction {
  constructor(
    private readonly apply: (id: string, mode: NodeMode | undefined) => void,
    readonly changes: readonly ModeChange[],
  ) {}
  undo(): void {
    for (const c of this.changes) this.apply(c.id, c.before);
  }
  redo(): void {
    for (const c of this.changes) this.apply(c.id, c.after);
  }
}

/** What the node's header says about its mode, or null when it is active. */
export function modeLabel(mode: NodeMode | undefined): string | null {
  return mode === 'bypass' ? 'bypassed' : mode === 'mute' ? 'muted' : null;
}

/** One param edit as a history entry (a slider drag records one, on release). */
export class ParamAction implements HistoryAction {
  constructor(
    private readonly core: { applyParam(node: string, name: string, value: unknown): void },
    readonly node: string,
    readonly name: string,
    readonly before: unknown,
    public after: unknown,
  ) {}
  undo(): void {
    this.core.applyParam(this.node, this.name, this.before);
  }
  redo(): void {
    this.core.applyParam(this.node, this.name, this.after);
  }
}
