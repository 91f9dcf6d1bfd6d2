/**
 * Autosave of the open graph (issue 4): every edit is saved to the library within
 * `maxWaitMs` (debounce `debounceMs` after the last edit, but never later than `maxWaitMs`
 * after the first unsaved one). One save is in flight at a time; edits made meanwhile are
 * saved right after it. Each save carries the revision it was based on (`baseRev`), so the
 * library refuses it with a ConflictError when another tab saved first: the controller then
 * stops saving (state `conflict`) until the user picks a side. Plain TypeScript, no DOM:
 * the editor gives it the library, a snapshot function and (in tests) fake timers.
 *
 * States: `saved` (nothing to save), `unsaved` (an edit waits for its save), `saving`,
 * `conflict` (another tab saved while we had unsaved edits) and `error` (the last save
 * failed, e.g. storage full; the edit stays in the editor and the next edit retries).
 */
import { ConflictError, StorageFullError } from '../../storage/errors';

export type SaveState = 'saved' | 'saving' | 'unsaved' | 'conflict' | 'error';

export const SAVE_DEBOUNCE_MS = 300;
export const SAVE_MAX_WAIT_MS = 500;

/** What a save writes: the graph file text (canonical) and the graph's name. */
export interface SaveSnapshot {
  readonly text: string;
  readonly name: string;
  /** A new thumbnail, or undefined to keep the stored one. */
  readonly thumbnail?: Blob | null;
}

/** The part of a library row the controller needs. */
export interface SavedRow {
  readonly id: string;
  readonly rev: number;
  readonly text: string;
  readonly name: string;
  readonly writer?: string;
}

export interface SaveInput {
  text: string;
  baseRev: number;
  name?: string;
  thumbnail?: Blob | null;
  reason?: 'edit' | 'rename';
}

/** The part of GraphLibrary the controller uses. */
export interface AutosaveStore<R extends SavedRow = SavedRow> {
  save(id: string, input: SaveInput): Promise<R>;
}

export interface AutosaveTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export interface AutosaveOptions<R extends SavedRow = SavedRow> {
  /** This tab's id: rows whose `writer` is this id are our own saves. */
  readonly tabId: string;
  readonly debounceMs?: number;
  readonly maxWaitMs?: number;
  readonly timers?: AutosaveTimers;
  /** The state or its message changed. */
  readonly onState?: (state: SaveState, message: string) => void;
  /** Another tab saved the open graph and we have no unsaved edits: load `row` in place. */
  readonly onReload?: (row: R) => void;
  /** A save finished (the row as stored). */
  readonly onSaved?: (row: R) => void;
}

const realTimers: AutosaveTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

/** The save-status chip's text for a state. */
export function saveStatusLabel(state: SaveState, error: unknown = null): string {
  switch (state) {
    case 'saved':
      return 'Saved';
    case 'saving':
      return 'Saving…';
    case 'unsaved':
      return 'Unsaved changes';
    case 'conflict':
      return 'Changed in another tab — not saved';
    case 'error':
      return error === 'full' ? 'Storage full — not saved' : 'Not saved';
  }
}

export class AutosaveController<R extends SavedRow = SavedRow> {
  private id: string | null = null;
  private baseRev = 0;
  private savedText = '';
  private savedName = '';
  private dirtyFlag = false;
  private force = false;
  private current: SaveState = 'saved';
  private msg = '';
  private errorKind: 'full' | 'other' | null = null;
  private timer: unknown = null;
  private firstEditAt: number | null = null;
  private inFlight: Promise<void> | null = null;
  /** A timer fired (or flush was asked) while a save was in flight: save again when it ends. */
  private again = false;
  /** A row from another tab that arrived while a save was in flight. */
  private pendingRemote: R | null = null;
  /** Increments on open(): results of saves for an earlier graph are ignored. */
  private generation = 0;
  private readonly timers: AutosaveTimers;
  private readonly debounceMs: number;
  private readonly maxWaitMs: number;

  constructor(
    private readonly store: AutosaveStore<R>,
    private readonly snapshot: () => SaveSnapshot | null,
    private readonly opts: AutosaveOptions<R>,
  ) {
    this.timers = opts.timers ?? realTimers;
    this.debounceMs = opts.debounceMs ?? SAVE_DEBOUNCE_MS;
    this.maxWaitMs = Math.max(opts.maxWaitMs ?? SAVE_MAX_WAIT_MS, this.debounceMs);
  }

  get state(): SaveState {
    return this.current;
  }
  /** Why the state is `error` or `conflict` (the full message); '' otherwise. */
  get message(): string {
    return this.msg;
  }
  /** 'full' when the last save failed because storage is full. */
  get error(): 'full' | 'other' | null {
    return this.errorKind;
  }
  get graphId(): string | null {
    return this.id;
  }
  /** The stored revision our editor content is based on. */
  get rev(): number {
    return this.baseRev;
  }
  /** There are edits the library does not have yet. */
  get dirty(): boolean {
    return this.dirtyFlag;
  }

  /**
   * The unsaved edits as a journal entry (see UnsavedJournal), or null when the library has
   * everything the editor shows.
   */
  journal(now: number): UnsavedJournal | null {
    if (this.id === null || !this.dirtyFlag) return null;
    const snap = this.snapshot();
    if (!snap || (snap.text === this.savedText && snap.name === this.savedName)) return null;
    return { graphId: this.id, baseRev: this.baseRev, text: snap.text, name: snap.name, at: now };
  }
  get label(): string {
    return saveStatusLabel(this.current, this.errorKind);
  }

  /**
   * The editor now shows `row` (opened, reloaded from another tab, or a new graph): no
   * unsaved edits, saves are based on its rev. A save still in flight for an earlier graph
   * finishes, but its result is ignored.
   */
  open(row: Pick<SavedRow, 'id' | 'rev' | 'text' | 'name'>): void {
    this.generation++;
    this.cancelTimer();
    this.id = row.id;
    this.baseRev = row.rev;
    this.savedText = row.text;
    this.savedName = row.name;
    this.dirtyFlag = false;
    this.force = false;
    this.again = false;
    this.pendingRemote = null;
    this.inFlight = null;
    this.setState('saved', '', null);
  }

  /** No graph is open any more: pending edits are dropped (flush first to keep them). */
  close(): void {
    this.generation++;
    this.cancelTimer();
    this.id = null;
    this.dirtyFlag = false;
    this.inFlight = null;
    this.pendingRemote = null;
    this.setState('saved', '', null);
  }

  /**
   * The document changed: save it soon. `force` saves even when the text and name are what
   * is stored (the editor uses it once to store a first thumbnail).
   */
  edited(opts: { force?: boolean } = {}): void {
    if (this.id === null) return;
    this.dirtyFlag = true;
    if (opts.force) this.force = true;
    if (this.current === 'conflict') return;
    if (this.current !== 'saving') this.setState('unsaved', '', null);
    const now = this.timers.now();
    if (this.firstEditAt === null) this.firstEditAt = now;
    const delay = Math.max(0, Math.min(this.debounceMs, this.firstEditAt + this.maxWaitMs - now));
    this.cancelTimer(false);
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.kick();
    }, delay);
  }

  /**
   * Saves pending edits now (page hidden, before opening another graph, test hook) and
   * resolves when no save is in flight. After a failed save it tries again; in the
   * `conflict` state it saves nothing.
   */
  async flush(): Promise<void> {
    this.cancelTimer();
    let tried = false;
    for (;;) {
      if (this.inFlight) {
        this.again = this.again || this.dirtyFlag;
        await this.inFlight;
        continue;
      }
      // One attempt of our own: a failed save is not retried in a loop.
      if (!tried && this.dirtyFlag && this.current !== 'conflict') {
        tried = true;
        this.startSave();
        continue;
      }
      return;
    }
  }

  /**
   * The stored row changed (liveQuery). Our own saves and older revisions are ignored; a
   * newer revision from another tab reloads in place when we have no unsaved edits, and
   * otherwise puts us in `conflict` (we never save over it).
   */
  remote(row: R | null): void {
    if (!row || row.id !== this.id || row.rev <= this.baseRev) return;
    if (row.writer !== undefined && row.writer === this.opts.tabId) return;
    if (this.inFlight) {
      this.pendingRemote = row;
      return;
    }
    if (this.dirtyFlag && !this.unchanged()) {
      this.cancelTimer();
      this.setState('conflict', `"${row.name}" was changed in another tab while this tab had unsaved edits. Nothing was saved over it.`, null);
      return;
    }
    // No real change of ours (only a pending forced or no-op save): take theirs.
    this.cancelTimer();
    this.dirtyFlag = false;
    this.force = false;
    if (this.current !== 'saved') this.setState('saved', '', null);
    this.opts.onReload?.(row);
  }

  /** The editor's content is what was last stored (text and name). */
  private unchanged(): boolean {
    const snap = this.snapshot();
    return !!snap && snap.text === this.savedText && snap.name === this.savedName;
  }

  private kick(): void {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    if (this.dirtyFlag && this.current !== 'conflict') this.startSave();
  }

  private startSave(): void {
    const id = this.id;
    if (id === null) return;
    this.firstEditAt = null;
    const snap = this.snapshot();
    if (!snap) return;
    const nameChanged = snap.name !== this.savedName;
    const force = this.force;
    this.force = false;
    if (snap.text === this.savedText && !nameChanged && !force) {
      this.dirtyFlag = false;
      this.setState('saved', '', null);
      return;
    }
    this.dirtyFlag = false;
    this.setState('saving', '', null);
    const gen = this.generation;
    const input: SaveInput = {
      text: snap.text,
      baseRev: this.baseRev,
      name: snap.name,
      reason: nameChanged ? 'rename' : 'edit',
      ...(snap.thumbnail !== undefined ? { thumbnail: snap.thumbnail } : {}),
    };
    const run = this.store.save(id, input).then(
      (row) => {
        if (gen !== this.generation) return;
        this.baseRev = row.rev;
        this.savedText = snap.text;
        this.savedName = snap.name;
        this.opts.onSaved?.(row);
        this.setState(this.dirtyFlag ? 'unsaved' : 'saved', '', null);
      },
      (e: unknown) => {
        if (gen !== this.generation) return;
        this.dirtyFlag = true;
        if (e instanceof ConflictError && this.unchanged()) {
          // A save without changes (a thumbnail) lost to another tab's save: nothing of
          // ours is lost; the newer row arrives through remote() and is loaded.
          this.dirtyFlag = false;
          this.setState('saved', '', null);
        } else if (e instanceof ConflictError) {
          this.setState('conflict', `This graph was changed in another tab (stored revision ${e.storedRev}, ours ${e.baseRev}). Nothing was saved over it.`, null);
        } else if (e instanceof StorageFullError) {
          this.setState('error', e.message, 'full');
        } else {
          this.setState('error', `The graph could not be saved: ${e instanceof Error ? e.message : String(e)}. Your edits are still in the editor; the next edit tries again.`, 'other');
        }
      },
    );
    const done = run.finally(() => {
      if (gen !== this.generation || this.inFlight !== done) return;
      this.inFlight = null;
      const remote = this.pendingRemote;
      this.pendingRemote = null;
      if (this.current === 'conflict' || this.current === 'error') {
        this.again = false;
        return;
      }
      if (remote) this.remote(remote);
      // Edits made during the save whose timer already fired (or a flush) are saved now;
      // otherwise their timer will.
      const saveNow = this.state !== 'conflict' && this.dirtyFlag && (this.again || this.timer === null);
      this.again = false;
      if (saveNow) this.startSave();
    });
    this.inFlight = done;
  }

  private cancelTimer(resetWait = true): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    if (resetWait) this.firstEditAt = null;
  }

  private setState(state: SaveState, message: string, kind: 'full' | 'other' | null): void {
    if (state === this.current && message === this.msg && kind === this.errorKind) return;
    this.current = state;
    this.msg = message;
    this.errorKind = kind;
    this.opts.onState?.(state, message);
  }
}

// ---- the unsaved-edits journal ---------------------------------------------------------------

/**
 * Edits not yet in the library when the page goes away. An IndexedDB save started while the
 * tab closes is aborted with it, so on `pagehide` the editor also writes the unsaved text
 * synchronously (localStorage); the next time the graph opens, the journal is applied if the
 * library still holds the revision it was based on.
 */
export interface UnsavedJournal {
  readonly graphId: string;
  readonly baseRev: number;
  readonly text: string;
  readonly name: string;
  readonly at: number;
}

export const JOURNAL_KEY_PREFIX = 'pixel-loom.unsaved.';

export function journalKey(graphId: string): string {
  return JOURNAL_KEY_PREFIX + graphId;
}

/** A stored journal entry, or null when there is none or it is not one. */
export function parseJournal(raw: string | null): UnsavedJournal | null {
  if (raw === null) return null;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const j = v as Record<string, unknown>;
  if (typeof j.graphId !== 'string' || typeof j.baseRev !== 'number' || typeof j.text !== 'string' || typeof j.name !== 'string' || typeof j.at !== 'number') return null;
  return { graphId: j.graphId, baseRev: j.baseRev, text: j.text, name: j.name, at: j.at };
}

/**
 * Whether a journal entry should be applied to the stored row: same graph, based on the
 * stored rev (nobody saved since), and different from what is stored.
 */
export function journalApplies(journal: UnsavedJournal | null, row: Pick<SavedRow, 'id' | 'rev' | 'text' | 'name'>): journal is UnsavedJournal {
  return !!journal && journal.graphId === row.id && journal.baseRev === row.rev && (journal.text !== row.text || journal.name !== row.name);
}
