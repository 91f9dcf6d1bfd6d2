/**
 * One evaluation run of the Engine (evaluate.ts): its events (a listener's error never
 * corrupts the run), its cancellation (nodes not yet finished go back to idle; a pending
 * await rejects with Cancelled at once) and the cache entries it pins.
 */
import type { CacheEntry } from './cache';
import { Cancelled } from './errors';
import type { EngineEvent } from './evaluate';

export class Run {
  readonly controller = new AbortController();
  cancelled = false;
  finished = false;
  done = 0;
  readonly pinned: CacheEntry[] = [];
  readonly unfinished: Set<string>;
  constructor(
    planned: readonly string[],
    private readonly onEvent: ((e: EngineEvent) => void) | undefined,
  ) {
    this.unfinished = new Set(planned);
  }

  emit(e: EngineEvent): void {
    if (this.cancelled || !this.onEvent) return;
    try {
      this.onEvent(e);
    } catch (err) {
      // A listener's bug must not corrupt the run; surface it asynchronously.
      queueMicrotask(() => {
        throw err;
      });
    }
  }

  /** Stops the run at its next boundary; nodes not yet finished go back to idle. */
  cancel(): void {
    if (this.cancelled || this.finished) return;
    for (const id of this.unfinished) this.emit({ type: 'status', node: id, status: 'idle' });
    this.cancelled = true;
    this.controller.abort();
  }

  check(): void {
    if (this.cancelled) throw new Cancelled();
  }

  /** Awaits p, or rejects with Cancelled as soon as the run is cancelled. */
  race<T>(p: Promise<T>): Promise<T> {
    if (this.cancelled) return Promise.reject(new Cancelled());
    const signal = this.controller.signal;
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(new Cancelled());
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(
        (v) => {
          signal.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (e: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }
}
