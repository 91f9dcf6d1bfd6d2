import type { AnyNodeDefinition, ParamSpec, ParamSpecs, ParamValues } from './types';

export const SEED_MAX = 0xffffffff;
export const DEFAULT_KERNEL_MAX = 31;

function fmt(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/**
 * Checks one param value against its spec. Returns null when valid, else a reason that
 * names the value and the bound, e.g. `-1 is below the minimum 0`.
 */
export function checkParam(spec: ParamSpec, value: unknown): string | null {
  switch (spec.kind) {
    case 'float':
    case 'int':
    case 'seed': {
      if (typeof value !== 'number') return `expected a number, got ${fmt(value)} (${typeof value})`;
      if (!Number.isFinite(value)) return `${fmt(value)} is not a finite number`;
      if (spec.kind !== 'float' && !Number.isInteger(value)) return `${value} is not an integer`;
      if (spec.kind === 'seed') {
        if (value < 0 || value > SEED_MAX) return `seed ${value} is outside 0 … ${SEED_MAX}`;
        return null;
      }
      if (spec.min !== undefined && value < spec.min) return `${value} is below the minimum ${spec.min}`;
      if (spec.max !== undefined && value > spec.max) return `${value} is above the maximum ${spec.max}`;
      if (spec.kind === 'int' && spec.odd && value % 2 === 0) return `${value} must be odd`;
      return null;
    }
    case 'enum':
      if (typeof value !== 'string') return `expected one of ${spec.options.join(', ')}, got ${fmt(value)}`;
      if (!spec.options.includes(value)) return `${fmt(value)} is not one of ${spec.options.join(', ')}`;
      return null;
    case 'bool':
      return typeof value === 'boolean' ? null : `expected true or false, got ${fmt(value)}`;
    case 'string':
      if (typeof value !== 'string') return `expected a string, got ${fmt(value)}`;
      if (spec.maxLength !== undefined && value.length > spec.maxLength)
        return `string of length ${value.length} is longer than the maximum ${spec.maxLength}`;
      return null;
    case 'kernel': {
      const max = spec.maxSize ?? DEFAULT_KERNEL_MAX;
      if (!Array.isArray(value) || value.length === 0) return 'expected a non-empty array of rows';
      const cols = Array.isArray(value[0]) ? (value[0] as unknown[]).length : -1;
      if (cols <= 0) return 'row 0 is not a non-empty array of numbers';
      for (let r = 0; r < value.length; r++) {
        const row: unknown = value[r];
        if (!Array.isArray(row)) return `row ${r} is not an array`;
        if (row.length !== cols) return `row ${r} has ${row.length} entries, row 0 has ${cols}`;
        for (let c = 0; c < row.length; c++) {
          const x: unknown = row[c];
          if (typeof x !== 'number' || !Number.isFinite(x)) return `entry [${r}][${c}] = ${fmt(x)} is not a finite number`;
        }
      }
      if (value.length % 2 === 0 || cols % 2 === 0) return `kernel size ${value.length}×${cols} must be odd in both directions`;
      if (value.length > max || cols > max) return `kernel size ${value.length}×${cols} exceeds the maximum ${max}×${max}`;
      return null;
    }
  }
}

/** Clamps a numeric value into its spec's range (for UI widgets); other kinds unchanged. */
export function clampParam(spec: ParamSpec, value: number): number {
  if (spec.kind === 'seed') return Math.min(SEED_MAX, Math.max(0, Math.round(value)));
  if (spec.kind !== 'float' && spec.kind !== 'int') return value;
  let v = spec.kind === 'int' ? Math.round(value) : value;
  if (spec.min !== undefined) v = Math.max(spec.min, v);
  if (spec.max !== undefined) v = Math.min(spec.max, v);
  if (spec.kind === 'int' && spec.odd && v % 2 === 0) v = spec.max !== undefined && v + 1 > spec.max ? v - 1 : v + 1;
  return v;
}

function cloneDefault(spec: ParamSpec): unknown {
  return spec.kind === 'kernel' ? spec.default.map((row) => [...row]) : spec.default;
}

/** Own-property lookup that never reaches Object.prototype (`__proto__`, `constructor`). */
export function hasOwn(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/**
 * Explicit params merged over defaults. Throws nothing; callers validate with
 * `validateParams` first.
 */
export function effectiveParams(def: AnyNodeDefinition, explicit: Readonly<Record<string, unknown>>): ParamValues<ParamSpecs> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const [name, spec] of Object.entries(def.params as Record<string, ParamSpec>)) {
    out[name] = hasOwn(explicit, name) ? explicit[name] : cloneDefault(spec);
  }
  return out as ParamValues<ParamSpecs>;
}

/**
 * Validates explicit params of a node. Returns a list of `{ param, message }`; empty when
 * valid. Unknown param names are reported, as is the definition's cross-param `check`.
 */
export function validateParams(
  def: AnyNodeDefinition,
  explicit: Readonly<Record<string, unknown>>,
): { param: string | null; message: string }[] {
  const problems: { param: string | null; message: string }[] = [];
  for (const name of Object.keys(explicit)) {
    if (!hasOwn(def.params, name)) {
      problems.push({ param: name, message: `unknown parameter "${name}" of ${def.type} (known: ${Object.keys(def.params).join(', ') || 'none'})` });
      continue;
    }
    const reason = checkParam(def.params[name]!, explicit[name]);
    if (reason) problems.push({ param: name, message: reason });
  }
  if (problems.length === 0 && def.check) {
    const reason = def.check(effectiveParams(def, explicit));
    if (reason) problems.push({ param: null, message: reason });
  }
  return problems;
}
