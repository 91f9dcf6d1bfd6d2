/**
 * Reproducibility fingerprints (issue 24, item 5): per node output, a hash of the exact
 * values and a coarse summary (an 8×8 grid of means per channel for an image, 16 chunk
 * means for other tensors; the value of a number). A run compared with the fingerprints of
 * another — another machine, backend or version — is "bit-identical", "within tolerance"
 * (the summaries agree to `TOLERANCE_DB`), or names the first node that diverges while its
 * inputs matched: where to look.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { hashBytes } from './signature';

export type Fingerprint = { readonly value: number | string } | { readonly hash: string; readonly shape: readonly number[]; readonly summary: readonly number[] };
export type Fingerprints = Record<string, Record<string, Fingerprint>>;

/** Summaries whose PSNR is at least this agree (float32 noise between backends is far above it). */
export const TOLERANCE_DB = 60;

export async function fingerprintOf(v: number | Tensor): Promise<Fingerprint> {
  if (typeof v === 'number') return { value: Number.isFinite(v) ? v : String(v) };
  const data = (await v.data()) as Float32Array | Int32Array | Uint8Array;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { hash: hashBytes(bytes), shape: [...v.shape], summary: summarize(Float32Array.from(data), v.shape) };
}

function summarize(data: Float32Array, shape: readonly number[]): number[] {
  const round = (x: number): number => Math.round(x * 1e7) / 1e7;
  if (shape.length === 3) {
    const [h, w, c] = shape as [number, number, number];
    const g = 8;
    const out: number[] = [];
    for (let gy = 0; gy < g; gy++) {
      for (let gx = 0; gx < g; gx++) {
        const y0 = Math.floor((gy * h) / g);
        const y1 = Math.max(y0 + 1, Math.floor(((gy + 1) * h) / g));
        const x0 = Math.floor((gx * w) / g);
        const x1 = Math.max(x0 + 1, Math.floor(((gx + 1) * w) / g));
        for (let ch = 0; ch < c; ch++) {
          let s = 0;
          let n = 0;
          for (let y = y0; y < Math.min(y1, h); y++) for (let x = x0; x < Math.min(x1, w); x++, n++) s += data[(y * w + x) * c + ch]!;
          out.push(round(n ? s / n : 0));
        }
      }
    }
    return out;
  }
  const k = Math.min(16, data.length);
  return Array.from({ length: k }, (_, i) => {
    const a = Math.floor((i * data.length) / k);
    const b = Math.floor(((i + 1) * data.length) / k);
    let s = 0;
    for (let j = a; j < b; j++) s += data[j]!;
    return round(s / Math.max(1, b - a));
  });
}

export interface PortComparison {
  readonly node: string;
  readonly port: string;
  readonly verdict: 'identical' | 'within' | 'diverged' | 'missing';
  /** PSNR of the summaries (dB; Infinity when equal), or the difference of two numbers. */
  readonly psnr?: number;
  readonly detail?: string;
}

/** One port: identical (same hash / value), within tolerance, diverged, or missing from this run. */
export function comparePort(node: string, port: string, expected: Fingerprint, actual: Fingerprint | undefined): PortComparison {
  if (!actual) return { node, port, verdict: 'missing', detail: 'not computed in this run' };
  if ('value' in expected || 'value' in actual) {
    if (!('value' in expected) || !('value' in actual)) return { node, port, verdict: 'diverged', detail: 'a number on one side, a tensor on the other' };
    if (expected.value === actual.value) return { node, port, verdict: 'identical' };
    const a = Number(expected.value);
    const b = Number(actual.value);
    const close = Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(a));
    return { node, port, verdict: close ? 'within' : 'diverged', detail: `${expected.value} then, ${actual.value} now` };
  }
  if (expected.hash === actual.hash && expected.shape.join() === actual.shape.join()) return { node, port, verdict: 'identical' };
  if (expected.shape.join() !== actual.shape.join()) return { node, port, verdict: 'diverged', detail: `shape ${expected.shape.join('×')} then, ${actual.shape.join('×')} now` };
  let se = 0;
  let peak = 1;
  for (let i = 0; i < expected.summary.length; i++) {
    const d = (expected.summary[i] ?? 0) - (actual.summary[i] ?? 0);
    se += d * d;
    peak = Math.max(peak, Math.abs(expected.summary[i] ?? 0));
  }
  const mse = se / Math.max(1, expected.summary.length);
  const psnr = mse === 0 ? Infinity : 10 * Math.log10((peak * peak) / mse);
  return { node, port, verdict: psnr >= TOLERANCE_DB ? 'within' : 'diverged', psnr, detail: `summary PSNR ${Number.isFinite(psnr) ? psnr.toFixed(1) : '∞'} dB` };
}

export interface CheckReport {
  readonly verdict: 'identical' | 'within' | 'diverged';
  /** The lowest summary PSNR among the outputs that are not bit-identical. */
  readonly worstPsnr: number | null;
  /** The first node (in evaluation order) that diverged while every node feeding it matched. */
  readonly first: PortComparison | null;
  readonly ports: readonly PortComparison[];
}

/** Compares every fingerprinted output; `order` is the evaluation order, `inputsOf` the nodes feeding a node. */
export function compareRuns(expected: Fingerprints, actual: Fingerprints, order: readonly string[], inputsOf: (node: string) => readonly string[]): CheckReport {
  const ports: PortComparison[] = [];
  const nodeVerdict = new Map<string, PortComparison['verdict']>();
  const nodes = [...order.filter((n) => expected[n]), ...Object.keys(expected).filter((n) => !order.includes(n))];
  for (const node of nodes) {
    for (const [port, fp] of Object.entries(expected[node]!)) {
      const c = comparePort(node, port, fp, actual[node]?.[port]);
      ports.push(c);
      const worst = nodeVerdict.get(node);
      const rank = { identical: 0, within: 1, missing: 2, diverged: 3 } as const;
      if (worst === undefined || rank[c.verdict] > rank[worst]) nodeVerdict.set(node, c.verdict);
    }
  }
  const bad = (n: string): boolean => nodeVerdict.get(n) === 'diverged';
  const first = ports.find((p) => p.verdict === 'diverged' && inputsOf(p.node).every((u) => !bad(u))) ?? ports.find((p) => p.verdict === 'diverged') ?? null;
  const differing = ports.filter((p) => p.verdict !== 'identical' && p.psnr !== undefined).map((p) => p.psnr!);
  const verdict = ports.some((p) => p.verdict === 'diverged' || p.verdict === 'missing') ? 'diverged' : ports.some((p) => p.verdict === 'within') ? 'within' : 'identical';
  return { verdict, worstPsnr: differing.length ? Math.min(...differing) : null, first, ports };
}
