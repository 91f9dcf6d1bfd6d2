/**
 * Cooperative cancellation for host-side algorithms (computeAsync): long loops call
 * `await loop.tick()` every few thousand iterations; it yields to the event loop about every
 * `sliceMs` milliseconds (so an abort message can arrive in a worker) and throws Cancelled
 * once the signal is aborted.
 */
import { Cancelled } from '../../engine/errors';

const now = (): number => globalThis.performance.now();

export class HostLoop {
  private last = now();
  constructor(
    private readonly signal: AbortSignal | undefined,
    private readonly sliceMs = 40,
  ) {}

  async tick(): Promise<void> {
    if (this.signal?.aborted) throw new Cancelled();
    if (now() - this.last < this.sliceMs) return;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    this.last = now();
    if (this.signal?.aborted) throw new Cancelled();
  }
}
