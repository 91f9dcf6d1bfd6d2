/**
 * Where things go on the canvas: zoom to fit, auto-arrange (elkjs through
 * rete-auto-arrange-plugin, loaded on first use) and the free spot for a new node.
 * Functions of the EditorCore.
 */
import { AreaExtensions } from 'rete-area-plugin';
import type { Position } from '../../engine/types';
import type { EditorCore } from './editorCore';
import type { EditorNode, Schemes } from './schemes';
import { centerIn } from './socketPositions';
import { wrapTallColumns } from '../logic/wrapColumns';

/** Zooms to fit the given nodes (default: the selection, else every node). */
export async function zoomFit(core: EditorCore, ids?: readonly string[]): Promise<void> {
  const nodes = (ids ?? (core.selectedIds().length ? core.selectedIds() : core.editor.getNodes().map((n) => n.id))).map((id) => core.editor.getNode(id)).filter((n): n is EditorNode => !!n);
  if (nodes.length === 0) {
    await core.area.area.zoom(1, 0, 0);
    await core.area.area.translate(core.containerSize().w / 2, core.containerSize().h / 2);
    return;
  }
  await AreaExtensions.zoomAt(core.area, nodes, { scale: 0.9 });
  if (core.area.area.transform.k > 1.25) {
    const c = core.viewCenter();
    await core.area.area.zoom(1.25, 0, 0);
    const t = core.area.area.transform;
    await core.area.area.translate(core.containerSize().w / 2 - c.x * t.k, core.containerSize().h / 2 - c.y * t.k);
  }
}

/** Lays the graph out with elkjs (rete-auto-arrange-plugin, loaded on first use). */
export async function arrange(core: EditorCore): Promise<void> {
  if (core.editor.getNodes().length === 0) return;
  const { AutoArrangePlugin } = await import('rete-auto-arrange-plugin');
  const arrange = new AutoArrangePlugin<Schemes>();
  // Port positions as the node component draws them (measured), sockets on the left/right edge.
  arrange.addPreset(() => ({
    port: ({ nodeId, side, key, index, width }) => {
      const view = core.area.nodeViews.get(nodeId);
      const el = view?.element.querySelector<HTMLElement>(`[data-testid="socket-${nodeId}-${side === 'input' ? 'in' : 'out'}-${key}"]`);
      const c = el && view ? centerIn(el, view.element) : null;
      return { x: side === 'input' ? 0 : width, y: c ? c.y : 45 + index * 22, width: 1, height: 1, side: side === 'input' ? 'WEST' : 'EAST' };
    },
  }));
  core.area.use(arrange as never);
  await core.gesture(async () => {
    await arrange.layout({
      options: {
        'elk.spacing.nodeNode': '40',
        'elk.layered.spacing.nodeNodeBetweenLayers': '64',
        'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
        'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      },
    });
    // a layer with many nodes is one tall column: wrap it so Fit stays readable (one undo step with the layout)
    const rects = core.nodeRects();
    const wrapped = wrapTallColumns(rects, { view: core.containerSize() });
    for (const [id, r] of wrapped) {
      const was = rects.get(id)!;
      if (r.x !== was.x || r.y !== was.y) await core.area.translate(id, { x: Math.round(r.x), y: Math.round(r.y) });
    }
  });
  await core.zoomFit(core.editor.getNodes().map((n) => n.id));
}

/**
 * Where a node added from the palette goes: the free spot (no overlap with other nodes)
 * nearest to the view centre, searched on rings around it; the centre itself when the
 * view is full.
 */
export function freeSpotNearCenter(core: EditorCore): Position {
  const c = core.viewCenter();
  const size = { width: 248, height: 320 };
  const base = { x: Math.round(c.x - size.width / 2), y: Math.round(c.y - size.height / 2) };
  const rects = [...core.nodeRects().values()];
  const free = (p: Position): boolean =>
    !rects.some((r) => p.x < r.x + r.width + 24 && r.x < p.x + size.width + 24 && p.y < r.y + r.height + 24 && r.y < p.y + size.height + 24);
  const step = 40;
  for (let ring = 0; ring <= 30; ring++) {
    for (let i = -ring; i <= ring; i++) {
      for (const [dx, dy] of [[i, -ring], [i, ring], [-ring, i], [ring, i]] as const) {
        const p = { x: base.x + dx * step, y: base.y + dy * step };
        if (free(p)) return p;
      }
    }
  }
  return base;
}
