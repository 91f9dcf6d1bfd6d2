/**
 * The two-tab conflict flow: another tab saved the open graph while this one has unsaved
 * edits (the save chip says "conflict" and the banner offers both ways out). "Take theirs"
 * loads the other tab's version in place; "Keep mine" saves this tab's version as a new graph
 * named "<name> (my version)" and leaves the other one as it is.
 */
import type { GraphRow } from '../../storage/db';
import { errorText, type EditorSession } from './session';

export interface ConflictDeps {
  reloadInPlace(row: GraphRow): Promise<boolean>;
  keepAsNew(name: string): Promise<GraphRow | null>;
}

export function createConflictFlow(s: EditorSession, deps: ConflictDeps) {
  async function takeTheirs(): Promise<void> {
    const id = s.current.id;
    if (!id) return;
    s.conflictBusy.value = true;
    try {
      const row = await s.library.get(id);
      if (await deps.reloadInPlace(row)) s.notice(`Loaded the version of "${row.name}" saved in the other tab.`, 'info');
    } catch (e) {
      s.notice(`Cannot load the other tab's version: ${errorText(e)}`, 'error');
    } finally {
      s.conflictBusy.value = false;
    }
  }

  async function keepMine(): Promise<void> {
    const c = s.core.value;
    if (!c) return;
    const old = c.root.name;
    s.conflictBusy.value = true;
    try {
      const row = await deps.keepAsNew(`${old} (my version)`);
      if (row) s.notice(`Saved your version as "${row.name}"; the other tab's version stays as "${old}".`, 'info');
    } finally {
      s.conflictBusy.value = false;
    }
  }

  return { takeTheirs, keepMine };
}
