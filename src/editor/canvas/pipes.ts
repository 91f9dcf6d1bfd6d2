/**
 * The pipes that keep the Graph the source of truth: every Rete edit (node, wire, deletion,
 * history replay) applies the same Graph command first and is refused when the Graph
 * refuses it; wire drags, comment moves and the context menu's placement.
 * Functions of the EditorCore.
 */
import { getSourceTarget, type SocketData } from 'rete-connection-plugin';
import type { GraphEvent } from '../../engine/graph';
import { commitComments } from './comments';
import type { EditorCore } from './editorCore';
import { REROUTE_KEY } from './reroute';
import type { PortSocket } from './schemes';

/** Two picks of one node within this many ms are a double click. */
const DOUBLE_PICK_MS = 400;

export function installPipes(core: EditorCore): void {
  core.editor.addPipe((ctx) => {
    if (core.mirroring > 0) return ctx;
    let undo: (() => void) | null = null;
    try {
      if (ctx.type === 'nodecreate') {
        const n = ctx.data;
        core.graph.addNode({ id: n.id, type: n.type, ...(n.component !== undefined ? { component: n.component } : {}), params: n.params, ...(n.mode ? { mode: n.mode } : {}), extra: n.extra, allowUnknownType: true });
        undo = () => core.graph.removeNode(n.id);
      } else if (ctx.type === 'noderemove') {
        const gn = core.graph.getNode(ctx.data.id);
        if (gn) {
          const order = core.graph.nodeIds();
          core.graph.removeNode(gn.id);
          undo = () => {
            core.graph.addNode({ ...gn, allowUnknownType: true });
            core.graph.reorder(order);
          };
        }
      } else if (ctx.type === 'connectioncreate') {
        const c = ctx.data;
        const from = { node: c.source, port: String(c.sourceOutput) };
        const to = { node: c.target, port: String(c.targetInput) };
        const problem = core.graph.checkConnect(from, to);
        if (problem) {
          core.cb.notice(problem.message, 'error');
          return undefined;
        }
        const points = core.reroutes.points(c.id);
        core.graph.connect(from, to, points.length ? { [REROUTE_KEY]: points } : undefined);
        undo = () => core.graph.disconnect(to);
      } else if (ctx.type === 'connectionremove') {
        const c = ctx.data;
        const e = core.graph.edgeInto(c.target, String(c.targetInput));
        if (e && e.from.node === c.source && e.from.port === String(c.sourceOutput)) {
          core.graph.disconnect(e.to);
          undo = () => core.graph.connect(e.from, e.to, e.extra);
        }
      }
      // Inside a component: an edit that would make the file invalid is taken back.
      const problem = undo ? core.components.problem() : null;
      if (problem) {
        undo!();
        core.cb.notice(problem, 'error');
        return undefined;
      }
    } catch (e) {
      core.cb.notice((e as Error).message, 'error');
      return undefined;
    }
    return ctx;
  });

  core.area.addPipe((ctx) => {
    if (!ctx || typeof ctx !== 'object' || !('type' in ctx)) return ctx;
    switch (ctx.type) {
      case 'nodetranslate': {
        // A node view starts by translating itself to (0, 0); while a graph is being built,
        // that first translation goes straight to the node's position in the Graph (no second
        // round of signals through every plugin per node).
        const gn = core.mirroring > 0 ? core.graph.getNode(ctx.data.id) : undefined;
        if (gn) return { ...ctx, data: { ...ctx.data, position: { x: gn.position.x, y: gn.position.y } } };
        break;
      }
      case 'nodetranslated':
        if (core.graph.getNode(ctx.data.id)) core.graph.setPosition(ctx.data.id, { x: Math.round(ctx.data.position.x), y: Math.round(ctx.data.position.y) });
        break;
      case 'nodepicked': {
        core.history.separate();
        queueMicrotask(() => core.cb.selectionChanged(core.selectedIds()));
        // A double click on an instance enters it (the area takes the pointer, so no dblclick event reaches the node).
        const now = performance.now();
        const last = core.lastPick;
        core.lastPick = { id: ctx.data.id, at: now };
        if (last && last.id === ctx.data.id && now - last.at < DOUBLE_PICK_MS && core.graph.getNode(ctx.data.id)?.type === 'component') {
          core.lastPick = null;
          setTimeout(() => void core.components.enter(ctx.data.id), 0);
        }
        break;
      }
      case 'nodedragged':
        core.history.separate();
        break;
      case 'translated':
      case 'zoomed':
      case 'resized':
        core.cb.viewChanged();
        break;
      case 'pointerup':
        queueMicrotask(() => core.cb.selectionChanged(core.selectedIds()));
        break;
      case 'render':
        if ((ctx.data as { type?: string }).type === 'contextmenu') requestAnimationFrame(() => keepMenuInView(core));
        break;
      default:
        break;
    }
    return ctx;
  });

  core.connection.addPipe((ctx) => {
    if (!ctx || typeof ctx !== 'object' || !('type' in ctx)) return ctx;
    if (ctx.type === 'connectionpick') {
      core.history.separate();
      core.freshWire = true;
    } else if (ctx.type === 'connectiondrop') {
      core.history.separate();
      const { initial, socket, created } = ctx.data;
      const quiet = core.quietDrops.delete(initial);
      // A wire pulled off an input and dropped on the canvas is just removed; a new wire
      // dropped there opens the search.
      const fresh = core.freshWire;
      core.freshWire = false;
      if (fresh && !socket && !created && !core.readonly.enabled && !quiet) {
        const node = core.editor.getNode(initial.nodeId);
        const port = node ? (initial.side === 'output' ? node.outputs[initial.key] : node.inputs[initial.key]) : undefined;
        const type = (port?.socket as PortSocket | undefined)?.portType ?? 'any';
        const p = core.area.area.pointer;
        const t = core.area.area.transform;
        const r = core.container.getBoundingClientRect();
        core.pendingDrop = { end: { side: initial.side, type, node: initial.nodeId, port: initial.key } };
        core.cb.wireDropped(core.pendingDrop.end, { x: r.left + p.x * t.k + t.x, y: r.top + p.y * t.k + t.y });
      }
    }
    return ctx;
  });

  core.comments.addPipe((ctx) => {
    if (core.mirroring > 0 || !ctx || typeof ctx !== 'object') return ctx;
    if (ctx.type === 'commenttranslated') {
      // One history entry per drag, written when it stops.
      if (core.commentTimer) clearTimeout(core.commentTimer);
      core.commentTimer = setTimeout(() => {
        core.commentTimer = null;
        commitComments(core, core.lastComments);
      }, 400);
    } else if (ctx.type === 'commentremoved' || ctx.type === 'editcomment') {
      // Apply after the plugin finished changing the comment.
      queueMicrotask(() => commitComments(core, core.lastComments));
    }
    return ctx;
  });
}

export function canMakeConnection(core: EditorCore, initial: SocketData, socket: SocketData): boolean {
  const st = getSourceTarget(initial, socket);
  if (!st) {
    if (initial.nodeId !== socket.nodeId || initial.key !== socket.key) {
      core.cb.notice(initial.side === 'output' ? 'connect an output to an input (both ends are outputs)' : 'connect an input to an output (both ends are inputs)', 'error');
      abandonWire(core, initial);
    }
    return false;
  }
  const [s, t] = st as [SocketData, SocketData];
  const problem = core.graph.checkConnect({ node: s.nodeId, port: s.key }, { node: t.nodeId, port: t.key }, { replacing: true });
  if (problem) {
    core.cb.notice(problem.message, 'error');
    abandonWire(core, initial);
    return false;
  }
  return true;
}

/** Ends a wire drag that was refused (the classic flow would keep the wire on the pointer). */
export function abandonWire(core: EditorCore, initial: SocketData): void {
  queueMicrotask(() => {
    core.quietDrops.add(initial);
    core.connection.drop();
  });
}

/** Moves an open context menu up/left so it stays inside the canvas. */
export function keepMenuInView(core: EditorCore): void {
  const menu = core.container.querySelector<HTMLElement>('[data-testid="context-menu"]');
  // The plugin positions a fixed element (a child of the container) at the pointer.
  let holder = menu?.parentElement ?? null;
  while (holder && holder.parentElement !== core.container) holder = holder.parentElement;
  if (!menu || !holder) return;
  const box = core.container.getBoundingClientRect();
  const r = menu.getBoundingClientRect();
  const dy = Math.max(0, r.bottom - (box.bottom - 8));
  const dx = Math.max(0, r.right - (box.right - 8));
  if (dy) holder.style.top = `${Math.max(box.top, parseFloat(holder.style.top) - dy)}px`;
  if (dx) holder.style.left = `${Math.max(box.left, parseFloat(holder.style.left) - dx)}px`;
}

/** Mirrors Graph events into the view state (params, modes) and tells the shell what changed. */
export function onGraphEvent(core: EditorCore, e: GraphEvent): void {
  switch (e.kind) {
    case 'paramChanged': {
      const n = core.editor.getNode(e.id);
      const gn = core.graph.getNode(e.id);
      if (n && gn) n.params = { ...gn.params };
      core.rev++;
      core.cb.changed(true);
      break;
    }
    case 'modeChanged': {
      const n = core.editor.getNode(e.id);
      if (n) n.mode = e.mode;
      core.rev++;
      core.cb.changed(true);
      break;
    }
    case 'nodeAdded':
    case 'nodeRemoved':
    case 'connected':
    case 'disconnected':
      core.rev++;
      core.cb.changed(true);
      break;
    case 'positionChanged':
    case 'metaChanged':
      core.cb.changed(false);
      break;
  }
}
