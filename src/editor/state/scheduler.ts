/**
 * When to evaluate: edits re-evaluate after a short debounce, but at least every
 * EDIT_MAX_WAIT_MS while they keep coming (dragging a slider shows live results; the run
 * after the last edit reads the last value, and a newer run cancels an older one, so the last
 * value always wins); viewport changes only when a
 * node came into view that the last run did not cover. Each run asks the worker for the
 * wanted nodes (visible + the preview panel's) that can run; the worker's signature cache
 * makes the unchanged part a lookup, and a newer run cancels the older one.
 */
import type { GraphDocument } from '../../engine/format';
import type { NodeCatalogEntry } from '../../engine/registry';
import type { EngineClient } from '../engineClient';
import { evaluationTargets, waitingNodes } from '../logic/targets';
import type { RunState } from './runState';

export const EDIT_DEBOUNCE_MS = 150;
/** Edits that keep coming (a slider drag) still evaluate this often. */
export const EDIT_MAX_WAIT_MS = 250;
export const VIEW_DEBOUNCE_MS = 120;

export interface SchedulerSource {
  /** The current graph document. */
  document(): GraphDocument;
  /**
   * The graph on the canvas as a document, when it is not the document's top level (the
   * inside of an instance): waiting nodes and targets are its nodes (the client names them
   * as paths).
   */
  view?(): GraphDocument | undefined;
  /** Increments on every change that affects results (not positions). */
  revision(): number;
  /** Node ids the UI shows (visible on the canvas, the preview panel's selection). */
  wanted(): Iterable<string>;
  /** Base URL for relative image sources. */
  baseUrl(): string;
}

export class EvalScheduler {
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** When the pending timer was first armed (edits re-arm it, up to EDIT_MAX_WAIT_MS later). */
  private armedAt = 0;
  private lastRevision = -1;
  private lastTargets = new Set<string>();
  private resend = false;
  private idleWaiters: (() => void)[] = [];
  thumbSize = 192;

  constructor(
    private readonly client: Pick<EngineClient, 'evaluate'>,
    private readonly run: RunState,
    private readonly catalog: () => ReadonlyMap<string, NodeCatalogEntry>,
    private readonly source: SchedulerSource,
  ) {}

  /** The graph changed: evaluate after the edit debounce, or sooner when edits have kept coming for EDIT_MAX_WAIT_MS. */
  edited(delay = EDIT_DEBOUNCE_MS): void {
    if (this.timer === null) {
      this.arm(delay);
      return;
    }
    const left = EDIT_MAX_WAIT_MS - (Date.now() - this.armedAt);
    this.arm(Math.max(0, Math.min(delay, left)), true);
  }

  /** The viewport changed: evaluate if something new came into view. */
  viewChanged(): void {
    if (this.timer !== null) return;
    const wanted = [...this.source.wanted()];
    if (this.source.revision() === this.lastRevision && wanted.every((id) => this.lastTargets.has(id) || this.run.node(id).waiting !== null)) return;
    this.arm(VIEW_DEBOUNCE_MS);
  }

  /** Evaluate again with every preview re-sent (a new graph was loaded, or the backend changed). */
  invalidate(delay = 0): void {
    this.resend = true;
    this.lastRevision = -1;
    this.arm(delay);
  }

  get pending(): boolean {
    return this.timer !== null;
  }

  /** Resolves when no evaluation is pending, queued or running and its results are applied. */
  async idle(): Promise<void> {
    for (;;) {
      if (this.timer !== null) await new Promise<void>((r) => this.idleWaiters.push(r));
      await this.run.whenIdle();
      if (this.timer === null && this.run.idle) return;
    }
  }

  /**
   * Sends the evaluation now. Anything that throws on the way (reading the document, the
   * target selection, sending) is reported as the run's error (status bar, errors panel):
   * a failure never silently stops evaluation.
   */
  runNow(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    try {
      this.send();
    } catch (e) {
      this.run.failed(`evaluation could not start: ${e instanceof Error ? e.message : String(e)}`);
    }
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private send(): void {
    const doc = this.source.document();
    const shown = this.source.view?.() ?? doc;
    const waiting = waitingNodes(shown, this.catalog());
    this.run.setWaiting(waiting, shown.nodes.map((n) => n.id));
    const targets = evaluationTargets(shown, this.source.wanted(), waiting);
    this.lastRevision = this.source.revision();
    this.lastTargets = new Set(targets.map((t) => t.node));
    if (targets.length > 0) {
      const runId = this.client.evaluate(doc, targets, { thumbSize: this.thumbSize, baseUrl: this.source.baseUrl(), resend: this.resend });
      this.resend = false;
      this.run.started(runId);
    }
  }

  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(delay: number, keepStart = false): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (!keepStart) this.armedAt = Date.now();
    this.timer = setTimeout(() => this.runNow(), delay);
  }
}
