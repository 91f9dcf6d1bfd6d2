/**
 * "My components": component files (engine/componentFile.ts) kept in IndexedDB to insert
 * into any graph. Saving a component that came from here (its definition carries
 * `library.id`) stores a new version of the same row; graphs that hold an older version are
 * offered "Update". Rows that cannot be read are listed with `corrupt` (never a failure of
 * the whole list); a full disk is a StorageFullError and leaves the row as it was.
 */
import type { ComponentRow, PixelLoomDb } from './db';
import { NotFoundError, StorageError, StorageFullError } from './errors';
import { isQuotaError } from './rows';

export interface ComponentSummary {
  id: string;
  name: string;
  version: number;
  updatedAt: number;
  /** Why the row cannot be used, when it cannot. */
  corrupt?: string;
}

export class ComponentLibrary {
  constructor(
    private readonly db: PixelLoomDb,
    private readonly now: () => number = Date.now,
  ) {}

  /** Every kept component, by name. */
  async list(): Promise<ComponentSummary[]> {
    const rows = (await this.db.components.toArray()) as unknown[];
    return rows.map(summarize).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  /** The row (its component file text); NotFoundError when it is gone, StorageError when it is unreadable. */
  async get(id: string): Promise<ComponentRow> {
    const row = (await this.db.components.get(id)) as unknown;
    if (row === undefined) throw new NotFoundError(`"My components" has no component ${id} (it was deleted)`);
    const s = summarize(row);
    if (s.corrupt) throw new StorageError(`the kept component "${s.name}" cannot be read: ${s.corrupt}`);
    return row as ComponentRow;
  }

  /**
   * Keeps a component file: a new row, or (with `id` of a row that exists) its next
   * version. Returns the row's id and version.
   */
  async save(opts: { id?: string; name: string; text: string }): Promise<{ id: string; version: number }> {
    const name = opts.name.trim() || 'Component';
    try {
      return await this.db.transaction('rw', this.db.components, async () => {
        const old = opts.id === undefined ? undefined : await this.db.components.get(opts.id);
        const t = this.now();
        const row: ComponentRow = old
          ? { ...old, name, text: opts.text, version: (Number.isInteger(old.version) ? old.version : 0) + 1, updatedAt: t }
          : { id: opts.id ?? crypto.randomUUID(), name, text: opts.text, version: 1, createdAt: t, updatedAt: t };
        await this.db.components.put(row);
        return { id: row.id, version: row.version };
      });
    } catch (e) {
      if (isQuotaError(e)) throw new StorageFullError(`"${name}" was not kept: the browser's storage for this site is full`, e);
      throw e;
    }
  }

  async remove(id: string): Promise<void> {
    await this.db.components.delete(id);
  }
}

function summarize(raw: unknown): ComponentSummary {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Partial<ComponentRow>;
  const id = typeof r.id === 'string' ? r.id : '?';
  const name = typeof r.name === 'string' ? r.name : id;
  const version = typeof r.version === 'number' && Number.isInteger(r.version) ? r.version : 0;
  const corrupt = typeof r.text !== 'string' ? 'it has no component file text' : version < 1 ? 'it has no version' : undefined;
  return { id, name, version, updatedAt: typeof r.updatedAt === 'number' ? r.updatedAt : 0, ...(corrupt ? { corrupt } : {}) };
}
