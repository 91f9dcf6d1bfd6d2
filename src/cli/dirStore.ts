/**
 * `--cache <dir>` (DESIGN.md §4, §6): node results kept between runs as content-addressed
 * files, `<dir>/<key[0:2]>/<key>.plr`. A file is written under a temporary name and renamed
 * into place, so a reader (another run, a concurrent batch worker) sees a whole file or none;
 * two writers of one key write the same bytes. A damaged or foreign file reads as "not
 * stored" — the node is computed again and the file replaced. The bytes of a file are engine/resultCodec.ts's.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeResult, encodeResult } from '../engine/resultCodec';
import type { ResultStore, StoredValue } from '../engine/resultStore';

export class DirStore implements ResultStore {
  constructor(readonly dir: string) {}

  private file(key: string): string {
    if (!/^[0-9a-z]+$/i.test(key)) throw new Error(`bad cache key ${JSON.stringify(key)}`);
    return path.join(this.dir, key.slice(0, 2), `${key}.plr`);
  }

  async get(key: string): Promise<Record<string, StoredValue> | null> {
    let buf: Buffer;
    try {
      buf = await readFile(this.file(key));
    } catch {
      return null;
    }
    return decodeResult(buf);
  }

  async put(key: string, outputs: Readonly<Record<string, StoredValue>>): Promise<void> {
    const file = this.file(key);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, encodeResult(outputs));
      await rename(tmp, file);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }
}
