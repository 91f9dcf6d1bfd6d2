/**
 * DOM-free helpers behind the graph library view and the revisions panel: relative and
 * absolute times, search matching, sorting, the "Recent" strip, template parsing, name
 * checks, byte sizes and keyboard highlight movement. Times are read in the local time zone
 * (what the user sees on their clock); every function takes `now` explicitly so tests are
 * deterministic.
 */
import { FORMAT_ID } from '../../engine/format';
import { FORMAT_VERSION } from '../../engine/migrations';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** `3 Mar 2026` in local time, independent of the browser's locale. */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}`;
}

/** `3 Mar 2026, 14:05` in local time: the exact moment, for tooltips. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  const hh = String(d.getHours()).padStart(2, '0');
  const mm = String(d.getMinutes()).padStart(2, '0');
  return `${formatDate(ms)}, ${hh}:${mm}`;
}

function startOfDay(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/**
 * How long ago `then` was, as a person would say it: `just now` (under a minute, also a
 * moment in the near future, as another tab's clock may run slightly ahead), `5 min ago`
 * (under an hour), `3 h ago` (earlier today), `yesterday` (the previous calendar day), else
 * the date (`3 Mar 2026`; also for a time more than a minute in the future).
 */
export function relativeTime(then: number, now: number): string {
  if (!Number.isFinite(then)) return 'unknown time';
  const diff = now - then;
  if (diff < MINUTE && diff > -MINUTE) return 'just now';
  if (diff < 0) return formatDate(then);
  if (diff < HOUR) return `${Math.floor(diff / MINUTE)} min ago`;
  const today = startOfDay(now);
  if (then >= today) return `${Math.floor(diff / HOUR)} h ago`;
  // The previous calendar day (a DST change makes that day 23 or 25 hours long).
  const yesterday = startOfDay(today - 12 * HOUR);
  if (then >= yesterday) return 'yesterday';
  return formatDate(then);
}

/** Lower case, accents removed (`Débruitage` → `debruitage`), for forgiving matches. */
function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * Whether `text` matches the search `query`: every whitespace-separated word of the query
 * appears in the text, ignoring case and accents, in any order. An empty query matches
 * everything.
 */
export function matchesQuery(text: string, query: string): boolean {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = fold(text);
  return words.every((w) => hay.includes(w));
}

/** The fields of a library row these helpers read (a subset of storage's GraphSummary). */
export interface ListedGraph {
  id: string;
  name: string;
  updatedAt: number;
  openedAt: number;
  deletedAt: number | null;
  corrupt?: string;
}

/** Newest change first; ties by name, then id, so the order never flickers between queries. */
export function sortByUpdated<T extends ListedGraph>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => b.updatedAt - a.updatedAt || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Rows that match `query` by name, newest change first. */
export function filterGraphs<T extends ListedGraph>(rows: readonly T[], query: string): T[] {
  return sortByUpdated(rows.filter((r) => matchesQuery(r.name, query)));
}

/**
 * The "Recent" strip: the `n` most recently opened graphs that are not in the trash and can
 * be opened (corrupt rows are left out), most recent first.
 */
export function recentGraphs<T extends ListedGraph>(rows: readonly T[], n = 5): T[] {
  return rows
    .filter((r) => r.deletedAt === null && !r.corrupt)
    .sort((a, b) => b.openedAt - a.openedAt || b.updatedAt - a.updatedAt)
    .slice(0, Math.max(0, n));
}

/** A template made from one file of `graphs/`. */
export interface GraphTemplate {
  /** File name, e.g. `denoise.graph.json`. */
  file: string;
  /** The graph's `name`, or the file name without `.graph.json` when it has none. */
  name: string;
  description: string;
  /** Number of nodes, or null when the file could not be read. */
  nodeCount: number | null;
  /** The file text, unchanged; the editor's import path validates it fully on open. */
  text: string;
  /** Why the file cannot be used as a template, or null. A template with a problem is shown but cannot be opened. */
  problem: string | null;
}

/** `../../../graphs/denoise.graph.json` → `denoise.graph.json`. */
export function templateFileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function stemOf(file: string): string {
  return file.replace(/\.graph\.json$/i, '').replace(/\.json$/i, '');
}

/**
 * Reads the name, description and node count of a template file. This is a first look, not
 * the full validation (that needs the node catalogue and happens when the template opens),
 * but a file that is not JSON, not a pixel-loom graph, from a newer format version, or
 * without a node list is reported here with `problem` naming the file and what is wrong,
 * instead of failing later or disappearing from the list.
 */
export function parseTemplate(file: string, text: string): GraphTemplate {
  const name = stemOf(file);
  const broken = (problem: string): GraphTemplate => failedTemplate(file, problem, text);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return broken(`not valid JSON (${(e as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return broken('not a graph file (the top level is not a JSON object)');
  const d = doc as Record<string, unknown>;
  if (d.format !== FORMAT_ID) return broken(`not a graph file ("format" is ${JSON.stringify(d.format) ?? 'missing'}, expected "${FORMAT_ID}")`);
  if (typeof d.version !== 'number' || !Number.isInteger(d.version) || d.version < 1) return broken(`"version" is ${JSON.stringify(d.version) ?? 'missing'}, expected a whole number from 1`);
  if (d.version > FORMAT_VERSION) return broken(`made by a newer pixel-loom (format version ${d.version}; this editor reads up to ${FORMAT_VERSION})`);
  if (!Array.isArray(d.nodes)) return broken('"nodes" is missing or not a list');
  return {
    file,
    name: typeof d.name === 'string' && d.name.trim() !== '' ? d.name : name,
    description: typeof d.description === 'string' ? d.description : '',
    nodeCount: d.nodes.length,
    text,
    problem: null,
  };
}

/** A template whose file could not be used: `problem` says why, prefixed with the file name. */
export function failedTemplate(file: string, problem: string, text = ''): GraphTemplate {
  return { file, name: stemOf(file), description: '', nodeCount: null, text, problem: `${file}: ${problem}` };
}

/** Whether a template matches the search `query` by name or description. */
export function templateMatches(t: GraphTemplate, query: string): boolean {
  return matchesQuery(`${t.name} ${t.description}`, query);
}

/** Templates in a stable order: by name, then file. */
export function sortTemplates(list: readonly GraphTemplate[]): GraphTemplate[] {
  return [...list].sort((a, b) => a.name.localeCompare(b.name) || a.file.localeCompare(b.file));
}

/** Number of nodes in a graph file text, or null when it is not a readable graph. */
export function countNodes(text: string): number | null {
  try {
    const doc: unknown = JSON.parse(text);
    if (typeof doc === 'object' && doc !== null && Array.isArray((doc as { nodes?: unknown }).nodes)) return (doc as { nodes: unknown[] }).nodes.length;
  } catch {
    // not JSON: no count
  }
  return null;
}

export const MAX_NAME_LENGTH = 200;

/** A graph name the user typed: trimmed, or the reason it is refused. */
export function checkGraphName(raw: string): { ok: true; name: string } | { ok: false; problem: string } {
  const name = raw.trim();
  if (name === '') return { ok: false, problem: 'A graph needs a name: type at least one character, or press Escape to keep the old name.' };
  if (name.length > MAX_NAME_LENGTH) return { ok: false, problem: `That name is ${name.length} characters long; the limit is ${MAX_NAME_LENGTH}.` };
  return { ok: true, name };
}

/** `812 B`, `3.4 KB`, `12 KB`, `1.2 MB` (1 KB = 1024 bytes). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '?';
  if (n < 1024) return `${Math.round(n)} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** UTF-8 size of a text in bytes (a revision's size on disk, near enough). */
export function utf8Size(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** `12 nodes`, `1 node`, `? nodes` when unknown. */
export function nodeCountLabel(n: number | null): string {
  if (n === null) return '? nodes';
  return `${n} node${n === 1 ? '' : 's'}`;
}

const REASONS: Record<string, string> = {
  create: 'Created',
  edit: 'Edited',
  rename: 'Renamed',
  restore: 'Restored',
  import: 'Imported',
  duplicate: 'Duplicated',
  'other-tab': 'Saved in another tab',
};

/** The words shown for a revision's reason; an unknown reason is shown as it is. */
export function reasonLabel(reason: string): string {
  return REASONS[reason] ?? reason;
}

/**
 * The highlighted index after an arrow key: `delta` +1 / -1 moves one row, wrapping around;
 * from no highlight (-1) down goes to the first row and up to the last. An empty list has no
 * highlight.
 */
export function moveHighlight(index: number, delta: number, length: number): number {
  if (length <= 0) return -1;
  if (index < 0 || index >= length) return delta >= 0 ? 0 : length - 1;
  return (((index + delta) % length) + length) % length;
}
