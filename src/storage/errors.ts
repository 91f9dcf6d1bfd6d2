/**
 * Errors of the graph library (src/storage). Every message names the graph or row and says
 * what the user can do; the editor shows them as they are.
 */

/** Base class of every storage error. */
export class StorageError extends Error {
  override name = 'StorageError';
  override readonly cause?: unknown;
  constructor(message: string, cause?: unknown) {
    super(message);
    if (cause !== undefined) this.cause = cause;
  }
}

/** The browser refused a write because its storage quota is used up; nothing was written. */
export class StorageFullError extends StorageError {
  override name = 'StorageFullError';
}

/** A save whose `baseRev` is not the stored revision: someone (another tab) saved in between. */
export class ConflictError extends StorageError {
  override name = 'ConflictError';
  readonly graphId: string;
  readonly storedRev: number;
  readonly baseRev: number;
  constructor(graphId: string, storedRev: number, baseRev: number, graphName?: string) {
    const what = graphName === undefined ? `graph ${graphId}` : `"${graphName}" (${graphId})`;
    super(
      `${what} was changed elsewhere: the library holds revision ${storedRev} but this save was based on revision ${baseRev}; nothing was overwritten`,
    );
    this.graphId = graphId;
    this.storedRev = storedRev;
    this.baseRev = baseRev;
  }
}

/** No row with that key. */
export class NotFoundError extends StorageError {
  override name = 'NotFoundError';
}

/** A stored row that is not readable as its table's row type. */
export class CorruptRowError extends StorageError {
  override name = 'CorruptRowError';
  readonly table: string;
  readonly key: unknown;
  /** What is wrong with the row, e.g. `text is not a string`. */
  readonly problem: string;
  constructor(table: string, key: unknown, problem: string) {
    super(`${table} row ${JSON.stringify(key) ?? String(key)} is unreadable: ${problem}`);
    this.table = table;
    this.key = key;
    this.problem = problem;
  }
}
