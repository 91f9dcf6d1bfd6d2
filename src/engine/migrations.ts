/**
 * Graph file migrations (DESIGN.md §2: loading runs migrate → validate → graph).
 *
 * The list is append-only: to introduce format version N+1, bump FORMAT_VERSION and append
 * one `{ from: N, to: N + 1, description, migrate }` entry. Never edit or reorder an
 * existing entry — files written by old versions must keep loading the same way.
 * A migration is a pure function on plain JSON: it receives a private deep copy of the
 * document at version `from` and returns the document at version `to` (the runner sets
 * `version`; the migration does not need to).
 */
import { cloneData, describe, isPlainObject, jsonDataProblem, setOwn } from './checks';
import { GraphFileError } from './errors';

/** The graph file format version this build writes and reads natively. */
export const FORMAT_VERSION = 3;

export type JsonDocument = Record<string, unknown>;

export interface Migration {
  readonly from: number;
  readonly to: number;
  /** One line saying what changed, e.g. `rename noise.gaussian param "std" to "sigma"`. */
  readonly description: string;
  readonly migrate: (doc: JsonDocument) => JsonDocument;
}

/**
 * 1 → 2: nodes gain the `mode` key (`"bypass"` / `"mute"`, absent = active). In version 1 a
 * node key `mode` meant nothing: it was an unknown key, kept and written back verbatim. So
 * that such a node stays active and its value is not lost, the old key is renamed
 * `legacyMode` (or `legacyMode2`, … when that name is taken too).
 */
function migrate1to2(doc: JsonDocument): JsonDocument {
  const nodes = doc.nodes;
  if (!Array.isArray(nodes)) return doc;
  for (const n of nodes) {
    if (!isPlainObject(n) || !Object.prototype.hasOwnProperty.call(n, 'mode')) continue;
    let name = 'legacyMode';
    for (let i = 2; Object.prototype.hasOwnProperty.call(n, name); i++) name = `legacyMode${i}`;
    setOwn(n, name, n.mode);
    delete n.mode;
  }
  return doc;
}

/**
 * 2 → 3: components (DESIGN.md §2b) give meaning to a top-level key `components` and a node
 * key `component`. In version 2 both were unknown keys, kept verbatim; so that such a file
 * loads as it did and loses nothing, they are renamed `legacyComponents` / `legacyComponent`
 * (or `…2`, `…3`, … when the name is taken).
 */
function migrate2to3(doc: JsonDocument): JsonDocument {
  const rename = (o: Record<string, unknown>, key: string, base: string): void => {
    if (!Object.prototype.hasOwnProperty.call(o, key)) return;
    let name = base;
    for (let i = 2; Object.prototype.hasOwnProperty.call(o, name); i++) name = `${base}${i}`;
    // Rebuild to keep the key's position (the extras are written back in file order).
    const entries = Object.entries(o);
    for (const k of Object.keys(o)) delete o[k];
    for (const [k, v] of entries) setOwn(o, k === key ? name : k, v);
  };
  rename(doc, 'components', 'legacyComponents');
  if (Array.isArray(doc.nodes)) for (const n of doc.nodes) if (isPlainObject(n)) rename(n, 'component', 'legacyComponent');
  return doc;
}

/** Every migration ever shipped, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  { from: 1, to: 2, description: 'nodes gain "mode" (bypass / mute); an old unknown node key "mode" is kept as "legacyMode"', migrate: migrate1to2 },
  { from: 2, to: 3, description: 'components: an old unknown top-level key "components" is kept as "legacyComponents", a node key "component" as "legacyComponent"', migrate: migrate2to3 },
];

/**
 * Checks that a migration list is a contiguous chain `from → from + 1` ending at `target`.
 * Returns the problems (empty when consistent); the test suite runs it on MIGRATIONS.
 */
export function migrationChainProblems(migrations: readonly Migration[], target = FORMAT_VERSION): string[] {
  const problems: string[] = [];
  migrations.forEach((m, i) => {
    if (!Number.isInteger(m.from) || m.to !== m.from + 1) problems.push(`migration ${i} (${m.from} → ${m.to}) must go from an integer version to the next one`);
    const prev = migrations[i - 1];
    if (prev && m.from !== prev.to) problems.push(`migration ${i} starts at ${m.from} but migration ${i - 1} ends at ${prev.to}`);
  });
  const last = migrations[migrations.length - 1];
  if (last && last.to !== target) problems.push(`the last migration ends at ${last.to}, not at the current version ${target}`);
  return problems;
}

/**
 * Brings a parsed document up to `target` (default FORMAT_VERSION) by running the
 * migrations from its `version` on, in order. Returns the input itself when it is already
 * current. Throws GraphFileError (path `version`) when the version is missing or invalid,
 * newer than `target` ("update pixel-loom"), or older than any migration can handle.
 */
export function migrateDocument(doc: JsonDocument, migrations: readonly Migration[] = MIGRATIONS, target = FORMAT_VERSION): JsonDocument {
  if (!isPlainObject(doc)) throw new GraphFileError([{ path: '', message: `expected a JSON object, got ${describe(doc)}` }]);
  const version = Object.prototype.hasOwnProperty.call(doc, 'version') ? doc.version : undefined;
  if (version === undefined) {
    throw new GraphFileError([{ path: 'version', message: `missing; expected the format version (this pixel-loom reads up to version ${target})` }]);
  }
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw new GraphFileError([{ path: 'version', message: `expected a non-negative integer format version, got ${describe(version)}` }]);
  }
  if (version > target) {
    throw new GraphFileError([
      { path: 'version', message: `this file is format version ${version}; this pixel-loom reads up to version ${target} — update pixel-loom` },
    ]);
  }
  if (version === target) return doc;
  let current: JsonDocument;
  try {
    current = cloneData(doc);
  } catch (e) {
    // Absurdly deep data (a stack overflow while copying): name where, as validation would.
    if (!(e instanceof RangeError)) throw e;
    const where = jsonDataProblem(doc, '');
    throw new GraphFileError([where ?? { path: '', message: 'data nested too deeply to read' }]);
  }
  let at = version;
  while (at < target) {
    const m = migrations.find((x) => x.from === at);
    if (!m) {
      const oldest = migrations.length ? Math.min(...migrations.map((x) => x.from)) : target;
      throw new GraphFileError([
        { path: 'version', message: `format version ${version} is not supported; the oldest version this pixel-loom reads is ${oldest}` },
      ]);
    }
    let next: unknown;
    try {
      next = m.migrate(current);
    } catch (e) {
      throw new GraphFileError([
        { path: '', message: `migration from version ${m.from} to ${m.to} (${m.description}) failed: ${e instanceof Error ? e.message : String(e)}` },
      ]);
    }
    if (!isPlainObject(next)) throw new Error(`migration ${m.from} → ${m.to} (${m.description}) did not return an object`);
    current = next;
    setOwn(current, 'version', m.to);
    at = m.to;
  }
  return current;
}
