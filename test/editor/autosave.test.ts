import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AutosaveController, journalApplies, journalKey, parseJournal, SAVE_DEBOUNCE_MS, SAVE_MAX_WAIT_MS, saveStatusLabel, type SaveInput, type SaveState, type SavedRow } from '../../src/editor/state/autosave';
import { ConflictError, StorageFullError } from '../../src/storage/errors';

/** A fake library: stores one row per id, refuses stale baseRevs, and lets a test hold or fail saves. */
class FakeLibrary {
  rows = new Map<string, SavedRow>();
  calls: (SaveInput & { id: string })[] = [];
  /** When set, the next save waits for release() (a save in flight). */
  hold = false;
  /** When set, the next save fails with this error (once). */
  failNext: Error | null = null;
  private waiting: (() => void)[] = [];

  add(row: SavedRow): SavedRow {
    this.rows.set(row.id, row);
    return row;
  }

  async save(id: string, input: SaveInput): Promise<SavedRow> {
    this.calls.push({ id, ...input });
    if (this.hold) await new Promise<void>((r) => this.waiting.push(r));
    const err = this.failNext;
    this.failNext = null;
    if (err) throw err;
    const row = this.rows.get(id);
    if (!row) throw new Error(`no graph ${id}`);
    if (row.rev !== input.baseRev) throw new ConflictError(id, row.rev, input.baseRev);
    const next: SavedRow = { id, rev: row.rev + 1, text: input.text, name: input.name ?? row.name, writer: 'tab-a' };
    this.rows.set(id, next);
    return next;
  }

  /** Lets every held save go on. */
  release(): void {
    this.hold = false;
    for (const r of this.waiting.splice(0)) r();
  }
}

/** Lets pending promise callbacks run (the fake library's saves resolve in microtasks). */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('AutosaveController', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup(opts: { text?: string } = {}) {
    const lib = new FakeLibrary();
    const row = lib.add({ id: 'g1', rev: 1, text: opts.text ?? 'v0', name: 'My graph', writer: 'tab-a' });
    let text = row.text;
    let name = row.name;
    const states: SaveState[] = [];
    const reloads: SavedRow[] = [];
    const c = new AutosaveController(lib, () => ({ text, name }), {
      tabId: 'tab-a',
      timers: { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>), now: () => Date.now() },
      onState: (s) => states.push(s),
      onReload: (r) => reloads.push(r),
    });
    c.open(row);
    const edit = (t: string): void => {
      text = t;
      c.edited();
    };
    return { lib, c, edit, states, reloads, rename: (n: string) => ((name = n), c.edited()) };
  }

  it('saves an edit once, 300 ms after the last of a burst, based on the stored rev', async () => {
    const { lib, c, edit } = setup();
    edit('v1');
    expect(c.state).toBe('unsaved');
    vi.advanceTimersByTime(100);
    edit('v2');
    vi.advanceTimersByTime(SAVE_DEBOUNCE_MS - 1);
    expect(lib.calls).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(lib.calls).toEqual([{ id: 'g1', text: 'v2', baseRev: 1, name: 'My graph', reason: 'edit' }]);
    expect(c.state).toBe('saving');
    await settle();
    expect(c.state).toBe('saved');
    expect(c.rev).toBe(2);
    expect(c.dirty).toBe(false);
    expect(lib.rows.get('g1')!.text).toBe('v2');
  });

  it('never waits longer than 500 ms after the first unsaved edit, even while edits keep coming', async () => {
    const { lib, edit } = setup();
    for (let t = 0; t < SAVE_MAX_WAIT_MS; t += 100) {
      edit(`v${t}`);
      vi.advanceTimersByTime(100);
    }
    expect(lib.calls).toHaveLength(1);
    expect(lib.calls[0]!.text).toBe('v400');
    await settle();
    // the next burst gets its own 500 ms bound
    edit('later');
    vi.advanceTimersByTime(SAVE_DEBOUNCE_MS);
    expect(lib.calls).toHaveLength(2);
  });

  it('keeps one save in flight; edits made meanwhile are saved after it with the new rev', async () => {
    const { lib, c, edit } = setup();
    lib.hold = true;
    edit('v1');
    vi.advanceTimersByTime(SAVE_DEBOUNCE_MS);
    expect(lib.calls).toHaveLength(1);
    edit('v2');
    vi.advanceTimersByTime(SAVE_MAX_WAIT_MS * 2);
    expect(lib.calls).toHaveLength(1);
    expect(c.state).toBe('saving');
    lib.release();
    await settle();
    expect(lib.calls.map((x) => [x.text, x.baseRev])).toEqual([
      ['v1', 1],
      ['v2', 2],
    ]);
    await settle();
    expect(c.state).toBe('saved');
    expect(c.rev).toBe(3);
  });

  it('does not save when the text is what is stored (e.g. events of a load)', async () => {
    const { lib, c } = setup();
    c.edited();
    vi.advanceTimersByTime(SAVE_MAX_WAIT_MS);
    await settle();
    expect(lib.calls).toHaveLength(0);
    expect(c.state).toBe('saved');
  });

  it('edited({ force }) saves once even when nothing changed (a first thumbnail)', async () => {
    const { lib, c } = setup();
    c.edited({ force: true });
    vi.advanceTimersByTime(SAVE_DEBOUNCE_MS);
    await settle();
    expect(lib.calls).toHaveLength(1);
    expect(c.rev).toBe(2);
    c.edited();
    vi.advanceTimersByTime(SAVE_MAX_WAIT_MS);
    await settle();
    expect(lib.calls).toHaveLength(1);
  });

  it('a rename goes through the save path with reason "rename"', async () => {
    const { lib, rename } = setup();
    rename('Better name');
    vi.advanceTimersByTime(SAVE_DEBOUNCE_MS);
    await settle();
    expect(lib.calls[0]).toMatchObject({ name: 'Better name', reason: 'rename', baseRev: 1 });
    expect(lib.rows.get('g1')!.name).toBe('Better name');
  });

  it('flush() saves at once and resolves when the save is stored', async () => {
    const { lib, c, edit } = setup();
    edit('v1');
    await c.flush();
    expect(lib.rows.get('g1')!.text).toBe('v1');
    expect(c.state).toBe('saved');
    // nothing pending: the timer was cancelled
    vi.advanceTimersByTime(SAVE_MAX_WAIT_MS);
    expect(lib.calls).toHaveLength(1);
  });

  it('flush() waits for a save in flight and then saves the newer edit', async () => {
    const { lib, c, edit } = setup();
    lib.hold = true;
    edit('v1');
    vi.advanceTimersByTime(SAVE_DEBOUNCE_MS);
    edit('v2');
    const flushed = c.flush();
    lib.release();
    await flushed;
    expect(lib.rows.get('g1')).toMatchObject({ text: 'v2', rev: 3 });
    expect(c.state).toBe('saved');
  });

  it('storage full: state error with the message, the edit stays unsaved and the next edit retries', async () => {
    const { lib, c, edit } = setup();
    const full = new StorageFullError('Storage is full: the browser refused to save "My graph" (1 KB). Nothing was written.');
    lib.failNext = full;
    edit('v1');
    vi.advanceTimersByTime(SAVE_DEBOUNCE_MS);
    await settle();
    expect(c.state).toBe('error');
    expect(c.error).toBe('full');
    expect(c.message).toBe(full.message);
    expect(c.label).toBe('Storage full — not saved');
    expect(c.dirty).toBe(true);
    expect(lib.rows.get('g1')).toMatchObject({ text: 'v0', rev: 1 });
    // no retry loop on its own
    vi.advanceTimersByTime(SAVE_MAX_WAIT_MS * 4);
    expect(lib.calls).toHaveLength(1);
    // the next edit saves everything, based on the unchanged rev
    edit('v2');
    expect(c.state).toBe('unsaved');
    vi.advanceTimersByTime(SAVE_DEBOUNCE_MS);
    await settle();
    expect(lib.calls[1]).toMatchObject({ text: 'v2', baseRev: 1 });
    expect(c.state).toBe('saved');
    expect(lib.rows.get('g1')).toMatchObject({ text: 'v2', rev: 2 });
  });

  it('another failure is an error state that names the cause', async () => {
    const { lib, c, edit } = setup();
    lib.failNext = new Error('the database connection was closed');
    edit('v1');
    await c.flush();
    expect(c.state).toBe('error');
    expect(c.error).toBe('other');
    expect(c.message).toMatch(/could not be saved: the database connection was closed/);
  });

  it('a save refused with ConflictError puts it in conflict and it stops saving', async () => {
    const { lib, c, edit } = setup();
    lib.rows.set('g1', { id: 'g1', rev: 5, text: 'theirs', name: 'My graph', writer: 'tab-b' });
    edit('mine');
    vi.advanceTimersByTime(SAVE_DEBOUNCE_MS);
    await settle();
    expect(c.state).toBe('conflict');
    expect(c.dirty).toBe(true);
    edit('mine 2');
    vi.advanceTimersByTime(SAVE_MAX_WAIT_MS * 2);
    await c.flush();
    expect(lib.calls).toHaveLength(1);
    expect(lib.rows.get('g1')!.text).toBe('theirs');
  });

  describe('changes from another tab (watchGraph)', () => {
    it('with no unsaved edits: asks to reload in place', () => {
      const { c, reloads } = setup();
      const theirs: SavedRow = { id: 'g1', rev: 2, text: 'theirs', name: 'My graph', writer: 'tab-b' };
      c.remote(theirs);
      expect(reloads).toEqual([theirs]);
      expect(c.state).toBe('saved');
    });

    it('ignores our own saves, older revisions, other graphs and deletions', async () => {
      const { c, reloads, edit } = setup();
      edit('v1');
      await c.flush();
      c.remote({ id: 'g1', rev: 2, text: 'v1', name: 'My graph', writer: 'tab-a' });
      c.remote({ id: 'g1', rev: 1, text: 'old', name: 'My graph', writer: 'tab-b' });
      c.remote({ id: 'other', rev: 9, text: 'x', name: 'x', writer: 'tab-b' });
      c.remote(null);
      expect(reloads).toEqual([]);
      expect(c.state).toBe('saved');
    });

    it('with unsaved edits: conflict, nothing is saved over theirs', async () => {
      const { lib, c, reloads, edit } = setup();
      edit('mine');
      lib.rows.set('g1', { id: 'g1', rev: 2, text: 'theirs', name: 'My graph', writer: 'tab-b' });
      c.remote(lib.rows.get('g1')!);
      expect(c.state).toBe('conflict');
      expect(c.message).toMatch(/changed in another tab/);
      vi.advanceTimersByTime(SAVE_MAX_WAIT_MS * 2);
      await c.flush();
      expect(lib.calls).toHaveLength(0);
      expect(reloads).toEqual([]);
      // taking theirs: the editor loads the row and opens it again
      c.open(lib.rows.get('g1')!);
      expect(c.state).toBe('saved');
      expect(c.rev).toBe(2);
      edit('after');
      await c.flush();
      expect(lib.rows.get('g1')).toMatchObject({ text: 'after', rev: 3 });
    });

    it('a pending save without changes (forced, e.g. a thumbnail) is no conflict: theirs is loaded', async () => {
      const { lib, c, reloads } = setup();
      c.edited({ force: true });
      const theirs: SavedRow = { id: 'g1', rev: 2, text: 'theirs', name: 'My graph', writer: 'tab-b' };
      lib.rows.set('g1', theirs);
      c.remote(theirs);
      expect(c.state).toBe('saved');
      expect(reloads).toEqual([theirs]);
      vi.advanceTimersByTime(SAVE_MAX_WAIT_MS);
      await settle();
      expect(lib.calls).toHaveLength(0);
    });

    it('a forced save refused with ConflictError is no conflict either', async () => {
      const { lib, c, reloads } = setup();
      const theirs: SavedRow = { id: 'g1', rev: 2, text: 'theirs', name: 'My graph', writer: 'tab-b' };
      lib.rows.set('g1', theirs);
      c.edited({ force: true });
      vi.advanceTimersByTime(SAVE_DEBOUNCE_MS);
      c.remote(theirs);
      await settle();
      expect(lib.calls).toHaveLength(1);
      expect(c.state).toBe('saved');
      expect(reloads).toEqual([theirs]);
    });

    it('a row that arrives while our save is in flight is judged after it', async () => {
      const { lib, c, reloads, edit } = setup();
      lib.hold = true;
      edit('v1');
      vi.advanceTimersByTime(SAVE_DEBOUNCE_MS);
      // our own save's liveQuery echo arrives before the save resolves
      c.remote({ id: 'g1', rev: 2, text: 'v1', name: 'My graph', writer: 'tab-a' });
      // and another tab's newer one
      c.remote({ id: 'g1', rev: 3, text: 'theirs', name: 'My graph', writer: 'tab-b' });
      lib.release();
      await settle();
      expect(c.rev).toBe(2);
      expect(reloads.map((r) => r.text)).toEqual(['theirs']);
    });
  });

  it('results of a save for a graph that is no longer open are ignored', async () => {
    const { lib, c, edit } = setup();
    lib.add({ id: 'g2', rev: 7, text: 'other', name: 'Other' });
    lib.hold = true;
    edit('v1');
    vi.advanceTimersByTime(SAVE_DEBOUNCE_MS);
    c.open(lib.rows.get('g2')!);
    lib.release();
    await settle();
    expect(c.graphId).toBe('g2');
    expect(c.rev).toBe(7);
    expect(c.state).toBe('saved');
  });

  it('labels every state', () => {
    expect(saveStatusLabel('saved')).toBe('Saved');
    expect(saveStatusLabel('saving')).toBe('Saving…');
    expect(saveStatusLabel('unsaved')).toBe('Unsaved changes');
    expect(saveStatusLabel('error', 'full')).toBe('Storage full — not saved');
    expect(saveStatusLabel('error', 'other')).toBe('Not saved');
    expect(saveStatusLabel('conflict')).toMatch(/another tab/);
  });
});

describe('unsaved-edits journal', () => {
  const row = { id: 'g1', rev: 3, text: 'stored', name: 'G' };

  it('holds the unsaved text and the rev it is based on, and nothing when all is saved', async () => {
    const lib = new FakeLibrary();
    lib.add({ ...row });
    let text = row.text;
    const c = new AutosaveController(lib, () => ({ text, name: 'G' }), { tabId: 't' });
    c.open(row);
    expect(c.journal(5)).toBeNull();
    text = 'edited';
    c.edited();
    expect(c.journal(5)).toEqual({ graphId: 'g1', baseRev: 3, text: 'edited', name: 'G', at: 5 });
    await c.flush();
    expect(c.journal(6)).toBeNull();
    c.close();
  });

  it('parses only well-formed entries', () => {
    const j = { graphId: 'g1', baseRev: 3, text: 't', name: 'n', at: 1 };
    expect(parseJournal(JSON.stringify(j))).toEqual(j);
    expect(parseJournal(null)).toBeNull();
    expect(parseJournal('{')).toBeNull();
    expect(parseJournal(JSON.stringify({ ...j, baseRev: '3' }))).toBeNull();
    expect(journalKey('g1')).toBe('pixel-loom.unsaved.g1');
  });

  it('applies only to the same graph at the same rev when it differs from the stored text', () => {
    const j = { graphId: 'g1', baseRev: 3, text: 'edited', name: 'G', at: 1 };
    expect(journalApplies(j, row)).toBe(true);
    expect(journalApplies({ ...j, baseRev: 2 }, row)).toBe(false);
    expect(journalApplies({ ...j, graphId: 'g2' }, row)).toBe(false);
    expect(journalApplies({ ...j, text: 'stored' }, row)).toBe(false);
    expect(journalApplies({ ...j, text: 'stored', name: 'Renamed' }, row)).toBe(true);
    expect(journalApplies(null, row)).toBe(false);
  });
});
