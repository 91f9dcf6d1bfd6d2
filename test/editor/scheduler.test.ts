import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GraphDocument } from '../../src/engine/format';
import { RunState } from '../../src/editor/state/runState';
import { EDIT_DEBOUNCE_MS, EDIT_MAX_WAIT_MS, EvalScheduler } from '../../src/editor/state/scheduler';
import { createRegistry } from '../../src/nodes/index';

const catalog = new Map(createRegistry().catalog().map((e) => [e.type, e]));
const doc: GraphDocument = {
  format: 'pixel-loom.graph',
  version: 1,
  name: 'g',
  nodes: [
    { id: 'load', type: 'image.load', params: {}, position: { x: 0, y: 0 } },
    { id: 'blur', type: 'filter.gaussianBlur', params: {}, position: { x: 0, y: 0 } },
    { id: 'median', type: 'filter.median', params: {}, position: { x: 0, y: 0 } },
  ],
  edges: [{ from: { node: 'load', port: 'image' }, to: { node: 'blur', port: 'image' } }],
};

describe('evaluation scheduler', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup() {
    const calls: { targets: string[]; resend: boolean }[] = [];
    let run = 0;
    const client = {
      evaluate: (_d: GraphDocument, targets: readonly { node: string }[], opts?: { resend?: boolean }) => {
        calls.push({ targets: targets.map((t) => t.node), resend: !!opts?.resend });
        return ++run;
      },
    };
    const state = new RunState((f) => setTimeout(f, 0));
    let revision = 1;
    let wanted = ['load', 'blur', 'median'];
    const s = new EvalScheduler(client as never, state, () => catalog, {
      document: () => doc,
      revision: () => revision,
      wanted: () => wanted,
      baseUrl: () => 'http://x/',
    });
    return { s, calls, state, bump: () => revision++, setWanted: (w: string[]) => (wanted = w) };
  }

  it('debounces edits and asks only for runnable wanted nodes', () => {
    const { s, calls, state } = setup();
    s.edited();
    s.edited();
    vi.advanceTimersByTime(EDIT_DEBOUNCE_MS - 1);
    expect(calls).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual([{ targets: ['load', 'blur'], resend: false }]);
    expect(state.node('median').waiting).toBe('connect input "image"');
  });

  it('edits that keep coming (a slider drag) evaluate every 250 ms, and once more after the last', () => {
    const { s, calls, bump } = setup();
    const seen: number[] = [];
    const client = (s as unknown as { client: { evaluate: (...a: unknown[]) => number } }).client;
    const evaluate = client.evaluate;
    let revision = 0;
    client.evaluate = (...a: unknown[]) => {
      seen.push(revision);
      return evaluate(...a);
    };
    // 1 s of slider input every 16 ms: each edit is a new value (revision)
    for (let t = 0; t < 1000; t += 16) {
      revision++;
      bump();
      s.edited();
      vi.advanceTimersByTime(16);
    }
    const during = calls.length;
    // live: about one run per 250 ms during the drag, not none
    expect(during).toBeGreaterThanOrEqual(Math.floor(1000 / EDIT_MAX_WAIT_MS) - 1);
    expect(during).toBeLessThanOrEqual(Math.ceil(1000 / EDIT_MAX_WAIT_MS) + 1);
    vi.advanceTimersByTime(EDIT_DEBOUNCE_MS);
    // the run after the drag sees the last value
    expect(calls.length).toBe(during + 1);
    expect(seen[seen.length - 1]).toBe(revision);
  });

  it('re-evaluates on a view change only when something new came into view', () => {
    const { s, calls, setWanted, bump } = setup();
    setWanted(['load']);
    s.runNow();
    expect(calls).toHaveLength(1);
    s.viewChanged();
    vi.advanceTimersByTime(500);
    expect(calls).toHaveLength(1); // nothing new
    setWanted(['load', 'median']);
    s.viewChanged();
    vi.advanceTimersByTime(500);
    expect(calls).toHaveLength(1); // median cannot run: still nothing to do
    setWanted(['load', 'blur']);
    s.viewChanged();
    vi.advanceTimersByTime(500);
    expect(calls.map((c) => c.targets)).toEqual([['load'], ['load', 'blur']]);
    bump();
    s.viewChanged();
    vi.advanceTimersByTime(500);
    expect(calls).toHaveLength(3); // the graph changed since
  });

  it('asks the worker to resend previews after invalidate', () => {
    const { s, calls } = setup();
    s.invalidate();
    vi.advanceTimersByTime(0);
    s.edited();
    vi.advanceTimersByTime(EDIT_DEBOUNCE_MS);
    expect(calls.map((c) => c.resend)).toEqual([true, false]);
  });

  it('is idle after the run it sent is done', async () => {
    const { s, state } = setup();
    s.edited();
    let idle = false;
    const p = s.idle().then(() => (idle = true));
    vi.advanceTimersByTime(EDIT_DEBOUNCE_MS);
    await vi.advanceTimersByTimeAsync(10);
    expect(idle).toBe(false);
    state.push({ type: 'done', runId: 1, cancelled: false, ms: 5 });
    await vi.advanceTimersByTimeAsync(10);
    await p;
    expect(idle).toBe(true);
  });

  it('anything that throws on the way to the worker is the run\'s error, shown, never silent', () => {
    const state = new RunState((f) => setTimeout(f, 0));
    const s = new EvalScheduler({ evaluate: () => 1 } as never, state, () => catalog, {
      document: () => {
        throw new Error('the canvas is gone');
      },
      revision: () => 1,
      wanted: () => ['load'],
      baseUrl: () => 'http://x/',
    });
    s.edited();
    vi.advanceTimersByTime(EDIT_DEBOUNCE_MS);
    expect(state.global.lastError).toBe('evaluation could not start: the canvas is gone');
    expect(s.pending).toBe(false);
  });
});
