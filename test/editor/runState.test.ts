import { describe, expect, it } from 'vitest';
import type { FromWorker } from '../../src/engine/protocol';
import { RunState } from '../../src/editor/state/runState';

/** A RunState whose frame callback the test runs by hand. */
function manual(): { run: RunState; frames: (() => void)[] } {
  const frames: (() => void)[] = [];
  return { run: new RunState((f) => frames.push(f)), frames };
}

const bitmap = (w: number) => ({ width: w, height: w, close() {} }) as unknown as ImageBitmap;

describe('run state', () => {
  it('applies a burst of worker messages in one frame', () => {
    const { run, frames } = manual();
    run.started(1);
    const msgs: FromWorker[] = [
      { type: 'status', runId: 1, node: 'a', key: 'ka', status: 'queued' },
      { type: 'status', runId: 1, node: 'a', key: 'ka', status: 'running' },
      { type: 'progress', runId: 1, done: 0, total: 2 },
      { type: 'status', runId: 1, node: 'a', key: 'ka', status: 'ok', ms: 12 },
      { type: 'status', runId: 1, node: 'b', key: 'kb', status: 'error', error: 'node "b" (x): boom' },
      { type: 'value', runId: 1, node: 'c', key: 'kc', port: 'ssim', value: 0.5 },
      { type: 'value', runId: 1, node: 'd', key: 'kd', port: 'psnr', value: 'Infinity' },
      { type: 'preview', runId: 1, node: 'a', key: 'ka', port: 'image', width: 256, height: 128, channels: 1, thumbnail: bitmap(64), stats: { min: 0, max: 1, mean: 0.5 } },
    ];
    for (const m of msgs) run.push(m);
    expect(frames).toHaveLength(1);
    expect(run.node('a').status).toBe('idle');
    frames[0]!();
    expect(run.node('a').status).toBe('ok');
    expect(run.node('a').ms).toBe(12);
    expect(run.node('b').error).toBe('node "b" (x): boom');
    expect(run.node('a').previews.image!.width).toBe(256);
    expect(run.node('a').previews.image!.revision).toBe(1);
    expect(run.valuesByNode()).toEqual({ c: { ssim: 0.5 }, d: { psnr: 'Infinity' } });
    expect(run.errors()).toEqual([{ node: 'b', message: 'node "b" (x): boom' }]);
    expect(run.global.running).toBe(true);
    expect(run.idle).toBe(false);
  });

  it('is idle once the latest run is done and applied; resolves waiters', async () => {
    const { run, frames } = manual();
    run.started(1);
    run.started(2);
    let resolved = false;
    const p = run.whenIdle().then(() => (resolved = true));
    run.push({ type: 'done', runId: 1, cancelled: true, ms: 3 });
    frames.shift()!();
    await Promise.resolve();
    expect(resolved).toBe(false);
    expect(run.global.running).toBe(true);
    run.push({ type: 'done', runId: 2, cancelled: false, ms: 40 });
    expect(run.idle).toBe(false); // queued, not applied yet
    frames.shift()!();
    await p;
    expect(resolved).toBe(true);
    expect(run.global.running).toBe(false);
    expect(run.global.lastMs).toBe(40);
    expect(run.global.revision).toBe(1); // only the finished run counts
  });

  it('marks nodes that wait for input, and resets state in place on a new graph', () => {
    const { run, frames } = manual();
    const held = run.node('x');
    run.push({ type: 'status', runId: 1, node: 'x', key: 'kx', status: 'error', error: 'e' });
    frames[0]!();
    run.setWaiting(new Map([['x', 'connect input "image"']]), ['x', 'y']);
    expect(held.status).toBe('idle');
    expect(held.waiting).toBe('connect input "image"');
    expect(run.node('y').waiting).toBeNull();
    run.clear();
    expect(run.node('x')).toBe(held); // components keep their object
    expect(held.waiting).toBeNull();
    expect(run.errors()).toEqual([]);
  });

  it('clear() of a new graph steps the version once, and not at all when nothing was held', () => {
    const { run, frames } = manual();
    for (let i = 0; i < 50; i++) run.node(`n${i}`);
    const v0 = run.global.version;
    run.clear(); // states just created by 50 node components: nothing to reset
    expect(run.global.version).toBe(v0);
    run.push({ type: 'status', runId: 1, node: 'n3', key: 'k3', status: 'error', error: 'e' });
    run.push({ type: 'status', runId: 1, node: 'n7', key: 'k7', status: 'ok', ms: 2 });
    frames.shift()!();
    const v1 = run.global.version;
    run.clear();
    expect(run.global.version).toBe(v1 + 1); // one step for the two reset nodes (each step re-checks every node component)
    expect(run.node('n3').status).toBe('idle');
    expect(run.node('n7').key).toBeNull();
    run.forget('n7'); // already reset: no step
    expect(run.global.version).toBe(v1 + 1);
  });

  it('shows nothing of a deleted node under a new node with the same id (results keyed by evaluation key)', () => {
    const { run, frames } = manual();
    run.setCurrentKeys(new Map([['median1', 'old'], ['ssim1', 'oldS']]));
    run.push({ type: 'status', runId: 1, node: 'median1', key: 'old', status: 'ok', ms: 5 });
    run.push({ type: 'preview', runId: 1, node: 'median1', key: 'old', port: 'image', width: 8, height: 8, channels: 1, thumbnail: bitmap(8), stats: { min: 0, max: 1, mean: 0.5 } });
    run.push({ type: 'value', runId: 1, node: 'ssim1', key: 'oldS', port: 'ssim', value: 0.52297 });
    run.push({ type: 'done', runId: 1, cancelled: false, ms: 9 });
    frames.shift()!();
    expect(run.valuesByNode()).toEqual({ ssim1: { ssim: 0.52297 } });
    const median = run.node('median1');
    expect(Object.keys(median.previews)).toEqual(['image']);

    // select all → Delete: the nodes are gone from the graph
    run.setCurrentKeys(new Map());
    expect(median.previews).toEqual({});
    expect(median.status).toBe('idle');
    expect(run.valuesByNode()).toEqual({});

    // re-added from the palette with the same ids, unconnected (other keys): nothing to show
    run.setCurrentKeys(new Map([['median1', 'new'], ['ssim1', 'newS']]));
    expect(run.node('median1').previews).toEqual({});
    expect(run.node('ssim1').values).toEqual({});
    expect(run.errors()).toEqual([]);

    // a late message about the deleted node's version does not come back as current
    run.push({ type: 'value', runId: 1, node: 'ssim1', key: 'oldS', port: 'ssim', value: 0.52297 });
    frames.shift()!();
    expect(run.node('ssim1').stale).toBe(true);
    expect(run.valuesByNode()).toEqual({});
  });

  it('keeps an edited node\'s thumbnail only as outdated, and drops its values and errors until the new result', () => {
    const { run, frames } = manual();
    run.setCurrentKeys(new Map([['b', 'k1']]));
    run.push({ type: 'status', runId: 1, node: 'b', key: 'k1', status: 'error', error: 'boom' });
    run.push({ type: 'preview', runId: 1, node: 'b', key: 'k1', port: 'image', width: 4, height: 4, channels: 3, thumbnail: bitmap(4), stats: { min: 0, max: 1, mean: 0.5 } });
    frames.shift()!();
    expect(run.errors()).toEqual([{ node: 'b', message: 'boom' }]);
    expect(run.isCurrent('b', run.node('b').previews.image!)).toBe(true);

    run.setCurrentKeys(new Map([['b', 'k2']])); // a param edit
    expect(run.node('b').stale).toBe(true);
    expect(run.errors()).toEqual([]);
    expect(run.isCurrent('b', run.node('b').previews.image!)).toBe(false);

    run.push({ type: 'status', runId: 2, node: 'b', key: 'k2', status: 'queued' });
    frames.shift()!();
    const b = run.node('b');
    expect(b.stale).toBe(false);
    expect(b.status).toBe('queued');
    expect(b.error).toBeNull();
    expect(run.isCurrent('b', b.previews.image!)).toBe(false); // still the old picture, shown dimmed
    run.push({ type: 'preview', runId: 2, node: 'b', key: 'k2', port: 'image', width: 4, height: 4, channels: 3, thumbnail: bitmap(4), stats: { min: 0, max: 1, mean: 0.5 } });
    frames.shift()!();
    expect(run.isCurrent('b', b.previews.image!)).toBe(true);
  });

  it('reports a failure outside the worker, and a stop', () => {
    const { run, frames } = manual();
    run.started(1);
    run.failed('evaluation could not start: boom');
    expect(run.global.lastError).toBe('evaluation could not start: boom');
    expect(run.global.running).toBe(false);
    run.started(2);
    run.push({ type: 'status', runId: 2, node: 'n', key: 'k', status: 'running' });
    frames.shift()!();
    run.abandon();
    expect(run.global.running).toBe(false);
    expect(run.global.stopped).toBe(true);
    expect(run.node('n').status).toBe('idle');
    expect(run.idle).toBe(true);
  });
});
