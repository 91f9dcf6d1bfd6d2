/**
 * The canvas context menu: on the canvas (add, paste, comment, fit, arrange), on a wire
 * (preview, reroute points, delete) and on a node (preview, bypass, mute, duplicate, …).
 * Functions of the EditorCore.
 */
import type { Item as MenuItem } from 'rete-context-menu-plugin/_types/types';
import type { NodeMode, Position } from '../../engine/types';
import { byCategory } from '../logic/catalog';
import type { EditorCore } from './editorCore';
import { readClipboard, writeClipboard } from './pasting';
import { EditorConnection, EditorNode } from './schemes';

/** Last pointer position over the canvas (context menu actions place nodes there). */
let lastPointer = { x: 0, y: 0 };
if (typeof window !== 'undefined') {
  window.addEventListener('pointerdown', (e) => (lastPointer = { x: e.clientX, y: e.clientY }), true);
  window.addEventListener('contextmenu', (e) => (lastPointer = { x: e.clientX, y: e.clientY }), true);
}

export function menuItems(core: EditorCore, ctx: unknown): { searchBar?: boolean; list: MenuItem[] } {
  const client = lastPointer;
  if (ctx === 'root') {
    const at = core.toGraph(client);
    const add: MenuItem[] = byCategory(core.catalog).map((g) => ({
      label: g.category,
      key: `cat-${g.category}`,
      handler: () => undefined,
      subitems: g.entries.map((e) => ({ label: e.title, key: e.type, handler: () => void core.addNode(e.type, at) })),
    }));
    return {
      searchBar: true,
      list: [
        { label: 'Search nodes…', key: 'search', handler: () => core.cb.openSearch(client) },
        ...add,
        { label: 'Paste', key: 'paste', handler: () => void readClipboard().then((t) => (t ? core.paste(t, at) : undefined)) },
        { label: 'Paste with connections', key: 'paste-inputs', handler: () => void readClipboard().then((t) => (t ? core.paste(t, at, { withInputs: true }) : undefined)) },
        { label: 'Add comment', key: 'comment', handler: () => core.addComment('Comment', at) },
        { label: 'Zoom to fit', key: 'fit', handler: () => void core.zoomFit() },
        { label: 'Arrange', key: 'arrange', handler: () => void core.arrange() },
      ],
    };
  }
  if (ctx instanceof EditorConnection) {
    return {
      list: [
        { label: 'Preview this wire', key: 'preview', handler: () => core.cb.previewRequested({ node: ctx.source, port: String(ctx.sourceOutput) }, false) },
        { label: 'Add reroute point (Shift+click)', key: 'reroute', handler: () => core.addReroutePoint(ctx, core.toGraph(client)) },
        ...(core.reroutes.points(ctx.id).length
          ? [{ label: 'Remove reroute points', key: 'reroute-clear', handler: () => clearReroutePoints(core, ctx.id) }]
          : []),
        { label: 'Delete wire', key: 'delete', handler: () => void core.disconnect({ node: ctx.target, port: String(ctx.targetInput) }) },
      ],
    };
  }
  if (ctx instanceof EditorNode) {
    const selected = core.selectedIds().includes(ctx.id) ? core.selectedIds() : [ctx.id];
    const firstOut = Object.keys(ctx.outputs)[0];
    const list: MenuItem[] = [];
    if (firstOut !== undefined) {
      list.push({ label: 'Preview', key: 'preview', handler: () => core.cb.previewRequested({ node: ctx.id, port: firstOut }, false) });
      list.push({ label: 'Compare in preview (B)', key: 'compare', handler: () => core.cb.previewRequested({ node: ctx.id, port: firstOut }, true) });
    }
    const modes = selectedModes(core, selected);
    list.push(
      { label: modes.every((m) => m === 'bypass') ? 'Stop bypassing (Ctrl+B)' : 'Bypass (Ctrl+B)', key: 'bypass', handler: () => core.toggleMode('bypass', selected) },
      { label: modes.every((m) => m === 'mute') ? 'Unmute (Ctrl+M)' : 'Mute (Ctrl+M)', key: 'mute', handler: () => core.toggleMode('mute', selected) },
      { label: 'Duplicate', key: 'duplicate', handler: () => void core.selectOnly(selected).then(() => core.duplicate()) },
      { label: 'Copy', key: 'copy', handler: () => void writeClipboard(core.copy(selected) ?? '') },
      { label: selected.length > 1 ? `Make component of ${selected.length} nodes (Ctrl+G)` : 'Make component (Ctrl+G)', key: 'make-component', handler: () => void core.components.makeComponent(selected) },
      ...(ctx.type === 'component'
        ? [
            { label: 'Enter (Tab, double-click)', key: 'enter', handler: () => void core.components.enter(ctx.id) },
            { label: 'Make unique (a copy of the component for this instance)', key: 'make-unique', handler: () => void core.components.makeUnique(ctx.id) },
            { label: 'Save to My components', key: 'keep-component', handler: () => void core.cb.myComponents('save', ctx.id) },
            { label: 'Export component (.graph.json)', key: 'export-component', handler: () => void core.cb.myComponents('export', ctx.id) },
          ]
        : []),
      ...(selected.some((id) => core.graph.getNode(id)?.type === 'component')
        ? [{ label: 'Ungroup (Ctrl+Shift+G)', key: 'ungroup', handler: () => void core.components.ungroup(selected) }]
        : []),
      ...promoteItems(core, ctx),
      { label: 'Frame with comment', key: 'frame', handler: () => void core.selectOnly(selected).then(() => core.addComment('Frame')) },
      { label: selected.length > 1 ? `Delete ${selected.length} nodes` : 'Delete', key: 'delete', handler: () => void core.removeNodes(selected) },
    );
    return { list };
  }
  return { list: [] };
}

/** Inside a component: "Promote <param>" for each param of the node not promoted yet. */
function promoteItems(core: EditorCore, node: EditorNode): MenuItem[] {
  const promoted = core.components.promoted();
  if (!promoted || !node.entry) return [];
  const params = Object.keys(node.entry.params).filter((p) => !promoted.some((x) => x.node === node.id && x.param === p));
  if (params.length === 0) return [];
  return params.map((p) => ({ label: `Promote “${node.entry!.params[p]?.label ?? p}” (every instance shows it)`, key: `promote-${p}`, handler: () => void core.components.promote(node.id, p) }));
}

export function selectedModes(core: EditorCore, ids: readonly string[]): (NodeMode | undefined)[] {
  return ids.map((id) => core.graph.getNode(id)?.mode);
}

/** Adds a reroute point to a wire at a graph position (between the points it lies between). */
export function addReroutePoint(core: EditorCore, c: EditorConnection, at: Position): void {
  const view = core.area.connectionViews.get(c.id);
  const path = view?.element.querySelector('path');
  if (!path) return;
  const start = path.getPointAtLength(0);
  const end = path.getPointAtLength(path.getTotalLength());
  core.reroutes.addAt(c.id, at, { x: start.x, y: start.y }, { x: end.x, y: end.y });
}

export function clearReroutePoints(core: EditorCore, id: string): void {
  for (const p of core.reroutes.plugin.pins.getPins(id)) void core.reroutes.remove(p.id);
}
