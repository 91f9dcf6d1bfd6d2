/**
 * The open library graph: which row the editor shows and autosaves into (state/autosave.ts),
 * opening rows (with the unsaved-edits journal of a page that closed), the boot order (`?id=`,
 * `?graph=`, the last opened graph, a new starter), following saves of other tabs, renames and
 * revisions from the library panels, and New.
 */
import { computed } from 'vue';
import { GraphFileError } from '../../engine/errors';
import { documentText } from '../../engine/format';
import type { GraphRow } from '../../storage/db';
import { CorruptRowError, NotFoundError } from '../../storage/errors';
import { linkImportKey, type GraphLink } from '../logic/graphLink';
import { starterDocument } from '../logic/starter';
import { AutosaveController, journalApplies, journalKey, parseJournal, type SaveSnapshot, type SaveState, type UnsavedJournal } from '../state/autosave';
import type { EngineSession } from './engine';
import { errorText, plural, type EditorSession } from './session';
import { createThumbnails } from './thumbnails';

/** What the library session needs from import/export (wired late: the two call each other). */
export interface LibraryLinks {
  importGraphText(text: string, label: string, opts?: { base?: string; reason?: 'import' | 'create'; name?: string; importKey?: string }): Promise<boolean>;
}

/** localStorage access of the journal; tests pass a Map-backed one. */
export interface JournalStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** localStorage, or (where reading it throws: storage blocked) a store that keeps nothing. */
export function pageStore(): JournalStore {
  try {
    return window.localStorage;
  } catch {
    return { getItem: () => null, setItem: () => undefined, removeItem: () => undefined };
  }
}

export function readJournal(store: JournalStore, id: string): UnsavedJournal | null {
  try {
    return parseJournal(store.getItem(journalKey(id)));
  } catch {
    return null;
  }
}

export function clearJournal(store: JournalStore, id: string): void {
  try {
    store.removeItem(journalKey(id));
  } catch {
    /* private mode: there is no journal */
  }
}

export function createLibrarySession(s: EditorSession, engine: EngineSession, links: LibraryLinks, store: JournalStore = pageStore()) {
  const { state, library, current, saveView } = s;
  let unwatch: (() => void) | null = null;
  /** The id of the notice showing the last save error, until a save succeeds. */
  let saveErrorNotice: number | null = null;

  const thumbs = createThumbnails(s, { saved: () => autosave.state === 'saved', storeNow: () => autosave.edited({ force: true }) });

  function snapshot(): SaveSnapshot | null {
    const c = s.core.value;
    if (!c) return null;
    const thumbnail = thumbs.offer();
    return { text: s.currentText(), name: c.root.name, ...(thumbnail !== undefined ? { thumbnail } : {}) };
  }

  const autosave = new AutosaveController<GraphRow>(library, () => snapshot(), {
    tabId: s.tabId,
    onState: (st, message) => {
      const before = saveView.state;
      saveView.state = st;
      saveView.message = message;
      saveView.label = autosave.label;
      if (st === 'error' && before !== 'error') {
        s.notice(message, 'error');
        saveErrorNotice = state.notice?.id ?? null;
      }
      // saved again (space was freed, …): a save-error notice still shown is stale
      if (st === 'saved' && saveErrorNotice !== null) {
        if (state.notice?.id === saveErrorNotice) state.notice = null;
        saveErrorNotice = null;
      }
    },
    onSaved: (row) => {
      current.rev = row.rev;
      if (!autosave.dirty) clearJournal(store, row.id);
      thumbs.saved(row.thumbnail);
    },
    onReload: (row) => {
      void reloadInPlace(row).then((ok) => {
        if (ok) s.notice('Updated from another tab', 'info');
      });
    },
  });

  const saveChip = computed(() =>
    s.storageDown.value ? { state: 'error' as SaveState, label: 'Not saved', message: s.storageDown.value } : { state: saveView.state, label: saveView.label, message: saveView.message },
  );

  /** The page goes away: write unsaved edits synchronously (an IndexedDB save may be cut off). */
  function writeJournal(): void {
    const j = autosave.journal(Date.now());
    if (!j) return;
    try {
      store.setItem(journalKey(j.graphId), JSON.stringify(j));
    } catch {
      /* full or private mode: the IndexedDB flush is all we have */
    }
  }

  /** From now on the editor shows (and autosaves into) `row`. `restored`: it shows unsaved edits of a journal, to be saved. */
  function bindRow(row: GraphRow, restored = false): void {
    const c = s.core.value!;
    current.id = row.id;
    current.rev = row.rev;
    current.base = row.base;
    current.hasThumb = row.thumbnail !== null;
    thumbs.reset();
    autosave.open(restored ? row : { id: row.id, rev: row.rev, text: s.currentText(), name: c.root.name });
    if (restored) autosave.edited();
    unwatch?.();
    unwatch = library.watchGraph(
      row.id,
      (r) => onStoredRow(r),
      (e) => s.notice(`Watching "${row.name}" for changes from other tabs failed: ${e.message}`, 'error'),
    );
    void library.markOpened(row.id).catch(() => undefined);
    void library.setSetting('lastGraphId', row.id).catch(() => undefined);
    const url = new URL(location.href);
    url.searchParams.delete('graph');
    url.searchParams.set('id', row.id);
    history.replaceState(history.state, '', url.href);
    thumbs.schedule();
  }

  /**
   * Opens a library row: the current graph's edits are saved first. Edits of this graph that
   * were not saved when a page closed (the journal) are applied and saved. Throws
   * GraphFileError when its text does not load.
   */
  async function openRow(row: GraphRow): Promise<void> {
    await autosave.flush();
    const journal = readJournal(store, row.id);
    if (journalApplies(journal, row)) {
      try {
        await engine.showText(journal.text, row.base);
        bindRow(row, true);
        s.notice(`Restored the edits of "${journal.name}" that were not saved when the page closed.`, 'info');
        return;
      } catch {
        /* the journal does not load: open the stored version */
      }
    }
    await engine.showText(row.text, row.base);
    bindRow(row);
    if (journal) {
      clearJournal(store, row.id);
      if (journal.baseRev !== row.rev && journal.text !== row.text) {
        s.notice(`Edits of "${journal.name}" made before the page closed were not saved, and the graph has changed since.`, 'error', {
          label: 'Open them as a new graph',
          run: () => void links.importGraphText(journal.text, `unsaved edits of "${journal.name}"`, { base: row.base, reason: 'create', name: `${journal.name} (unsaved edits)` }),
        });
      }
    }
  }

  /** Opens graph `id`; on failure says why (missing, corrupt, invalid), opens the library and returns false. */
  async function openById(id: string): Promise<boolean> {
    if (id === current.id) return true;
    let row: GraphRow;
    // The library opens over the canvas, so the reason is shown inside it too (the notice is behind it).
    const fail = (text: string): false => {
      s.notice(text, 'error');
      state.libraryMessage = text;
      state.libraryOpen = true;
      return false;
    };
    try {
      row = await library.get(id);
    } catch (e) {
      if (e instanceof NotFoundError) return fail(`There is no graph ${id} in the library (it may have been deleted for good). Pick a graph in the library.`);
      if (e instanceof CorruptRowError) return fail(`The stored graph ${id} cannot be read (${e.problem}). It is listed in the library, where it can only be deleted.`);
      return fail(`Cannot open graph ${id}: ${errorText(e)}`);
    }
    try {
      await openRow(row);
    } catch (e) {
      if (e instanceof GraphFileError) {
        const issues = [...e.issues];
        state.importIssues = issues;
        state.errorsOpen = true;
        return fail(`The stored graph "${row.name}" does not load: ${plural(issues.length, 'problem')} (listed in the errors panel).`);
      }
      return fail(`Cannot open "${row.name}": ${errorText(e)}`);
    }
    return true;
  }

  /** Opens a new library graph made from the starter document. */
  async function createStarter(): Promise<void> {
    const doc = starterDocument();
    const name = await library.freeName(doc.name).catch(() => doc.name);
    const row = await library.create({ name, text: s.canonicalText(doc, name), base: '/', reason: 'create' });
    await openRow(row);
    s.select(s.previewFor('median1'));
  }

  /** The last opened graph, else a new one from the starter. `skip`: an id that just failed. */
  async function openLastOrStarter(skip?: string): Promise<void> {
    const last = await library.getSetting<string | null>('lastGraphId', null).catch(() => null);
    if (typeof last === 'string' && last !== skip) {
      try {
        const row = await library.get(last);
        if (row.deletedAt === null) {
          await openRow(row);
          return;
        }
      } catch {
        /* gone or unreadable: start a new graph */
      }
    }
    await createStarter();
  }

  /** Without a usable library: the starter, unsaved, with the reason in the save status. */
  async function openWithoutLibrary(why: string): Promise<void> {
    autosave.close();
    await engine.loadDocument(starterDocument(), `${location.origin}/`);
    s.storageDown.value = why;
    s.notice(why, 'error');
  }

  /** Boot: ?id=, else ?graph= (imported as a new graph), else the last opened graph, else a new starter graph. */
  async function openInitial(graphUrl: string | null, link: GraphLink | null, graphFile: Promise<{ text: string; base: string }> | null): Promise<void> {
    const id = new URLSearchParams(location.search).get('id');
    try {
      if (id) {
        if (await openById(id)) return;
        const issues = state.importIssues;
        await openLastOrStarter(id);
        state.importIssues = issues;
        state.libraryOpen = true;
        return;
      }
      if (graphUrl !== null && link && link.kind !== 'same-origin') {
        await openLastOrStarter();
        if (link.kind === 'other-origin') state.linkPrompt = link.url.href;
        else s.notice(`Not opening the graph link: ${link.reason}.`, 'error');
        return;
      }
      if (graphUrl && graphFile) {
        let ok = false;
        try {
          const { text, base } = await graphFile;
          ok = await links.importGraphText(text, graphUrl, { base, reason: 'create', importKey: linkImportKey(text) });
        } catch (e) {
          s.notice(`Cannot open ${graphUrl}: ${errorText(e)}`, 'error');
        }
        if (ok) return;
        const issues = state.importIssues;
        const shown = state.notice;
        await openLastOrStarter();
        state.importIssues = issues;
        state.notice = shown;
        return;
      }
      await openLastOrStarter();
    } catch (e) {
      await openWithoutLibrary(`The graph library (IndexedDB) cannot be used: ${errorText(e)}. Edits are not saved; export the graph to keep it.`);
    }
  }

  /** A row of the open graph changed in the library (this or another tab), or it was deleted. */
  function onStoredRow(row: GraphRow | null): void {
    if (row === null) {
      if (current.id === null) return;
      const name = s.core.value?.root.name ?? 'this graph';
      s.notice(`"${name}" was deleted for good from the library; what you see is not saved any more.`, 'error', { label: 'Keep it as a new graph', run: () => void keepAsNew(name) });
      return;
    }
    autosave.remote(row);
  }

  /** Another tab saved the open graph and we have no unsaved edits: load its version in place. */
  async function reloadInPlace(row: GraphRow): Promise<boolean> {
    const sel = state.selection;
    const cmp = state.compare;
    try {
      await engine.showText(row.text, current.base, { keepView: true });
    } catch (e) {
      s.notice(`Cannot show the version of "${row.name}" saved in another tab: ${errorText(e)}`, 'error');
      return false;
    }
    const g = s.core.value!.graph;
    if (sel && g.getNode(sel.node)) s.select(sel);
    if (cmp && g.getNode(cmp.node)) state.compare = cmp;
    current.rev = row.rev;
    current.hasThumb = row.thumbnail !== null;
    autosave.open({ id: row.id, rev: row.rev, text: s.currentText(), name: g.name });
    s.scheduler?.viewChanged();
    return true;
  }

  /** Saves what the editor shows as a new graph named `name` and binds the editor to it. */
  async function keepAsNew(wanted: string): Promise<GraphRow | null> {
    const c = s.core.value;
    if (!c) return null;
    const name = await library.freeName(wanted).catch(() => wanted);
    const doc = c.document();
    doc.name = name;
    let row: GraphRow;
    try {
      // with the thumbnail of what is shown, so the new library item is not blank until a preview renders again
      row = await library.create({ name, text: documentText(doc), base: current.base, thumbnail: thumbs.last(), reason: 'duplicate' });
    } catch (e) {
      s.notice(`Cannot save "${name}": ${errorText(e)}`, 'error');
      return null;
    }
    s.adoptName(name);
    bindRow(row);
    return row;
  }

  async function openFromLibrary(id: string): Promise<void> {
    if (await openById(id)) state.libraryOpen = false;
  }

  async function openTemplate(t: { name: string; text: string; base: string }): Promise<void> {
    if (await links.importGraphText(t.text, t.name, { base: t.base, reason: 'create', name: t.name })) state.libraryOpen = false;
  }

  /** The library view renamed a graph: adopt the new name and rev when it is the open one. */
  function onLibraryRenamed(row: GraphRow): void {
    if (!s.core.value || row.id !== current.id) return;
    const dirty = autosave.dirty;
    s.adoptName(row.name);
    current.rev = row.rev;
    autosave.open({ id: row.id, rev: row.rev, text: row.text, name: row.name });
    if (dirty) autosave.edited();
  }

  async function restoreRevision(revisionId: number): Promise<void> {
    const id = current.id;
    if (!id) return;
    await autosave.flush();
    if (autosave.state === 'conflict') {
      s.notice('This graph was changed in another tab: choose a version in the banner first.', 'error');
      return;
    }
    let row: GraphRow;
    try {
      row = await library.restoreRevision(id, revisionId, autosave.rev);
    } catch (e) {
      s.notice(`Cannot restore that revision: ${errorText(e)}`, 'error');
      return;
    }
    try {
      await engine.showText(row.text, current.base, { keepView: true });
    } catch (e) {
      s.notice(`The revision was restored in the library but does not load: ${errorText(e)}`, 'error');
    }
    current.rev = row.rev;
    autosave.open({ id: row.id, rev: row.rev, text: s.currentText(), name: s.core.value!.root.name });
    s.notice(`Restored an earlier revision of "${row.name}" (saved as revision ${row.rev}).`, 'info');
  }

  async function newGraph(): Promise<void> {
    if (!s.core.value) return;
    const previous = current.id;
    try {
      await createStarter();
    } catch (e) {
      s.notice(`Cannot start a new graph: ${errorText(e)}`, 'error');
      return;
    }
    if (previous) s.notice('Started a new graph from the starter; the previous one is in the library.', 'info', { label: 'Open the previous one', run: () => void openById(previous) });
  }

  /** A graph edit (not a load of stored text): autosave it. */
  function edited(): void {
    if (s.applying === 0) autosave.edited();
  }

  function dispose(): void {
    void autosave.flush();
    unwatch?.();
    thumbs.dispose();
  }

  return {
    autosave,
    saveChip,
    thumbnails: thumbs,
    writeJournal,
    openRow,
    openById,
    openInitial,
    openWithoutLibrary,
    reloadInPlace,
    keepAsNew,
    openFromLibrary,
    openTemplate,
    onLibraryRenamed,
    restoreRevision,
    newGraph,
    edited,
    dispose,
  };
}

export type LibrarySession = ReturnType<typeof createLibrarySession>;
