import { describe, expect, it } from 'vitest';
import type { FromWorker, ToWorker } from '../../src/engine/protocol';
import { EngineClient, type WorkerPort } from '../../src/editor/engineClient';

/** A fake worker: records what the client posts and lets the test answer. */
function fakePort() {
  const sent: { m: ToWorker; transfer: Transferable[] }[] = [];
  let onMessage: ((e: MessageEvent<FromWorker>) => void) | null = null;
  const port: WorkerPort = {
    postMessage: (m, transfer = []) => void sent.push({ m, transfer }),
    addEventListener: ((type: string, l: (e: MessageEvent<FromWorker>) => void) => {
      if (type === 'message') onMessage = l;
    }) as WorkerPort['addEventListener'],
  };
  return { port, sent, reply: (m: FromWorker) => onMessage!({ data: m } as MessageEvent<FromWorker>) };
}

const backend = { name: 'wasm' as const, reason: 'test', preference: 'auto' as const, available: ['wasm' as const, 'cpu' as const] };

describe('EngineClient', () => {
  it('starts the worker with the backend preference and resolves ready with the catalogue', async () => {
    const { port, sent, reply } = fakePort();
    const c = new EngineClient({ backend: 'cpu', port });
    expect(sent[0]!.m).toEqual({ type: 'init', backend: 'cpu', wasmPath: '' });
    reply({ type: 'ready', catalog: [], backend });
    await expect(c.ready()).resolves.toEqual({ catalog: [], backend });
    expect(c.backend).toEqual(backend);
  });

  it('rejects ready when the worker reports a fatal error first', async () => {
    const { port, reply } = fakePort();
    const c = new EngineClient({ port });
    reply({ type: 'fatal', message: 'no tfjs backend could start' });
    await expect(c.ready()).rejects.toThrow('no tfjs backend could start');
  });

  it('numbers runs and passes targets and options', () => {
    const { port, sent } = fakePort();
    const c = new EngineClient({ port });
    const doc = { format: 'pixel-loom.graph' as const, version: 1, name: 'g', nodes: [], edges: [] };
    const r1 = c.evaluate(doc, [{ node: 'a' }, { node: 'b', port: 'map' }], { baseUrl: 'http://h/g/', resend: true });
    const r2 = c.evaluate(doc, [{ node: 'a' }]);
    expect([r1, r2]).toEqual([1, 2]);
    expect(sent[1]!.m).toEqual({ type: 'evaluate', runId: 1, graph: doc, targets: [{ node: 'a' }, { node: 'b', port: 'map' }], thumbSize: 192, baseUrl: 'http://h/g/', resend: true });
    expect(sent[2]!.m).toEqual({ type: 'evaluate', runId: 2, graph: doc, targets: [{ node: 'a' }], thumbSize: 192 });
    c.cancel();
    expect(sent[3]!.m).toEqual({ type: 'cancel', runId: 2 });
  });

  it('matches getOutput and putAsset answers to their requests', async () => {
    const { port, sent, reply } = fakePort();
    const c = new EngineClient({ port });
    const out = c.getOutput('n', 'image');
    const bad = c.getOutput('m', 'image');
    const asset = c.putAsset(new Uint8Array([1, 2, 3]), 'x.png');
    const [o1, o2, a1] = sent.slice(1).map((s) => s.m) as [Extract<ToWorker, { type: 'getOutput' }>, Extract<ToWorker, { type: 'getOutput' }>, Extract<ToWorker, { type: 'putAsset' }>];
    // the asset bytes are a transferred copy
    expect(new Uint8Array(a1.bytes)).toEqual(new Uint8Array([1, 2, 3]));
    expect(sent[3]!.transfer).toEqual([a1.bytes]);
    reply({ type: 'asset', requestId: a1.requestId, id: 'asset:abc' });
    reply({ type: 'output', requestId: o2.requestId, node: 'm', port: 'image', error: 'output m.image has not been evaluated yet' });
    const data = new Float32Array([0.5, 0.25]);
    reply({ type: 'output', requestId: o1.requestId, node: 'n', port: 'image', width: 2, height: 1, channels: 1, data });
    await expect(out).resolves.toEqual({ width: 2, height: 1, channels: 1, data });
    await expect(bad).rejects.toThrow('has not been evaluated yet');
    await expect(asset).resolves.toBe('asset:abc');
  });

  it('forwards every message to listeners until they unsubscribe', () => {
    const { port, reply } = fakePort();
    const c = new EngineClient({ port });
    const got: string[] = [];
    const off = c.on((m) => got.push(m.type));
    reply({ type: 'progress', runId: 1, done: 1, total: 2 });
    off();
    reply({ type: 'progress', runId: 1, done: 2, total: 2 });
    expect(got).toEqual(['progress']);
  });

  it('a graph the worker message cannot carry ends its run with the reason, not silence', async () => {
    const { port } = fakePort();
    const failing: WorkerPort = {
      ...port,
      postMessage: (m, t) => {
        if (m.type === 'evaluate') throw new DOMException('() => 0 could not be cloned.', 'DataCloneError');
        port.postMessage(m, t);
      },
    };
    const c = new EngineClient({ port: failing, firstRunId: 40 });
    const got: FromWorker[] = [];
    c.on((m) => got.push(m));
    const doc = { format: 'pixel-loom.graph' as const, version: 1, name: 'g', nodes: [], edges: [], bad: () => 0 };
    expect(c.evaluate(doc, [{ node: 'a' }])).toBe(40);
    await Promise.resolve();
    expect(got).toEqual([{ type: 'done', runId: 40, cancelled: false, ms: 0, error: 'the graph could not be sent to the evaluation worker: () => 0 could not be cloned.' }]);
  });

  it('getOutput sends the evaluation key and pixel budget, and returns the subsampling', async () => {
    const { port, sent, reply } = fakePort();
    const c = new EngineClient({ port });
    const p = c.getOutput('n', 'image', { key: 'k1', maxPixels: 4 });
    const req = sent.at(-1)!.m as Extract<ToWorker, { type: 'getOutput' }>;
    expect(req).toMatchObject({ type: 'getOutput', node: 'n', port: 'image', key: 'k1', maxPixels: 4 });
    const data = new Float32Array(4);
    reply({ type: 'output', requestId: req.requestId, node: 'n', port: 'image', width: 2, height: 2, channels: 1, fullWidth: 4, fullHeight: 3, stride: 2, data });
    await expect(p).resolves.toEqual({ width: 2, height: 2, channels: 1, data, fullWidth: 4, fullHeight: 3, stride: 2 });
  });
});
