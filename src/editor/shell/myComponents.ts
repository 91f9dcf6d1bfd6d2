/**
 * "My components" (issue 22, item 4): components kept in IndexedDB (storage/componentLibrary.ts)
 * and offered in the palette to insert into any graph; an instance's component exported as a
 * `.graph.json` (a component file, engine/componentFile.ts) and such a file dropped on the
 * canvas inserted there; "Update" on an instance whose component the library holds in a newer
 * version — offered on the node, never applied silently.
 */
import { instanceDefinition } from '../../engine/components';
import { fileComponent } from '../../engine/componentFile';
import { parseGraph } from '../../engine/format';
import { catalogEntry, type NodeCatalogEntry } from '../../engine/registry';
import type { Position } from '../../engine/types';
import { ComponentLibrary } from '../../storage/componentLibrary';
import { KEPT_PALETTE_PREFIX } from '../canvas/componentsView';
import { graphSlug } from '../logic/exportPng';
import { download } from './importExport';
import { errorText, type EditorSession } from './session';

export function createMyComponents(s: EditorSession, save: (blob: Blob, name: string) => void = download) {
  const kept = new ComponentLibrary(s.library.db);
  /** Palette entries by row id and version (a row's text is parsed once per version). */
  const entries = new Map<string, { version: number; entry: NodeCatalogEntry | null }>();

  /** Reads the list again: the palette's "My components" and the versions "Update" compares with. */
  async function refresh(): Promise<void> {
    let rows;
    try {
      rows = await kept.list();
    } catch (e) {
      s.notice(`"My components" cannot be read: ${errorText(e)}`, 'error');
      return;
    }
    const versions: Record<string, number> = {};
    const list: NodeCatalogEntry[] = [];
    for (const r of rows) {
      if (r.corrupt) continue;
      versions[r.id] = r.version;
      let known = entries.get(r.id);
      if (!known || known.version !== r.version) {
        known = { version: r.version, entry: await entryOf(r.id, r.version) };
        entries.set(r.id, known);
      }
      if (known.entry) list.push(known.entry);
    }
    s.ui.libraryVersions = versions;
    s.state.myComponents = list;
  }

  async function entryOf(id: string, version: number): Promise<NodeCatalogEntry | null> {
    try {
      const row = await kept.get(id);
      const doc = JSON.parse(row.text) as unknown;
      const file = parseGraph(doc, s.registry!);
      const def = file.components.get(fileComponent(doc) ?? '');
      if (!def) return null;
      return { ...catalogEntry(instanceDefinition(def)), type: `${KEPT_PALETTE_PREFIX}${id}`, title: row.name, category: 'My components', description: `Kept in My components (version ${version}); inserting copies it into the graph` };
    } catch {
      return null;
    }
  }

  /** Keeps instance `id`'s component: a new row, or the next version of the row it came from. */
  async function keep(id: string): Promise<string | null> {
    const c = s.core.value;
    const f = c?.components.fileOf(id);
    if (!c || !f) return null;
    const known = f.library && (await kept.list()).some((r) => r.id === f.library!.id && !r.corrupt) ? f.library.id : undefined;
    try {
      const saved = await kept.save({ ...(known !== undefined ? { id: known } : {}), name: f.name, text: f.text });
      await c.components.tagLibrary(f.component, saved);
      await refresh();
      s.notice(saved.version === 1 ? `Kept "${f.name}" in My components` : `Kept "${f.name}" in My components as version ${saved.version}`, 'info');
      return id;
    } catch (e) {
      s.notice(`"${f.name}" was not kept: ${errorText(e)}`, 'error');
      return null;
    }
  }

  /** Downloads instance `id`'s component as a component file (drop it on a canvas to insert it). */
  function exportFile(id: string): string | null {
    const f = s.core.value?.components.fileOf(id);
    if (!f) return null;
    save(new Blob([f.text], { type: 'application/json' }), `${graphSlug(f.name)}.component.graph.json`);
    return id;
  }

  /** Inserts kept component `rowId` at `at`. */
  async function insert(rowId: string, at: Position): Promise<string | null> {
    const c = s.core.value;
    if (!c) return null;
    try {
      const row = await kept.get(rowId);
      return await c.components.insertFile(JSON.parse(row.text) as unknown, at, { id: row.id, version: row.version });
    } catch (e) {
      s.notice(`Cannot insert the kept component: ${errorText(e)}`, 'error');
      return null;
    }
  }

  /** Update: instance `id`'s component becomes the library's newer version. */
  async function update(id: string): Promise<string | null> {
    const c = s.core.value;
    const f = c?.components.fileOf(id);
    if (!c || !f?.library) return null;
    try {
      const row = await kept.get(f.library.id);
      const done = await c.components.update(id, JSON.parse(row.text) as unknown, { id: row.id, version: row.version });
      return done ? id : null;
    } catch (e) {
      s.notice(`Cannot update "${f.name}": ${errorText(e)}`, 'error');
      return null;
    }
  }

  /**
   * A graph file dropped on the canvas: a component file is inserted where it was dropped
   * (true); any other graph is for the importer (false).
   */
  async function dropped(file: File, at: Position): Promise<boolean> {
    let doc: unknown;
    try {
      doc = JSON.parse(await file.text());
    } catch {
      return false;
    }
    if (fileComponent(doc) === null) return false;
    if (s.ui.readonly) {
      s.notice('the graph is view-only (unlock it in the toolbar)', 'info');
      return true;
    }
    await s.core.value?.components.insertFile(doc, at);
    return true;
  }

  function command(action: 'save' | 'export' | 'update' | 'insert', id: string, at?: Position): Promise<string | null> {
    if (action === 'save') return keep(id);
    if (action === 'export') return Promise.resolve(exportFile(id));
    if (action === 'update') return update(id);
    return insert(id, at ?? s.core.value?.viewCenter() ?? { x: 0, y: 0 });
  }

  return { refresh, command, dropped, library: kept };
}

export type MyComponents = ReturnType<typeof createMyComponents>;
