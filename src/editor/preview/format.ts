/** Number formatting and value look-ups for the preview panel. */
import type { NumberValue, NumberValues } from './types';

/** A number value as a JS number (`"Infinity"` → Infinity …); undefined when not numeric. */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'Infinity' || v === '+Infinity' || v === '∞') return Infinity;
    if (v === '-Infinity' || v === '−∞' || v === '-∞') return -Infinity;
    if (v === 'NaN') return NaN;
    const n = Number(v);
    return v.trim() !== '' && !Number.isNaN(n) ? n : undefined;
  }
  if (v && typeof v === 'object' && 'value' in v) return toNumber((v as { value: unknown }).value);
  return undefined;
}

/** Human text for a metric or pixel value: ∞ / −∞ / NaN, integers as is, else 4–6 significant digits. */
export function formatValue(v: NumberValue | number | undefined, digits = 4): string {
  const n = toNumber(v);
  if (n === undefined) return '—';
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '∞';
  if (n === -Infinity) return '−∞';
  if (Number.isInteger(n) && Math.abs(n) < 1e9) return String(n);
  const a = Math.abs(n);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return n.toExponential(digits - 1).replace('-', '−');
  const s = a >= 100 ? n.toFixed(Math.max(1, digits - 2)) : n.toFixed(digits);
  return s.replace(/^-/, '−');
}

/** The 8-bit value a float in [0, 1] is written as (clamped, rounded), as image.save does. */
export function to8bit(v: number): number {
  if (Number.isNaN(v)) return 0;
  return Math.round(Math.min(1, Math.max(0, v)) * 255);
}

/** Looks up one number output in any of the accepted `values` shapes. */
export function lookupValue(values: NumberValues, node: string, port: string): number | undefined {
  if (!values) return undefined;
  if (values instanceof Map) {
    const m = values as ReadonlyMap<string, unknown>;
    const nested = m.get(node);
    if (nested && typeof nested === 'object' && !(nested instanceof Array)) {
      const v = nested instanceof Map ? nested.get(port) : (nested as Record<string, unknown>)[port];
      if (v !== undefined) return toNumber(v);
    }
    return toNumber(m.get(`${node}.${port}`) ?? m.get(`${node}:${port}`));
  }
  const rec = values as Readonly<Record<string, unknown>>;
  const nested = rec[node];
  if (nested && typeof nested === 'object') {
    const v = nested instanceof Map ? nested.get(port) : (nested as Record<string, unknown>)[port];
    if (v !== undefined) return toNumber(v);
  }
  return toNumber(rec[`${node}.${port}`] ?? rec[`${node}:${port}`]);
}

/** All number outputs of one node: [port, value] pairs, in key order. */
export function valuesOfNode(values: NumberValues, node: string): [string, number][] {
  if (!values) return [];
  const out: [string, number][] = [];
  const push = (port: string, v: unknown): void => {
    const n = toNumber(v);
    if (n !== undefined && !out.some(([p]) => p === port)) out.push([port, n]);
  };
  const entries: [string, unknown][] = values instanceof Map ? [...(values as ReadonlyMap<string, unknown>).entries()] : Object.entries(values);
  for (const [k, v] of entries) {
    if (k === node && v && typeof v === 'object') {
      const inner: [string, unknown][] = v instanceof Map ? [...v.entries()] : Object.entries(v as Record<string, unknown>);
      for (const [p, x] of inner) push(p, x);
    } else if (k.startsWith(`${node}.`) || k.startsWith(`${node}:`)) {
      push(k.slice(node.length + 1), v);
    }
  }
  return out;
}
