/**
 * Shared structural checks used by the Graph commands (graph.ts) and the file validator
 * (format.ts), so both refuse exactly the same things. Plain data helpers only.
 *
 * Prototype safety: the key `__proto__` is refused everywhere in graph data (node ids,
 * param names, node/edge/top-level keys, nested extra data). `constructor` and
 * `prototype` are refused as node ids; elsewhere they are ordinary data. Containers the
 * graph creates are null-prototype objects or built with `Object.defineProperty`, so no key
 * can reach `Object.prototype` even if a check were bypassed.
 */
import type { Position } from './types';

/** Node ids that would collide with Object.prototype members when used as object keys. */
export const RESERVED_IDS: readonly string[] = ['__proto__', 'constructor', 'prototype'];
/** Keys refused anywhere in graph data. */
export const FORBIDDEN_KEY = '__proto__';
/** C0 controls, DEL and C1 controls. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** ECMA-262 pattern equivalent to `nodeIdProblem(...) === null` (used by the JSON Schema). */
export const NODE_ID_PATTERN = '^(?!(?:__proto__|constructor|prototype)$)[^\\u0000-\\u001f\\u007f-\\u009f]+$';
/** Deepest nesting accepted in free-form data (extras, placeholder params). */
export const MAX_DATA_DEPTH = 64;

export interface PathIssue {
  readonly path: string;
  readonly message: string;
}

/** A short description of a value for messages: `"abc"`, `-1`, `NaN`, `an array`, `null`. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
    case 'number':
      return Number.isNaN(v) ? 'NaN' : String(v);
    case 'boolean':
      return String(v);
    case 'undefined':
      return 'undefined';
    case 'object':
      return 'an object';
    default:
      return `a ${typeof v}`;
  }
}

/** `base.key`, or `base["odd key"]` for keys that are not identifiers. */
export function keyPath(base: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return base ? `${base}.${key}` : key;
  return `${base}[${JSON.stringify(key)}]`;
}

export function indexPath(base: string, i: number): string {
  return `${base}[${i}]`;
}

/** A plain data object: prototype Object.prototype or null (not an array, Date, Map, …). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function nodeIdProblem(id: unknown): string | null {
  if (typeof id !== 'string') return `expected a node id string, got ${describe(id)}`;
  if (id.length === 0) return 'a node id must not be empty';
  if (CONTROL.test(id)) return `node id ${JSON.stringify(id)} contains a control character`;
  if (RESERVED_IDS.includes(id)) return `"${id}" is reserved and cannot be a node id`;
  return null;
}

export function portNameProblem(port: unknown): string | null {
  if (typeof port !== 'string') return `expected a port name string, got ${describe(port)}`;
  if (port.length === 0) return 'a port name must not be empty';
  if (CONTROL.test(port)) return `port name ${JSON.stringify(port)} contains a control character`;
  if (port === FORBIDDEN_KEY) return `"${FORBIDDEN_KEY}" cannot be a port name`;
  return null;
}

export function forbiddenKeyMessage(): string {
  return `the key "${FORBIDDEN_KEY}" is not allowed in a graph (it could alter object prototypes)`;
}

/**
 * First reason `value` is not plain JSON data (null, boolean, string, finite number, dense
 * array, plain object without a `__proto__` key), with its path under `path`; null if it is.
 */
export function jsonDataProblem(value: unknown, path: string): PathIssue | null {
  const ancestors = new Set<object>();
  const walk = (v: unknown, p: string, depth: number): PathIssue | null => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return null;
    if (typeof v === 'number') {
      return Number.isFinite(v) ? null : { path: p, message: `${describe(v)} cannot be stored in a graph file (JSON numbers are finite)` };
    }
    if (typeof v !== 'object') return { path: p, message: `${describe(v)} is not JSON data` };
    if (depth > MAX_DATA_DEPTH) return { path: p, message: `data nested deeper than ${MAX_DATA_DEPTH} levels` };
    if (ancestors.has(v)) return { path: p, message: 'circular reference' };
    ancestors.add(v);
    try {
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          if (!(i in v)) return { path: indexPath(p, i), message: 'sparse array hole is not JSON data' };
          const r = walk(v[i], indexPath(p, i), depth + 1);
          if (r) return r;
        }
        return null;
      }
      if (!isPlainObject(v)) return { path: p, message: `an object of class ${v.constructor?.name ?? 'unknown'} is not JSON data` };
      for (const k of Object.keys(v)) {
        if (k === FORBIDDEN_KEY) return { path: keyPath(p, k), message: forbiddenKeyMessage() };
        const r = walk(v[k], keyPath(p, k), depth + 1);
        if (r) return r;
      }
      return null;
    } finally {
      ancestors.delete(v);
    }
  };
  return walk(value, path, 0);
}

/** Sets an own enumerable property without ever invoking the `__proto__` setter. */
export function setOwn(o: object, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A null-prototype object. */
export function emptyRecord<T = unknown>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/**
 * Deep copy of JSON data into fresh plain objects and arrays (prototype-safe). Non-data
 * values are copied by reference; validate with jsonDataProblem first.
 */
export function cloneData<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x: unknown) => cloneData(x)) as T;
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) setOwn(out, k, cloneData(v[k]));
    return out as T;
  }
  return v;
}

/** Freezes JSON data in place, recursively; returns it. */
export function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}

/** Structural equality of JSON data (key order ignored). */
export function dataEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const rb = b as Record<string, unknown>;
  const ra = a as Record<string, unknown>;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && dataEqual(ra[k], rb[k]));
}

/** Problems with a `{ x, y }` position, paths under `path`. */
export function positionProblems(p: unknown, path: string): PathIssue[] {
  if (!isPlainObject(p)) return [{ path, message: `expected an object { "x": number, "y": number }, got ${describe(p)}` }];
  const issues: PathIssue[] = [];
  for (const k of Object.keys(p)) {
    if (k !== 'x' && k !== 'y') issues.push({ path: keyPath(path, k), message: 'unexpected key; a position has only "x" and "y"' });
  }
  for (const axis of ['x', 'y'] as const) {
    const v = Object.prototype.hasOwnProperty.call(p, axis) ? p[axis] : undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      issues.push({ path: keyPath(path, axis), message: v === undefined ? 'missing; expected a finite number' : `expected a finite number, got ${describe(v)}` });
    }
  }
  return issues;
}

export function clonePosition(p: Position): Position {
  return Object.freeze({ x: p.x === 0 ? 0 : p.x, y: p.y === 0 ? 0 : p.y });
}

/** The candidate closest to `name` by edit distance, if it is close enough to be a likely typo. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
