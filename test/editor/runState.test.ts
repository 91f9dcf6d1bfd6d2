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
      { type: 'status', runId: 1, node: 'a', status: 'queued' },
      { type: 'status', runId: 1, node: 'a', status: 'running' },
      { type: 'progress', runId: 1, done: 0, total: 2 },
      { type: 'status', runId: 1, node: 'a', status: 'ok', ms: 12 },
      { type: 'status', runId: 1, node: 'b', status: 'error', error: 'node "b" (x): boom' },
      { type: 'value', runId: 1, node: 'c', port: 'ssim', value: 0.5 },
      { type: 'value', runId: 1, node: 'd', port: 'psnr', value: 'Infinity' },
      { type: 'preview', runId: 1, node: 'a', port: 'image', width: 256, height: 128, channels: 1, thumbnail: bitmap(64), stats: { min: 0, max: 1, mean: 0.5 } },
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
    run.push({ type: 'status', runId: 1, node: 'x', status: 'error', error: 'e' });
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
});
