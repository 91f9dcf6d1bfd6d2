import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraphFileError, type FileIssue } from '../../src/engine/errors';
import { FORMAT_ID, FORMAT_VERSION, graphToDocument, parseGraph, serializeGraph, validateGraphDocument } from '../../src/engine/format';
import { Graph } from '../../src/engine/graph';
import { MIGRATIONS, migrateDocument, migrationChainProblems, type Migration } from '../../src/engine/migrations';
import { createRegistry } from '../../src/nodes/index';
import { toyRegistry } from '../helpers/graphToys';

// Structural tests: exact strings and values, no numeric tolerance involved.

const reg = toyRegistry();

/** A canonical document exercising every optional part: description, placeholders, extras everywhere. */
const CANONICAL_FULL = `{
  "format": "pixel-loom.graph",
  "version": 3,
  "name": "Everything",
  "description": "all optional parts",
  "nodes": [
    {
      "id": "src",
      "type": "toy.source",
      "params": {
        "seed": 7,
        "width": 16
      },
      "position": {
        "x": 0,
        "y": 0
      }
    },
    {
      "id": "blur",
      "type": "toy.blur",
      "params": {
        "sigma": 1.5,
        "size": 5
      },
      "position": {
        "x": 240.5,
        "y": -12
      },
      "color": "#ff0000",
      "collapsed": true
    },
    {
      "id": "future",
      "type": "vendor.superResolve",
      "params": {
        "zeta": [
          1,
          {
            "nested": null
          }
        ],
        "alpha": "x",
        "constructor": {
          "prototype": 1
        }
      },
      "position": {
        "x": 480,
        "y": 0
      },
      "pluginData": {
        "v": 2
      }
    },
    {
      "id": "score",
      "type": "toy.score",
      "params": {},
      "position": {
        "x": 720,
        "y": 0
      }
    },
    {
      "id": "k",
      "type": "toy.kernel",
      "params": {
        "kernel": [
          [
            0,
            1,
            0
          ],
          [
            1,
            -4,
            1
          ],
          [
            0,
            1,
            0
          ]
        ],
        "label": "lap",
        "flag": true
      },
      "position": {
        "x": 0,
        "y": 200
      }
    }
  ],
  "edges": [
    {
      "from": {
        "node": "src",
        "port": "image"
      },
      "to": {
        "node": "blur",
        "port": "image"
      }
    },
    {
      "from": {
        "node": "blur",
        "port": "image"
      },
      "to": {
        "node": "future",
        "port": "lowRes"
      },
      "label": "wire"
    },
    {
      "from": {
        "node": "future",
        "port": "highRes"
      },
      "to": {
        "node": "score",
        "port": "a"
      }
    },
    {
      "from": {
        "node": "src",
        "port": "image"
      },
      "to": {
        "node": "score",
        "port": "b"
      }
    }
  ],
  "ui": {
    "viewport": {
      "x": 0,
      "y": 0,
      "zoom": 1
    }
  },
  "x-vendor": "kept",
  "groups": [
    {
      "title": "input",
      "nodes": [
        "src"
      ]
    }
  ],
  "comments": []
}
`;

const CANONICAL_MIN = `{
  "format": "pixel-loom.graph",
  "version": 3,
  "name": "",
  "nodes": [],
  "edges": []
}
`;

/** A valid base document as an object; tests derive bad files from it. */
function baseDoc(): Record<string, unknown> {
  return {
    format: 'pixel-loom.graph',
    version: 1,
    name: 'base',
    nodes: [
      { id: 'src', type: 'toy.source', params: {}, position: { x: 0, y: 0 } },
      { id: 'blur', type: 'toy.blur', params: { sigma: 1 }, position: { x: 1, y: 0 } },
      { id: 'score', type: 'toy.score', params: {}, position: { x: 2, y: 0 } },
    ],
    edges: [
      { from: { node: 'src', port: 'image' }, to: { node: 'blur', port: 'image' } },
      { from: { node: 'src', port: 'image' }, to: { node: 'score', port: 'a' } },
      { from: { node: 'blur', port: 'image' }, to: { node: 'score', port: 'b' } },
    ],
  };
}

function issuesOf(input: unknown): FileIssue[] {
  try {
    parseGraph(input, reg);
  } catch (e) {
    expect(e).toBeInstanceOf(GraphFileError);
    return [...(e as GraphFileError).issues];
  }
  throw new Error('expected a GraphFileError, the file loaded');
}

/** Asserts the file is refused with an issue at exactly `path` whose message contains `part`. */
function expectIssue(input: unknown, path: string, part: string): void {
  const issues = issuesOf(input);
  const at = issues.filter((i) => i.path === path);
  expect(at.map((i) => i.message).join(' | '), `issues: ${JSON.stringify(issues)}`).toContain(part);
}

function prototypeIsClean(): void {
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
  expect(typeof probe.constructor).toBe('function');
  expect(Object.getPrototypeOf(probe)).toBe(Object.prototype);
}

describe('round trips', () => {
  it('load → save of canonical documents is byte-identical', () => {
    for (const text of [CANONICAL_FULL, CANONICAL_MIN]) expect(serializeGraph(parseGraph(text, reg))).toBe(text);
  });

  it('keeps placeholders, unknown keys and extras of the full document', () => {
    const g = parseGraph(CANONICAL_FULL, reg);
    expect(g.isPlaceholder('future')).toBe(true);
    expect(Object.keys(g.getNode('future')!.params)).toEqual(['zeta', 'alpha', 'constructor']);
    expect(g.getNode('blur')!.extra).toEqual({ color: '#ff0000', collapsed: true });
    expect(g.edges[1]!.extra).toEqual({ label: 'wire' });
    expect(Object.keys(g.extras)).toEqual(['ui', 'x-vendor', 'groups', 'comments']);
    expect(g.description).toBe('all optional parts');
    prototypeIsClean();
  });

  it('round-trips a graph built by commands, and a second load → save is stable', () => {
    const g = new Graph(reg, { name: 'built' });
    g.addNode({ id: 'a', type: 'toy.source', position: { x: 3, y: 4 } });
    g.addNode({ id: 'b', type: 'toy.blur', params: { mode: 'exact' } });
    g.setParam('b', 'sigma', 0.25);
    g.connect({ node: 'a', port: 'image' }, { node: 'b', port: 'image' });
    const text = serializeGraph(g);
    // params in definition order (sigma before mode) although set in the other order
    expect(text).toContain('"params": {\n        "sigma": 0.25,\n        "mode": "exact"\n      }');
    expect(serializeGraph(parseGraph(text, reg))).toBe(text);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('canonicalizes a non-canonical document: key order, params order, defaults for position/params', () => {
    const text = JSON.stringify({
      ui: { zoom: 2 },
      edges: [{ note: 1, to: { port: 'image', node: 'b' }, from: { port: 'image', node: 'a' } }],
      nodes: [
        { type: 'toy.source', id: 'a', extra1: true },
        { position: { y: 2, x: 1 }, params: { size: 7, sigma: 3 }, type: 'toy.blur', id: 'b' },
      ],
      name: 'messy',
      version: 1,
      format: 'pixel-loom.graph',
    });
    const doc = graphToDocument(parseGraph(text, reg));
    expect(Object.keys(doc)).toEqual(['format', 'version', 'name', 'nodes', 'edges', 'ui']);
    expect(doc.nodes[0]).toEqual({ id: 'a', type: 'toy.source', params: {}, position: { x: 0, y: 0 }, extra1: true });
    expect(Object.keys(doc.nodes[0]!)).toEqual(['id', 'type', 'params', 'position', 'extra1']);
    expect(Object.keys(doc.nodes[1]!.params)).toEqual(['sigma', 'size']);
    expect(Object.keys(doc.nodes[1]!.position)).toEqual(['x', 'y']);
    expect(Object.keys(doc.edges[0]!)).toEqual(['from', 'to', 'note']);
    expect(Object.keys(doc.edges[0]!.from)).toEqual(['node', 'port']);
  });

  it('graphToDocument returns copies: mutating them does not change the graph', () => {
    const g = parseGraph(CANONICAL_FULL, reg);
    const doc = graphToDocument(g);
    (doc.nodes[2]!.params.zeta as unknown[]).push(99);
    (doc.ui as Record<string, unknown>).viewport = null;
    expect(serializeGraph(g)).toBe(CANONICAL_FULL);
  });

  it('accepts a parsed object as well as text, with a BOM on text', () => {
    expect(serializeGraph(parseGraph(JSON.parse(CANONICAL_FULL), reg))).toBe(CANONICAL_FULL);
    expect(serializeGraph(parseGraph(`\ufeff${CANONICAL_MIN}`, reg))).toBe(CANONICAL_MIN);
  });

  it('every graphs/*.graph.json file round-trips byte for byte with the real catalogue', () => {
    const dir = join(__dirname, '..', '..', 'graphs');
    const files = readdirSync(dir).filter((f) => f.endsWith('.graph.json'));
    const registry = createRegistry();
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      expect(serializeGraph(parseGraph(text, registry)), f).toBe(text);
    }
  });
});

describe('migrations', () => {
  it('the shipped migration list is a contiguous chain ending at FORMAT_VERSION', () => {
    expect(migrationChainProblems(MIGRATIONS)).toEqual([]);
    expect(FORMAT_VERSION).toBe(3);
  });

  it('1 → 2: a version-1 file loads with every node active; an old unknown "mode" key is kept as legacyMode', () => {
    const v1 = baseDoc();
    (v1.nodes as Record<string, unknown>[])[1]!.mode = 'bypass';
    (v1.nodes as Record<string, unknown>[])[2]!.mode = { any: 'data' };
    (v1.nodes as Record<string, unknown>[])[2]!.legacyMode = 1;
    const g = parseGraph(v1, reg);
    expect(g.getNode('blur')!.mode).toBeUndefined();
    expect(g.getNode('blur')!.extra).toEqual({ legacyMode: 'bypass' });
    expect(g.getNode('score')!.extra).toEqual({ legacyMode: 1, legacyMode2: { any: 'data' } });
    const doc = graphToDocument(g);
    expect(doc.version).toBe(3);
    expect(doc.nodes[1]).toEqual({ id: 'blur', type: 'toy.blur', params: { sigma: 1 }, position: { x: 1, y: 0 }, legacyMode: 'bypass' });
    // the input document is not changed
    expect((v1.nodes as Record<string, unknown>[])[1]!.mode).toBe('bypass');
  });

  it('version 2: "mode" round trips after position; a bad mode is refused by path', () => {
    const v2: Record<string, unknown> = { ...baseDoc(), version: 2 };
    (v2.nodes as Record<string, unknown>[])[1]!.mode = 'bypass';
    (v2.nodes as Record<string, unknown>[])[2]!.mode = 'mute';
    const g = parseGraph(v2, reg);
    expect(g.getNode('blur')!.mode).toBe('bypass');
    expect(g.getNode('score')!.mode).toBe('mute');
    expect(g.getNode('src')!.mode).toBeUndefined();
    const doc = graphToDocument(g);
    expect(Object.keys(doc.nodes[1]!)).toEqual(['id', 'type', 'params', 'position', 'mode']);
    expect(Object.keys(doc.nodes[0]!)).toEqual(['id', 'type', 'params', 'position']);
    expect(serializeGraph(parseGraph(serializeGraph(g), reg))).toBe(serializeGraph(g));
    (v2.nodes as Record<string, unknown>[])[0]!.mode = 'off';
    expectIssue(v2, 'nodes[0].mode', 'expected "bypass" or "mute" (or no "mode" for an active node), got "off"');
  });

  it('a version-1 file nested absurdly deep is refused by path while migrating, not a stack overflow', () => {
    const text = CANONICAL_MIN.replace('"version": 3', '"version": 1').replace('"edges": []', `"edges": [],\n  "deep": ${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    const issues = issuesOf(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe(`deep${'[0]'.repeat(64)}`);
    expect(issues[0]!.message).toBe('data nested deeper than 64 levels');
  });

  it('detects a broken chain', () => {
    const m = (from: number, to: number): Migration => ({ from, to, description: '', migrate: (d) => d });
    expect(migrationChainProblems([m(1, 2), m(3, 4)], 4)).toEqual(['migration 1 starts at 3 but migration 0 ends at 2']);
    expect(migrationChainProblems([m(1, 3)], 3)).toEqual(['migration 0 (1 → 3) must go from an integer version to the next one']);
    expect(migrationChainProblems([m(1, 2)], 3)).toEqual(['the last migration ends at 2, not at the current version 3']);
  });

  it('runs a synthetic chain in order and sets the version; the input is not mutated', () => {
    const calls: string[] = [];
    const chain: Migration[] = [
      {
        from: 1,
        to: 2,
        description: 'rename param std to sigma',
        migrate: (d) => {
          calls.push('1→2');
          for (const n of d.nodes as { params: Record<string, unknown> }[]) {
            if ('std' in n.params) {
              n.params.sigma = n.params.std;
              delete n.params.std;
            }
          }
          return d;
        },
      },
      {
        from: 2,
        to: 3,
        description: 'title → name',
        migrate: (d) => {
          calls.push('2→3');
          const { title, ...rest } = d;
          return { ...rest, name: title };
        },
      },
    ];
    expect(migrationChainProblems(chain, 3)).toEqual([]);
    const input = { format: 'pixel-loom.graph', version: 1, title: 'old', nodes: [{ id: 'a', params: { std: 2 } }], edges: [] };
    const out = migrateDocument(input, chain, 3);
    expect(calls).toEqual(['1→2', '2→3']);
    expect(out).toEqual({ format: 'pixel-loom.graph', version: 3, nodes: [{ id: 'a', params: { sigma: 2 } }], edges: [], name: 'old' });
    expect(input.nodes[0]!.params).toEqual({ std: 2 });
    expect(input.version).toBe(1);
    // starting mid-chain runs only the rest; a current document is returned as is
    calls.length = 0;
    migrateDocument({ version: 2, title: 't' }, chain, 3);
    expect(calls).toEqual(['2→3']);
    const current = { version: 3 };
    expect(migrateDocument(current, chain, 3)).toBe(current);
  });

  it('migrates a synthetic legacy version 0 up to the current version, then it loads', () => {
    const legacy: Migration[] = [
      {
        from: 0,
        to: 1,
        description: 'v0 stored nodes as an object keyed by id',
        migrate: (d) => ({ ...d, nodes: Object.entries(d.nodes as Record<string, object>).map(([id, n]) => ({ id, ...n })) }),
      },
    ];
    const v0 = { format: 'pixel-loom.graph', version: 0, name: 'old', nodes: { s: { type: 'toy.source' } }, edges: [] };
    const migrated = migrateDocument(v0, legacy, 1);
    expect(migrated.version).toBe(1);
    const g = parseGraph(migrated, reg);
    expect(g.nodeIds()).toEqual(['s']);
    expect(g.getNode('s')!.type).toBe('toy.source');
  });

  it('refuses a newer version with a message that says to update', () => {
    expect(() => migrateDocument({ version: 4 })).toThrow('this file is format version 4; this pixel-loom reads up to version 3 — update pixel-loom');
    expectIssue({ ...baseDoc(), version: 4 }, 'version', 'this file is format version 4; this pixel-loom reads up to version 3 — update pixel-loom');
  });

  it('refuses a version no migration reaches, and a missing or non-integer version', () => {
    expectIssue({ ...baseDoc(), version: 0 }, 'version', 'format version 0 is not supported; the oldest version this pixel-loom reads is 1');
    const { version: _v, ...noVersion } = baseDoc();
    expectIssue(noVersion, 'version', 'missing');
    expectIssue({ ...baseDoc(), version: '1' }, 'version', 'expected a non-negative integer format version, got "1"');
    expectIssue({ ...baseDoc(), version: 1.5 }, 'version', 'got 1.5');
  });

  it('reports a migration that throws as a file problem', () => {
    const bad: Migration[] = [{ from: 0, to: 1, description: 'boom', migrate: () => { throw new Error('cannot read'); } }];
    expect(() => migrateDocument({ version: 0 }, bad)).toThrow('migration from version 0 to 1 (boom) failed: cannot read');
  });
});

describe('bad files', () => {
  it('malformed JSON names line and column', () => {
    const text = '{\n  "format": "pixel-loom.graph",\n  "version": 1,\n  nodes: []\n}';
    const issues = issuesOf(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('');
    expect(issues[0]!.message).toBe('malformed JSON at line 4, column 3: Expected double-quoted property name');
    expect(issuesOf('{"format": ')[0]!.message).toBe('malformed JSON at line 1, column 12: Unexpected end of JSON input');
    expect(issuesOf('xyz')[0]!.message).toContain("malformed JSON: Unexpected token 'x'");
    expect(() => parseGraph('', reg)).toThrow(GraphFileError);
  });

  it('a non-object document', () => {
    expectIssue('[]', '', 'expected a JSON object with "format": "pixel-loom.graph", got an array');
    expectIssue('null', '', 'got null');
  });

  it('wrong or missing format', () => {
    expectIssue({ ...baseDoc(), format: 'comfyui.workflow' }, 'format', 'expected "pixel-loom.graph", got "comfyui.workflow"');
    const { format: _f, ...noFormat } = baseDoc();
    expectIssue(noFormat, 'format', 'missing; expected "pixel-loom.graph"');
  });

  it('missing or non-array nodes and edges', () => {
    const { nodes: _n, ...noNodes } = baseDoc();
    expectIssue({ ...noNodes, edges: [] }, 'nodes', 'missing; expected an array of nodes');
    expectIssue({ ...baseDoc(), nodes: {} }, 'nodes', 'expected an array of nodes, got an object');
    const { edges: _e, ...noEdges } = baseDoc();
    expectIssue(noEdges, 'edges', 'missing; expected an array of edges');
    expectIssue({ ...baseDoc(), edges: 'none' }, 'edges', 'expected an array of edges, got "none"');
    expectIssue({ ...baseDoc(), nodes: [42], edges: [] }, 'nodes[0]', 'expected a node object, got 42');
    expectIssue({ ...baseDoc(), edges: [null] }, 'edges[0]', 'expected an edge object');
  });

  it('wrong top-level field types', () => {
    expectIssue({ ...baseDoc(), name: 5 }, 'name', 'expected a string, got 5');
    expectIssue({ ...baseDoc(), description: null }, 'description', 'expected a string, got null');
    expectIssue({ ...baseDoc(), groups: {} }, 'groups', 'expected an array, got an object');
    expectIssue({ ...baseDoc(), ui: [] }, 'ui', 'expected an object, got an array');
  });

  it('duplicate node ids', () => {
    const d = baseDoc();
    (d.nodes as object[]).push({ id: 'blur', type: 'toy.mask' });
    expectIssue(d, 'nodes[3].id', 'duplicate node id "blur" (first used by nodes[1])');
  });

  it('missing, empty, reserved and control-character node ids', () => {
    const with4th = (node: object) => {
      const d = baseDoc();
      (d.nodes as object[]).push(node);
      return d;
    };
    expectIssue(with4th({ type: 'toy.mask' }), 'nodes[3].id', 'missing; expected a node id string');
    expectIssue(with4th({ id: '', type: 'toy.mask' }), 'nodes[3].id', 'a node id must not be empty');
    expectIssue(with4th({ id: 7, type: 'toy.mask' }), 'nodes[3].id', 'expected a node id string, got 7');
    expectIssue(with4th({ id: 'a\tb', type: 'toy.mask' }), 'nodes[3].id', 'contains a control character');
    expectIssue(with4th({ id: 'constructor', type: 'toy.mask' }), 'nodes[3].id', '"constructor" is reserved and cannot be a node id');
    expectIssue(with4th({ id: 'x', type: 3 }), 'nodes[3].type', 'expected a non-empty node type string, got 3');
  });

  it('unknown ports, on either side', () => {
    const d = baseDoc();
    (d.edges as { to: { port: string } }[])[0]!.to.port = 'imag';
    expectIssue(d, 'edges[0].to.port', 'node "blur" (toy.blur) has no input port "imag"; its inputs: image');
    const d2 = baseDoc();
    (d2.edges as { from: { port: string } }[])[2]!.from.port = 'out';
    expectIssue(d2, 'edges[2].from.port', 'node "blur" (toy.blur) has no output port "out"; its outputs: image');
  });

  it('an edge to a missing node', () => {
    const d = baseDoc();
    (d.edges as { to: { node: string } }[])[1]!.to.node = 'blurr';
    expectIssue(d, 'edges[1].to.node', 'no node "blurr"');
  });

  it('malformed edges', () => {
    const d = baseDoc();
    (d.edges as object[]).push({ from: { node: 'src' }, to: { node: 'score', port: 'a', extra: 1 } });
    const issues = issuesOf(d);
    expect(issues).toEqual([
      { path: 'edges[3].from.port', message: 'missing; expected a port name string' },
      { path: 'edges[3].to.extra', message: 'unexpected key; a port reference has only "node" and "port"' },
    ]);
    expectIssue({ ...baseDoc(), edges: [{ to: { node: 'blur', port: 'image' } }] }, 'edges[0].from', 'missing; expected { "node": id, "port": name }');
  });

  it('a cycle, naming its path', () => {
    const d = baseDoc();
    (d.nodes as object[]).push({ id: 'b2', type: 'toy.blur' });
    (d.edges as object[]).splice(0, 1, { from: { node: 'b2', port: 'image' }, to: { node: 'blur', port: 'image' } });
    (d.edges as object[]).push({ from: { node: 'blur', port: 'image' }, to: { node: 'b2', port: 'image' } });
    expectIssue(d, 'edges[3]', 'connecting blur.image → b2.image would close the cycle blur → b2 → blur');
  });

  it('two edges into one input', () => {
    const d = baseDoc();
    (d.edges as object[]).push({ from: { node: 'src', port: 'image' }, to: { node: 'score', port: 'b' } });
    expectIssue(d, 'edges[3].to', 'input score.b already has an edge from blur.image; an input takes one edge');
  });

  it('a port type mismatch', () => {
    const d = baseDoc();
    (d.nodes as object[]).push({ id: 'b2', type: 'toy.blur' });
    (d.edges as object[]).push({ from: { node: 'score', port: 'ssim' }, to: { node: 'b2', port: 'image' } });
    expectIssue(d, 'edges[3]', 'cannot connect number output score.ssim to image input b2.image');
  });

  it('params: wrong type, out of range, unknown name, cross-param check, not an object', () => {
    const withBlurParams = (params: unknown) => {
      const d = baseDoc();
      (d.nodes as { params: unknown }[])[1]!.params = params;
      return d;
    };
    expectIssue(withBlurParams({ sigma: '1' }), 'nodes[1].params.sigma', 'expected a number, got "1" (string)');
    expectIssue(withBlurParams({ sigma: -1 }), 'nodes[1].params.sigma', '-1 is below the minimum 0');
    expectIssue(withBlurParams({ size: 2 }), 'nodes[1].params.size', '2 must be odd');
    expectIssue(withBlurParams({ mode: 'slow' }), 'nodes[1].params.mode', '"slow" is not one of fast, exact');
    expectIssue(withBlurParams({ sigmaa: 1 }), 'nodes[1].params.sigmaa', 'unknown parameter "sigmaa" of toy.blur');
    expectIssue(withBlurParams([1]), 'nodes[1].params', 'expected an object of params, got an array');
    expectIssue({ ...baseDoc(), nodes: [{ id: 'r', type: 'toy.range', params: { low: 3, high: 2 } }], edges: [] }, 'nodes[0].params', 'low (3) must be below high (2)');
    expectIssue({ ...baseDoc(), nodes: [{ id: 'k', type: 'toy.kernel', params: { kernel: [[1, 2]] } }], edges: [] }, 'nodes[0].params.kernel', 'must be odd');
  });

  it('NaN and Infinity in an object document (JSON cannot carry them)', () => {
    const withBlurParams = (params: unknown) => {
      const d = baseDoc();
      (d.nodes as { params: unknown }[])[1]!.params = params;
      return d;
    };
    expectIssue(withBlurParams({ sigma: NaN }), 'nodes[1].params.sigma', 'NaN is not a finite number');
    expectIssue(withBlurParams({ sigma: Infinity }), 'nodes[1].params.sigma', 'Infinity is not a finite number');
    expectIssue({ ...baseDoc(), ui: { zoom: -Infinity } }, 'ui.zoom', '-Infinity cannot be stored in a graph file');
    const d = baseDoc();
    (d.nodes as { position: unknown }[])[0]!.position = { x: NaN, y: 0 };
    expectIssue(d, 'nodes[0].position.x', 'expected a finite number, got NaN');
    expectIssue({ ...baseDoc(), nodes: [{ id: 'p', type: 'vendor.x', params: { a: [1, NaN] } }], edges: [] }, 'nodes[0].params.a[1]', 'NaN cannot be stored');
  });

  it('free-form data nested absurdly deep is refused, not a stack overflow', () => {
    const text = CANONICAL_MIN.replace('"edges": []', `"edges": [],\n  "deep": ${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    const issues = issuesOf(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe(`deep${'[0]'.repeat(65)}`);
    expect(issues[0]!.message).toBe('data nested deeper than 64 levels');
  });

  it('collects every problem, not just the first', () => {
    const d = baseDoc();
    (d.nodes as { params: unknown }[])[1]!.params = { sigma: -1 };
    (d.nodes as object[]).push({ id: 'src', type: 'toy.mask' });
    (d.edges as object[]).push({ from: { node: 'src', port: 'image' }, to: { node: 'nowhere', port: 'image' } });
    const issues = validateGraphDocument(d, reg);
    expect(issues).toEqual([
      { path: 'nodes[1].params.sigma', message: '-1 is below the minimum 0' },
      { path: 'nodes[3].id', message: 'duplicate node id "src" (first used by nodes[0])' },
      { path: 'edges[3].to.node', message: 'no node "nowhere"' },
    ]);
    let err: unknown;
    try {
      parseGraph(d, reg);
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).toBe('nodes[1].params.sigma: -1 is below the minimum 0 (and 2 more problems)');
    expect(validateGraphDocument(CANONICAL_FULL, reg)).toEqual([]);
    expect(validateGraphDocument('{', reg)[0]!.message).toContain('malformed JSON');
  });

  it('edges touching a node that is itself broken are not reported twice', () => {
    const d = baseDoc();
    (d.nodes as { type: unknown }[])[1]!.type = '';
    expect(issuesOf(d)).toEqual([{ path: 'nodes[1].type', message: 'expected a non-empty node type string, got ""' }]);
  });

  it('an unknown node type is not an error: it loads as a placeholder with its edges', () => {
    const d = baseDoc();
    (d.nodes as { type: string; params: unknown }[])[1]!.type = 'vendor.blur';
    (d.nodes as { type: string; params: unknown }[])[1]!.params = { anything: { goes: [1, 2] } };
    const g = parseGraph(d, reg);
    expect(g.isPlaceholder('blur')).toBe(true);
    expect(g.edges).toHaveLength(3);
    expect(graphToDocument(g).nodes[1]!.params).toEqual({ anything: { goes: [1, 2] } });
  });
});

describe('__proto__ and constructor keys', () => {
  const base = JSON.stringify(baseDoc());
  /** Inserts raw JSON text right after the opening brace of the document. */
  const withTop = (raw: string) => `{${raw},${base.slice(1)}`;

  it('refuses __proto__ as a node id', () => {
    const text = base.replace('"id":"score"', '"id":"__proto__"').replace(/"node":"score"/g, '"node":"__proto__"');
    expect(issuesOf(text)).toEqual([{ path: 'nodes[2].id', message: '"__proto__" is reserved and cannot be a node id' }]);
    prototypeIsClean();
  });

  it('refuses a __proto__ key at top level, in a node, in params, in an edge and nested in extras', () => {
    expectIssue(withTop('"__proto__":{"polluted":true}'), '__proto__', 'the key "__proto__" is not allowed');
    expectIssue(base.replace('"id":"blur",', '"id":"blur","__proto__":{"polluted":true},'), 'nodes[1].__proto__', 'is not allowed');
    expectIssue(base.replace('"params":{"sigma":1}', '"params":{"sigma":1,"__proto__":{"polluted":true}}'), 'nodes[1].params.__proto__', 'is not allowed');
    expectIssue(
      base.replace('"id":"blur","type":"toy.blur","params":{"sigma":1}', '"id":"blur","type":"vendor.blur","params":{"__proto__":{"polluted":true}}'),
      'nodes[1].params.__proto__',
      'is not allowed',
    );
    expectIssue(base.replace('"edges":[{', '"edges":[{"__proto__":{"polluted":true},'), 'edges[0].__proto__', 'is not allowed');
    expectIssue(withTop('"ui":{"deep":[{"__proto__":{"polluted":true}}]}'), 'ui.deep[0].__proto__', 'is not allowed');
    expectIssue(base.replace('"params":{"sigma":1}', '"params":{"sigma":1},"meta":{"__proto__":{"polluted":true}}'), 'nodes[1].meta.__proto__', 'is not allowed');
    prototypeIsClean();
  });

  it('refuses constructor as a known param, keeps it as plain data elsewhere, and round-trips it', () => {
    expectIssue(base.replace('"params":{"sigma":1}', '"params":{"constructor":1}'), 'nodes[1].params.constructor', 'unknown parameter "constructor" of toy.blur');
    const text = withTop('"constructor":{"prototype":{"polluted":true}}').replace('"id":"blur",', '"id":"blur","prototype":{"constructor":1},');
    const g = parseGraph(text, reg);
    expect(g.extras.constructor).toEqual({ prototype: { polluted: true } });
    expect(g.getNode('blur')!.extra.prototype).toEqual({ constructor: 1 });
    const out = serializeGraph(g);
    expect(JSON.parse(out)).toMatchObject({ constructor: { prototype: { polluted: true } } });
    expect(serializeGraph(parseGraph(out, reg))).toBe(out);
    prototypeIsClean();
  });

  it('the document format id is the agreed one', () => {
    expect(FORMAT_ID).toBe('pixel-loom.graph');
  });
});
