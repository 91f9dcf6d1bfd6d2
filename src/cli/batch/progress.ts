/**
 * Batch progress: a bar with done/total, rate and ETA on a terminal (cli-progress), plain
 * lines every few seconds otherwise (logs, CI).
 */
import cliProgress from 'cli-progress';

export interface ProgressIO {
  stdout(line: string): void;
  /** Whether stderr is a terminal (the bar is drawn there). */
  readonly tty: boolean;
}

const LINE_EVERY_MS = 2000;

export class Progress {
  private done = 0;
  private failed = 0;
  private readonly t0 = performance.now();
  private lastLine = performance.now();
  private readonly bar: cliProgress.SingleBar | null;

  constructor(
    private readonly total: number,
    private readonly io: ProgressIO,
  ) {
    this.bar =
      io.tty && total > 0
        ? new cliProgress.SingleBar({ format: 'batch [{bar}] {value}/{total} jobs · {failed} failed · {rate} jobs/s · ETA {eta_formatted}', hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic)
        : null;
    this.bar?.start(total, 0, { failed: 0, rate: '0.00' });
  }

  tick(failed: boolean): void {
    this.done++;
    if (failed) this.failed++;
    const s = (performance.now() - this.t0) / 1000;
    const rate = this.done / Math.max(s, 1e-9);
    if (this.bar) {
      this.bar.update(this.done, { failed: this.failed, rate: rate.toFixed(2) });
      return;
    }
    const now = performance.now();
    if (now - this.lastLine >= LINE_EVERY_MS || this.done === this.total) {
      this.lastLine = now;
      const eta = this.done < this.total ? `, ETA ${Math.ceil((this.total - this.done) / Math.max(rate, 1e-9))} s` : '';
      this.io.stdout(`batch: ${this.done}/${this.total} done, ${this.failed} failed, ${rate.toFixed(2)} jobs/s${eta}`);
    }
  }

  stop(): void {
    this.bar?.stop();
  }
}
