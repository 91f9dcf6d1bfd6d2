/**
 * Param widget logic (no DOM): parsing typed values, validation messages with the bound,
 * slider ranges and steps, seeds, and kernel grid edits that keep both sizes odd.
 * Validation is the engine's own checkParam, so the widget refuses exactly what a graph file
 * would refuse.
 */
import { checkParam, DEFAULT_KERNEL_MAX, SEED_MAX } from '../../engine/params';
import type { FloatParam, IntParam, KernelParam, ParamSpec } from '../../engine/types';

export type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

/** `sigma: 3 is above the maximum 1` — the param's label or name, then checkParam's reason. */
export function paramMessage(name: string, spec: ParamSpec, reason: string): string {
  return `${spec.label ?? name}: ${reason}`;
}

/** Parses and validates text typed into a numeric field (float, int, seed). */
export function parseNumeric(name: string, spec: ParamSpec, text: string): Parsed {
  const t = text.trim();
  if (t === '') return { ok: false, message: paramMessage(name, spec, 'enter a number') };
  const n = Number(t);
  if (!Number.isFinite(n)) return { ok: false, message: paramMessage(name, spec, `"${t}" is not a number`) };
  return validate(name, spec, n);
}

/** Validates a value for a param; the message names the param and the bound. */
export function validate(name: string, spec: ParamSpec, value: unknown): Parsed {
  const reason = checkParam(spec, value);
  return reason === null ? { ok: true, value } : { ok: false, message: paramMessage(name, spec, reason) };
}

/** Step of a numeric widget: odd ints move by 2, ints by 1, floats by the spec's step or ~1/100 of the range. */
export function stepFor(spec: FloatParam | IntParam): number {
  if (spec.kind === 'int') return spec.odd ? 2 : Math.max(1, Math.round(spec.step ?? 1));
  if (spec.step !== undefined) return spec.step;
  const lo = spec.min ?? 0;
  const hi = spec.max ?? Math.max(1, lo + 1);
  const span = hi - lo;
  const raw = span / 100;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 2 ? 1 : m < 5 ? 2 : 5) * p;
}

/**
 * The slider's range: the spec's bounds, or a soft range around the default where a bound
 * is missing (the numeric entry still accepts anything the spec allows).
 */
export function sliderRange(spec: FloatParam | IntParam, current: number): { min: number; max: number } {
  const d = spec.default;
  let min = spec.min ?? Math.min(0, d, current);
  let max = spec.max ?? Math.max(min + 1, Math.abs(d) * 4, current, d + 1);
  if (spec.min === undefined && spec.max !== undefined) min = Math.min(current, d, max - Math.max(1, Math.abs(max) * 2));
  if (max <= min) max = min + 1;
  if (spec.kind === 'int' && spec.odd) {
    if (min % 2 === 0) min += 1;
    if (max % 2 === 0) max -= 1;
  }
  return { min, max };
}

/** Value of a slider position, snapped to the spec (ints rounded, odd ints to odd). */
export function snapSlider(spec: FloatParam | IntParam, raw: number): number {
  if (spec.kind === 'float') {
    const step = stepFor(spec);
    const v = Math.round(raw / step) * step;
    return Number(v.toPrecision(12));
  }
  let v = Math.round(raw);
  if (spec.odd && v % 2 === 0) v += v < raw ? 1 : -1;
  if (spec.min !== undefined && v < spec.min) v = spec.odd && spec.min % 2 === 0 ? spec.min + 1 : spec.min;
  if (spec.max !== undefined && v > spec.max) v = spec.odd && spec.max % 2 === 0 ? spec.max - 1 : spec.max;
  return v;
}

/** Short text of a number for a widget (up to 4 significant decimals). */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(6)));
}

/** A random seed in [0, SEED_MAX] (the widget's randomize button). */
export function randomSeed(random: () => number = Math.random): number {
  return Math.floor(random() * (SEED_MAX + 1)) >>> 0;
}

export function kernelMax(spec: KernelParam): number {
  return spec.maxSize ?? DEFAULT_KERNEL_MAX;
}

/**
 * Grows (delta +2) or shrinks (delta −2) a kernel symmetrically: a ring of zeros is added
 * or the outer ring removed, in rows and/or columns; sizes stay odd and within 1…max.
 */
export function resizeKernel(k: readonly (readonly number[])[], dRows: number, dCols: number, max: number): number[][] {
  const rows = k.length;
  const cols = k[0]?.length ?? 1;
  const nr = Math.min(max % 2 === 0 ? max - 1 : max, Math.max(1, rows + dRows));
  const nc = Math.min(max % 2 === 0 ? max - 1 : max, Math.max(1, cols + dCols));
  const offR = (nr - rows) / 2;
  const offC = (nc - cols) / 2;
  const out: number[][] = [];
  for (let r = 0; r < nr; r++) {
    const row: number[] = [];
    for (let c = 0; c < nc; c++) {
      const sr = r - offR;
      const sc = c - offC;
      row.push(sr >= 0 && sr < rows && sc >= 0 && sc < cols ? k[sr]![sc]! : 0);
    }
    out.push(row);
  }
  return out;
}

/** A copy of the kernel with entry [r][c] set. */
export function setKernelEntry(k: readonly (readonly number[])[], r: number, c: number, v: number): number[][] {
  return k.map((row, i) => row.map((x, j) => (i === r && j === c ? v : x)));
}

/** Sum of the kernel's entries (shown next to the normalize toggle). */
export function kernelSum(k: readonly (readonly number[])[]): number {
  let s = 0;
  for (const row of k) for (const x of row) s += x;
  return s;
}
