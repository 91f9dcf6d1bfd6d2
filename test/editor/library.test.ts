import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkGraphName,
  countNodes,
  filterGraphs,
  failedTemplate,
  formatBytes,
  formatDate,
  formatDateTime,
  matchesQuery,
  moveHighlight,
  nodeCountLabel,
  parseTemplate,
  reasonLabel,
  recentGraphs,
  relativeTime,
  sortByUpdated,
  sortTemplates,
  templateFileName,
  templateMatches,
  utf8Size,
  type ListedGraph,
} from '../../src/editor/logic/library';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const at = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number => new Date(y, mo - 1, d, h, mi, s).getTime();

describe('relative time', () => {
  const now = at(2026, 3, 10, 14, 30);

  it('says just now under a minute, also slightly in the future', () => {
    expect(relativeTime(now, now)).toBe('just now');
    expect(relativeTime(now - 59_000, now)).toBe('just now');
    expect(relativeTime(now + 30_000, now)).toBe('just now');
  });

  it('counts minutes under an hour and hours earlier today', () => {
    expect(relativeTime(now - 60_000, now)).toBe('1 min ago');
    expect(relativeTime(now - 5 * 60_000 - 10_000, now)).toBe('5 min ago');
    expect(relativeTime(now - 59 * 60_000, now)).toBe('59 min ago');
    expect(relativeTime(now - 60 * 60_000, now)).toBe('1 h ago');
    expect(relativeTime(at(2026, 3, 10, 0, 0, 1), now)).toBe('14 h ago');
  });

  it('says yesterday for the previous calendar day, then the date', () => {
    expect(relativeTime(at(2026, 3, 9, 23, 59), now)).toBe('yesterday');
    expect(relativeTime(at(2026, 3, 9, 0, 0), now)).toBe('yesterday');
    expect(relativeTime(at(2026, 3, 8, 23, 59), now)).toBe('8 Mar 2026');
    expect(relativeTime(at(2025, 12, 31, 12), now)).toBe('31 Dec 2025');
    // shortly after midnight, an hour-old save is still minutes, a two-hour-old one is yesterday
    const justAfterMidnight = at(2026, 3, 10, 0, 30);
    expect(relativeTime(at(2026, 3, 9, 23, 50), justAfterMidnight)).toBe('40 min ago');
    expect(relativeTime(at(2026, 3, 9, 22, 0), justAfterMidnight)).toBe('yesterday');
  });

  it('gives the date for a time well in the future and a word for a broken one', () => {
    expect(relativeTime(at(2026, 3, 12), now)).toBe('12 Mar 2026');
    expect(relativeTime(Number.NaN, now)).toBe('unknown time');
  });

  it('formats dates without the locale', () => {
    expect(formatDate(at(2026, 3, 3, 9, 5))).toBe('3 Mar 2026');
    expect(formatDateTime(at(2026, 3, 3, 9, 5))).toBe('3 Mar 2026, 09:05');
  });
});

describe('search', () => {
  it('matches every word in any order, ignoring case and accents', () => {
    expect(matchesQuery('Denoise and score', '')).toBe(true);
    expect(matchesQuery('Denoise and score', '   ')).toBe(true);
    expect(matchesQuery('Denoise and score', 'DENO')).toBe(true);
    expect(matchesQuery('Denoise and score', 'score deno')).toBe(true);
    expect(matchesQuery('Denoise and score', 'score blur')).toBe(false);
    expect(matchesQuery('Débruitage', 'debruit')).toBe(true);
    expect(matchesQuery('Debruitage', 'débruit')).toBe(true);
    expect(matchesQuery('Edges', 'sharpen')).toBe(false);
  });
});

const row = (id: string, name: string, updatedAt: number, openedAt = updatedAt, extra: Partial<ListedGraph> = {}): ListedGraph => ({
  id,
  name,
  updatedAt,
  openedAt,
  deletedAt: null,
  ...extra,
});

describe('sorting, filtering and the recent strip', () => {
  const rows = [row('a', 'Alpha', 10, 50), row('b', 'Beta', 30, 20), row('c', 'Gamma', 20, 40), row('d', 'Delta', 30, 10)];

  it('sorts newest change first with a stable tie order, leaving the input alone', () => {
    const input = [...rows];
    expect(sortByUpdated(rows).map((r) => r.id)).toEqual(['b', 'd', 'c', 'a']);
    expect(rows).toEqual(input);
  });

  it('filters by name', () => {
    expect(filterGraphs(rows, 'ta').map((r) => r.id)).toEqual(['b', 'd']);
    expect(filterGraphs(rows, 'zzz')).toEqual([]);
  });

  it('takes the most recently opened, leaving out trashed and corrupt rows', () => {
    const all = [...rows, row('t', 'Trashed', 99, 99, { deletedAt: 100 }), row('x', 'Broken', 98, 98, { corrupt: 'text is not a string' })];
    expect(recentGraphs(all).map((r) => r.id)).toEqual(['a', 'c', 'b', 'd']);
    expect(recentGraphs(all, 2).map((r) => r.id)).toEqual(['a', 'c']);
    expect(recentGraphs(all, 0)).toEqual([]);
    const many = Array.from({ length: 9 }, (_, i) => row(`g${i}`, `G${i}`, i, i));
    expect(recentGraphs(many).map((r) => r.id)).toEqual(['g8', 'g7', 'g6', 'g5', 'g4']);
  });
});

describe('templates', () => {
  it('reads name, description and node count from every file in graphs/', () => {
    const dir = path.join(ROOT, 'graphs');
    const files = readdirSync(dir).filter((f) => f.endsWith('.graph.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = readFileSync(path.join(dir, file), 'utf8');
      const t = parseTemplate(file, text);
      const doc = JSON.parse(text) as { name: string; description?: string; nodes: unknown[] };
      expect(t.problem, file).toBeNull();
      expect(t.name).toBe(doc.name);
      expect(t.description).toBe(doc.description ?? '');
      expect(t.nodeCount).toBe(doc.nodes.length);
      expect(t.text).toBe(text);
    }
  });

  it('falls back to the file name when the graph has no name', () => {
    const t = parseTemplate('blur.graph.json', JSON.stringify({ format: 'pixel-loom.graph', version: 1, nodes: [], edges: [] }));
    expect(t).toMatchObject({ name: 'blur', description: '', nodeCount: 0, problem: null });
  });

  it('reports a broken template with the file and the reason instead of throwing', () => {
    const cases: [string, RegExp][] = [
      ['{ "format": "pixel-loom.graph", ', /^bad\.graph\.json: not valid JSON \(/],
      ['[1, 2]', /^bad\.graph\.json: not a graph file \(the top level is not a JSON object\)$/],
      ['{"format":"other","version":1,"nodes":[]}', /"format" is "other", expected "pixel-loom\.graph"/],
      ['{"version":1,"nodes":[]}', /"format" is missing/],
      ['{"format":"pixel-loom.graph","version":"1","nodes":[]}', /"version" is "1", expected a whole number from 1/],
      ['{"format":"pixel-loom.graph","version":99,"nodes":[]}', /newer pixel-loom \(format version 99; this editor reads up to 3\)/],
      ['{"format":"pixel-loom.graph","version":1,"name":"X","nodes":{}}', /"nodes" is missing or not a list/],
    ];
    for (const [text, re] of cases) {
      const t = parseTemplate('bad.graph.json', text);
      expect(t.problem, text).toMatch(re);
      expect(t).toMatchObject({ file: 'bad.graph.json', name: 'bad', nodeCount: null, text });
    }
  });

  it('describes a template that could not be loaded and matches templates by name or description', () => {
    expect(failedTemplate('x.graph.json', 'could not be loaded (404)')).toEqual({
      file: 'x.graph.json',
      name: 'x',
      description: '',
      nodeCount: null,
      text: '',
      problem: 'x.graph.json: could not be loaded (404)',
    });
    const t = parseTemplate('s.graph.json', JSON.stringify({ format: 'pixel-loom.graph', version: 1, name: 'Sharpen', description: 'Unsharp mask and PSNR', nodes: [] }));
    expect(templateMatches(t, 'sharp')).toBe(true);
    expect(templateMatches(t, 'psnr unsharp')).toBe(true);
    expect(templateMatches(t, 'ssim')).toBe(false);
  });

  it('names templates by file and sorts them by name', () => {
    expect(templateFileName('../../../graphs/denoise.graph.json')).toBe('denoise.graph.json');
    expect(templateFileName('denoise.graph.json')).toBe('denoise.graph.json');
    const list = [parseTemplate('b.graph.json', '{}'), parseTemplate('a.graph.json', 'x'), parseTemplate('c.graph.json', '{}')];
    expect(sortTemplates(list).map((t) => t.file)).toEqual(['a.graph.json', 'b.graph.json', 'c.graph.json']);
  });
});

describe('small formatting helpers', () => {
  it('counts nodes of a graph text', () => {
    expect(countNodes('{"nodes":[{},{}]}')).toBe(2);
    expect(countNodes('{"nodes":{}}')).toBeNull();
    expect(countNodes('not json')).toBeNull();
    expect(nodeCountLabel(1)).toBe('1 node');
    expect(nodeCountLabel(0)).toBe('0 nodes');
    expect(nodeCountLabel(null)).toBe('? nodes');
  });

  it('refuses empty and over-long names and trims the rest', () => {
    expect(checkGraphName('  My graph ')).toEqual({ ok: true, name: 'My graph' });
    const empty = checkGraphName('   ');
    expect(empty.ok).toBe(false);
    if (!empty.ok) expect(empty.problem).toMatch(/needs a name/);
    const long = checkGraphName('x'.repeat(201));
    expect(long.ok).toBe(false);
    if (!long.ok) expect(long.problem).toMatch(/201 characters long; the limit is 200/);
    expect(checkGraphName('x'.repeat(200)).ok).toBe(true);
  });

  it('formats sizes', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.0 KB');
    expect(formatBytes(3.4 * 1024)).toBe('3.4 KB');
    expect(formatBytes(12.6 * 1024)).toBe('13 KB');
    expect(formatBytes(1.2 * 1024 * 1024)).toBe('1.2 MB');
    expect(formatBytes(-1)).toBe('?');
    expect(utf8Size('σ')).toBe(2);
    expect(utf8Size('abc')).toBe(3);
  });

  it('labels revision reasons', () => {
    expect(reasonLabel('edit')).toBe('Edited');
    expect(reasonLabel('other-tab')).toBe('Saved in another tab');
    expect(reasonLabel('mystery')).toBe('mystery');
  });

  it('moves the highlight with wrap-around', () => {
    expect(moveHighlight(-1, 1, 3)).toBe(0);
    expect(moveHighlight(-1, -1, 3)).toBe(2);
    expect(moveHighlight(0, 1, 3)).toBe(1);
    expect(moveHighlight(2, 1, 3)).toBe(0);
    expect(moveHighlight(0, -1, 3)).toBe(2);
    expect(moveHighlight(7, 1, 3)).toBe(0);
    expect(moveHighlight(0, 1, 0)).toBe(-1);
  });
});
