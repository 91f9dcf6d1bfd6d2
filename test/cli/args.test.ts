/** CLI argument parsing, --set value coercion and the .npy writer, in-process (no spawns). */
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args';
import { decodeDataUrl } from '../../src/cli/host';
import { jsonNumber, parseSetValue } from '../../src/cli/execute';
import { decodeNpy, encodeNpy } from '../../src/cli/npy';

describe('parseArgs', () => {
  it('run with every option, in both --flag value and --flag=value forms', () => {
    expect(parseArgs(['run', 'g.json', '--out=o', '--backend', 'cpu', '--set', 'a.b=1', '--set=n.x.y=text', '--npy', '--max-size', '512', '--allow-read', '/data', '--allow-read=/more', '--max-file-size', '64M', '--max-memory=1.5G', '--cache', 'c'])).toEqual({
      kind: 'run',
      graph: 'g.json',
      out: 'o',
      backend: 'cpu',
      sets: [
        { raw: 'a.b=1', node: 'a', param: 'b', value: '1' },
        // node ids may contain dots: the param is after the last dot before "="
        { raw: 'n.x.y=text', node: 'n.x', param: 'y', value: 'text' },
      ],
      npy: true,
      maxSize: 512,
      allowRead: ['/data', '/more'],
      maxFileBytes: 64 * 1024 * 1024,
      maxMemory: 1.5 * 1024 ** 3,
      cache: 'c',
      threads: 1,
      fingerprints: false,
      debug: false,
    });
    expect(parseArgs(['run', 'g.json', '--out', 'o'])).toMatchObject({ cache: null });
  });

  it('run --threads: a count, auto (up to 4, the cores there are), bad values name the flag', () => {
    expect(parseArgs(['run', 'g.json', '--out', 'o', '--threads', '3'])).toMatchObject({ threads: 3 });
    const auto = parseArgs(['run', 'g.json', '--out', 'o', '--threads=auto']) as { threads: number };
    expect(auto.threads).toBe(Math.min(4, os.availableParallelism()));
    expect(() => parseArgs(['run', 'g.json', '--out', 'o', '--threads', '0'])).toThrow('--threads 0: expected auto or a whole number of threads from 1 to 64');
    expect(() => parseArgs(['run', 'g.json', '--out', 'o', '--threads', 'many'])).toThrow('--threads many');
  });

  it('sizes: plain bytes and binary units; bad sizes name the flag', () => {
    expect(parseArgs(['run', 'g.json', '--out', 'o'])).toMatchObject({ allowRead: [], maxFileBytes: 256 * 1024 * 1024, maxMemory: 1024 ** 3 });
    expect(parseArgs(['run', 'g.json', '--out', 'o', '--max-memory', '1048576'])).toMatchObject({ maxMemory: 1048576 });
    expect(parseArgs(['run', 'g.json', '--out', 'o', '--max-memory', '512MiB'])).toMatchObject({ maxMemory: 512 * 1024 * 1024 });
    expect(parseArgs(['run', 'g.json', '--out', 'o', '--max-file-size', '2k'])).toMatchObject({ maxFileBytes: 2048 });
    expect(() => parseArgs(['run', 'g.json', '--out', 'o', '--max-memory', 'lots'])).toThrow('--max-memory lots: expected a size such as 512M, 2G or a number of bytes');
    expect(() => parseArgs(['run', 'g.json', '--out', 'o', '--max-file-size', '0'])).toThrow('--max-file-size 0: expected a size');
  });

  it('defaults: backend wasm, max size 8192', () => {
    expect(parseArgs(['run', 'g.json', '--out', 'o'])).toMatchObject({ backend: 'wasm', maxSize: 8192, npy: false, sets: [] });
  });

  it('refuses bad arguments with a message naming them', () => {
    expect(() => parseArgs(['run', 'g.json'])).toThrow('run: missing --out <dir>');
    expect(() => parseArgs(['run', '--out', 'o'])).toThrow('run: missing the graph file');
    expect(() => parseArgs(['run', 'g.json', '--out', 'o', '--set', 'sigma=2'])).toThrow('--set sigma=2: expected node.param=value');
    expect(() => parseArgs(['run', 'g.json', '--out', 'o', '--max-size', '0'])).toThrow('--max-size 0: expected a positive whole number of pixels');
    expect(() => parseArgs(['run', 'g.json', '--out', 'o', '--bogus'])).toThrow('unknown option --bogus');
    expect(() => parseArgs(['run', 'g.json', '--out'])).toThrow('--out needs a value');
    expect(() => parseArgs(['frobnicate'])).toThrow('unknown command "frobnicate"');
    expect(parseArgs(['nodes', '--json'])).toEqual({ kind: 'nodes', json: true });
    expect(parseArgs(['run', '--help'])).toEqual({ kind: 'help' });
  });
});

describe('--set values and result numbers', () => {
  it('JSON when it parses; text params keep the raw text', () => {
    expect(parseSetValue({ kind: 'float', default: 0 }, '0.25')).toBe(0.25);
    expect(parseSetValue({ kind: 'bool', default: false }, 'true')).toBe(true);
    expect(parseSetValue({ kind: 'kernel', default: [[1]] }, '[[0,1,0],[1,-4,1],[0,1,0]]')).toEqual([[0, 1, 0], [1, -4, 1], [0, 1, 0]]);
    expect(parseSetValue({ kind: 'float', default: 0 }, 'abc')).toBe('abc'); // then refused by the param check
    expect(parseSetValue({ kind: 'string', default: '' }, '123')).toBe('123');
    expect(parseSetValue({ kind: 'string', default: '' }, '"quoted"')).toBe('quoted');
    expect(parseSetValue({ kind: 'enum', default: 'a', options: ['a', 'true'] }, 'true')).toBe('true');
  });

  it('non-finite numbers become strings', () => {
    expect([jsonNumber(1.5), jsonNumber(Infinity), jsonNumber(-Infinity), jsonNumber(NaN)]).toEqual([1.5, 'Infinity', '-Infinity', 'NaN']);
  });

  it('data URLs: base64 and percent-encoded', () => {
    expect(Array.from(decodeDataUrl('data:image/png;base64,iVBORw=='))).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(Array.from(decodeDataUrl('data:,a%20b'))).toEqual([0x61, 0x20, 0x62]);
    expect(() => decodeDataUrl('data:image/png;base64')).toThrow('malformed data URL');
  });
});

describe('encodeNpy', () => {
  it('writes a v1.0 header padded to 64 bytes and little-endian float32 data', () => {
    const bytes = encodeNpy(Float32Array.from([0, 0.5, 1, -2, 3.25, 1e-8]), [1, 2, 3]);
    const header = String.fromCharCode(...bytes.subarray(10, 10 + (bytes[8]! | (bytes[9]! << 8))));
    expect(header).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(1, 2, 3\), \} *\n$/);
    expect((10 + header.length) % 64).toBe(0);
    expect(bytes.length).toBe(10 + header.length + 6 * 4);
    const back = decodeNpy(bytes);
    expect(back.shape).toEqual([1, 2, 3]);
    expect(Array.from(back.data)).toEqual([0, 0.5, 1, -2, 3.25, Math.fround(1e-8)]);
    expect(decodeNpy(encodeNpy(Float32Array.from([7]), [1])).header).toContain("'shape': (1,)");
  });
});

describe('parseArgs: batch and worker', () => {
  it('batch with inputs, sweeps, sets and the pool/queue options', () => {
    expect(
      parseArgs(['batch', 'g.json', '--out', 'o', '--input', 'load=imgs/', '--input=mask=masks/*.png', '--sweep', 'noisy.sigma=0.02:0.12:0.02', '--sweep', 'blur.sigma=1,2', '--set', 'a.b=1', '--jobs', '3', '--queue', 'redis://127.0.0.1:6379/2', '--fail-fast']),
    ).toMatchObject({
      kind: 'batch',
      graph: 'g.json',
      out: 'o',
      inputs: [
        { raw: 'load=imgs/', node: 'load', pattern: 'imgs/' },
        { raw: 'mask=masks/*.png', node: 'mask', pattern: 'masks/*.png' },
      ],
      sweeps: [
        { node: 'noisy', param: 'sigma', spec: '0.02:0.12:0.02' },
        { node: 'blur', param: 'sigma', spec: '1,2' },
      ],
      sets: [{ node: 'a', param: 'b', value: '1' }],
      jobs: 3,
      queue: 'redis://127.0.0.1:6379/2',
      failFast: true,
      backend: 'wasm',
    });
    expect(parseArgs(['batch', 'g.json', '--out', 'o'])).toMatchObject({ jobs: null, queue: null, failFast: false, inputs: [], sweeps: [] });
  });

  it('worker: the queue is required; backend only when given', () => {
    expect(parseArgs(['worker', '--queue', 'redis://h:1', '--jobs', '2'])).toEqual({ kind: 'worker', queue: 'redis://h:1', jobs: 2, backend: null, debug: false });
    expect(parseArgs(['worker', '--queue', 'redis://h:1', '--backend', 'cpu'])).toMatchObject({ backend: 'cpu', jobs: null });
    expect(() => parseArgs(['worker'])).toThrow('worker: missing --queue redis://host:port[/db]');
  });

  it('refuses bad batch arguments naming them', () => {
    expect(() => parseArgs(['batch', 'g.json'])).toThrow('batch: missing --out <dir>');
    expect(() => parseArgs(['batch', 'g.json', '--out', 'o', '--input', 'imgs/'])).toThrow('--input imgs/: expected <node>=<dir|glob>');
    expect(() => parseArgs(['batch', 'g.json', '--out', 'o', '--sweep', 'sigma=1,2'])).toThrow('--sweep sigma=1,2: expected node.param=v1,v2,… or node.param=start:stop:step');
    expect(() => parseArgs(['batch', 'g.json', '--out', 'o', '--jobs', 'many'])).toThrow('--jobs many: expected a whole number of worker threads from 1 to 256');
    expect(() => parseArgs(['batch', 'g.json', '--out', 'o', '--queue', 'http://h'])).toThrow('--queue http://h: expected a redis:// or rediss:// URL');
    expect(() => parseArgs(['batch', 'g.json', 'h.json', '--out', 'o'])).toThrow('unexpected argument "h.json" (one graph file per batch)');
    expect(parseArgs(['nodes', 'x.graph.json'])).toEqual({ kind: 'nodes', json: false, graph: 'x.graph.json' });
    expect(() => parseArgs(['nodes', 'x', 'y'])).toThrow('nodes: unexpected argument "y" (one graph file at most)');
  });
});

