/** Keyboard shortcuts: one table drives both the key handler and the help panel. */

export type ShortcutAction =
  | 'search'
  | 'delete'
  | 'copy'
  | 'cut'
  | 'paste'
  | 'pasteWithInputs'
  | 'duplicate'
  | 'bypass'
  | 'mute'
  | 'undo'
  | 'redo'
  | 'selectAll'
  | 'zoomFit'
  | 'arrange'
  | 'frame'
  | 'makeComponent'
  | 'ungroup'
  | 'enterLeave'
  | 'comment'
  | 'help'
  | 'errors'
  | 'escape'
  | 'export'
  | 'import';

export interface Shortcut {
  readonly action: ShortcutAction;
  /** Shown in the help panel, e.g. `Ctrl+Z`. */
  readonly keys: readonly string[];
  readonly description: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'search', keys: ['Space', 'Shift+A', 'Double-click'], description: 'Search nodes to add at the pointer' },
  { action: 'delete', keys: ['Delete', 'Backspace'], description: 'Delete the selected nodes' },
  { action: 'copy', keys: ['Ctrl+C'], description: 'Copy the selection (as graph JSON)' },
  { action: 'cut', keys: ['Ctrl+X'], description: 'Cut the selection' },
  { action: 'paste', keys: ['Ctrl+V'], description: 'Paste nodes (also from another graph or tab)' },
  { action: 'pasteWithInputs', keys: ['Ctrl+Shift+V'], description: 'Paste nodes with the wires that came into them from nodes not copied' },
  { action: 'duplicate', keys: ['Ctrl+D'], description: 'Duplicate the selection' },
  { action: 'bypass', keys: ['Ctrl+B'], description: 'Bypass the selected nodes (each passes its first input of the same type through), or stop bypassing' },
  { action: 'mute', keys: ['Ctrl+M'], description: 'Mute the selected nodes (nothing downstream is evaluated), or unmute' },
  { action: 'undo', keys: ['Ctrl+Z'], description: 'Undo' },
  { action: 'redo', keys: ['Ctrl+Shift+Z', 'Ctrl+Y'], description: 'Redo' },
  { action: 'selectAll', keys: ['Ctrl+A'], description: 'Select all nodes' },
  { action: 'zoomFit', keys: ['F', 'Home'], description: 'Zoom to fit (the selection, or everything); over the preview: full window (Esc leaves)' },
  { action: 'arrange', keys: ['L'], description: 'Arrange the graph automatically' },
  { action: 'makeComponent', keys: ['Ctrl+G'], description: 'Make a component of the selected nodes (wires into and out of them become its inputs and outputs)' },
  { action: 'ungroup', keys: ['Ctrl+Shift+G'], description: 'Ungroup the selected component instances (their nodes come back)' },
  { action: 'enterLeave', keys: ['Tab'], description: 'Enter the selected component instance (also: double-click it), or leave the component shown (also: Esc, the breadcrumb)' },
  { action: 'frame', keys: ['Ctrl+Alt+G'], description: 'Frame the selection with a comment' },
  { action: 'comment', keys: ['C'], description: 'Add a comment at the pointer' },
  { action: 'errors', keys: ['E'], description: 'Show or hide the errors panel' },
  { action: 'export', keys: ['Ctrl+S'], description: 'Export the graph as .graph.json' },
  { action: 'import', keys: ['Ctrl+O'], description: 'Import a .graph.json file' },
  { action: 'help', keys: ['?', 'F1'], description: 'Show this help' },
  { action: 'escape', keys: ['Escape'], description: 'Close menus and panels, clear the selection; inside a component: leave it' },
];

export interface KeyLike {
  readonly key: string;
  readonly ctrlKey?: boolean;
  readonly metaKey?: boolean;
  readonly shiftKey?: boolean;
  readonly altKey?: boolean;
}

/** `Ctrl+Shift+Z` style name of a key event (Cmd counts as Ctrl). */
export function keyName(e: KeyLike): string {
  const parts: string[] = [];
  if (e.ctrlKey || e.metaKey) parts.push('Ctrl');
  if (e.altKey) parts.push('Alt');
  let key = e.key === ' ' ? 'Space' : e.key.length === 1 ? e.key.toUpperCase() : e.key;
  // Shift is part of the character for '?' and similar; name it only for letters and named keys.
  if (e.shiftKey && (/^[A-Z]$/.test(key) || key.length > 1)) parts.push('Shift');
  if (key === 'Del') key = 'Delete';
  parts.push(key);
  return parts.join('+');
}

/** The action bound to a key event, or null. */
export function shortcutFor(e: KeyLike): ShortcutAction | null {
  const name = keyName(e);
  for (const s of SHORTCUTS) if (s.keys.includes(name)) return s.action;
  return null;
}
