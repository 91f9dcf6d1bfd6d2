import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE_ID_PATTERN, nodeIdProblem } from '../../src/engine/checks';
import { validateGraphDocument } from '../../src/engine/format';
import { NodeRegistry } from '../../src/engine/registry';
import { graphJsonSchema, graphJsonSchemaText } from '../../src/engine/schema';
import { createRegistry } from '../../src/nodes/index';
import { toyRegistry } from '../helpers/graphToys';

// Structural tests: exact values, no numeric tolerance involved.

type S = Record<string, unknown>;

/**
 * A minimal JSON Schema 2020-12 evaluator for the keywords graphJsonSchema emits (no
 * library here supports 2020-12). Returns true when `v` is valid against `s`.
 */
function valid(root: S, s: S, v: unknown): boolean {
  const isObj = (x: unknown): x is S => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (typeof s.$ref === 'string') return valid(root, (root.$defs as S)[s.$ref.replace('#/$defs/', '')] as S, v);
  if ('const' in s && JSON.stringify(s.const) !== JSON.stringify(v)) return false;
  if (Array.isArray(s.enum) && !s.enum.includes(v)) return false;
  if (s.type !== undefined) {
    const t = s.type;
    const ok =
      (t === 'object' && isObj(v)) ||
      (t === 'array' && Array.isArray(v)) ||
      (t === 'string' && typeof v === 'string') ||
      (t === 'boolean' && typeof v === 'boolean') ||
      (t === 'number' && typeof v === 'number') ||
      (t === 'integer' && Number.isInteger(v));
    if (!ok) return false;
  }
  if (typeof v === 'number') {
    if (typeof s.minimum === 'number' && v < s.minimum) return false;
    if (typeof s.maximum === 'number' && v > s.maximum) return false;
    if (typeof s.multipleOf === 'number' && v % s.multipleOf !== 0) return false;
  }
  if (typeof v === 'string') {
    if (typeof s.minLength === 'number' && v.length < s.minLength) return false;
    if (typeof s.maxLength === 'number' && v.length > s.maxLength) return false;
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v)) return false;
  }
  if (Array.isArray(v)) {
    if (typeof s.minItems === 'number' && v.length < s.minItems) return false;
    if (typeof s.maxItems === 'number' && v.length > s.maxItems) return false;
    if (isObj(s.items) && !v.every((x) => valid(root, s.items as S, x))) return false;
  }
  if (isObj(v)) {
    if (Array.isArray(s.required) && !s.required.every((k: string) => Object.prototype.hasOwnProperty.call(v, k))) return false;
    const props = (s.properties ?? {}) as S;
    for (const k of Object.keys(v)) {
      if (Object.prototype.hasOwnProperty.call(props, k)) {
        if (!valid(root, props[k] as S, v[k])) return false;
      } else if (s.additionalProperties === false) return false;
      else if (isObj(s.additionalProperties) && !valid(root, s.additionalProperties, v[k])) return false;
      if (isObj(s.propertyNames) && !valid(root, s.propertyNames, k)) return false;
    }
  }
  if (isObj(s.not) && valid(root, s.not, v)) return false;
  if (Array.isArray(s.allOf) && !s.allOf.every((x: S) => valid(root, x, v))) return false;
  if (isObj(s.if)) {
    const branch = valid(root, s.if, v) ? s.then : s.else;
    if (isObj(branch) && !valid(root, branch, v)) return false;
  }
  return true;
}

function doc(nodes: object[]): S {
  return { format: 'pixel-loom.graph', version: 3, name: 'x', nodes, edges: [] };
}

describe('graph JSON Schema', () => {
  const schema = graphJsonSchema(toyRegistry());

  it('is draft 2020-12 and describes params from the specs', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const node = (schema.$defs as S).node as S;
    const blur = (node.allOf as S[]).find((x) => ((x.if as S).properties as S).type !== undefined && JSON.stringify(x.if).includes('"toy.blur"'))!;
    expect(blur.then).toEqual({
      properties: {
        params: {
          type: 'object',
          properties: {
            sigma: { type: 'number', minimum: 0, maximum: 10, default: 1, title: 'Sigma', description: 'standard deviation' },
            mode: { type: 'string', enum: ['fast', 'exact'], default: 'fast' },
            size: { type: 'integer', minimum: 1, maximum: 15, not: { multipleOf: 2 }, default: 3 },
          },
          additionalProperties: false,
        },
      },
    });
    expect((node.allOf as S[]).map((x) => ((x.if as S).properties as { type: { const: string } }).type.const)).toEqual([
      'component',
      'image.save',
      'toy.blur',
      'toy.kernel',
      'toy.mask',
      'toy.range',
      'toy.scale',
      'toy.score',
      'toy.source',
    ]);
  });

  it('an empty catalogue has only the component instance rule', () => {
    expect((((graphJsonSchema(new NodeRegistry([])).$defs as S).node as S).allOf as S[]).length).toBe(1);
  });

  it('agrees with the validator on valid and invalid params', () => {
    const cases: [object[], boolean][] = [
      [[{ id: 'b', type: 'toy.blur', params: { sigma: 2.5, mode: 'exact', size: 5 } }], true],
      [[{ id: 'b', type: 'toy.blur', params: { sigma: -1 } }], false],
      [[{ id: 'b', type: 'toy.blur', params: { sigma: 10.5 } }], false],
      [[{ id: 'b', type: 'toy.blur', params: { size: 4 } }], false],
      [[{ id: 'b', type: 'toy.blur', params: { size: 3.5 } }], false],
      [[{ id: 'b', type: 'toy.blur', params: { mode: 'slow' } }], false],
      [[{ id: 'b', type: 'toy.blur', params: { radius: 1 } }], false],
      [[{ id: 's', type: 'toy.source', params: { seed: 4294967295 } }], true],
      [[{ id: 's', type: 'toy.source', params: { seed: 4294967296 } }], false],
      [[{ id: 'k', type: 'toy.kernel', params: { kernel: [[1, 2, 1]], label: 'abcdefghij', flag: true } }], true],
      [[{ id: 'k', type: 'toy.kernel', params: { label: 'abcdefghijk' } }], false],
      [[{ id: 'k', type: 'toy.kernel', params: { flag: 1 } }], false],
      [[{ id: 'k', type: 'toy.kernel', params: { kernel: [[1, 1, 1, 1, 1, 1, 1]] } }], false],
      [[{ id: 'p', type: 'vendor.any', params: { whatever: [1] } }], true],
      [[{ id: '', type: 'toy.mask' }], false],
      [[{ id: 'prototype', type: 'toy.mask' }], false],
    ];
    for (const [nodes, ok] of cases) {
      const d = doc(nodes);
      expect(valid(schema, schema, d), JSON.stringify(nodes)).toBe(ok);
      expect(validateGraphDocument(d, toyRegistry()).length === 0, JSON.stringify(nodes)).toBe(ok);
    }
  });

  it('checks the document shape', () => {
    expect(valid(schema, schema, { ...doc([]), version: 1 })).toBe(false);
    expect(valid(schema, schema, { ...doc([]), version: 4 })).toBe(false);
    const inner = { nodes: [{ id: 'i', type: 'graph.input', params: { name: 'image' } }], edges: [], params: [{ name: 's', node: 'i', param: 'name' }] };
    expect(valid(schema, schema, { ...doc([{ id: 'a', type: 'component', component: 'c' }]), components: { c: inner } })).toBe(true);
    expect(valid(schema, schema, doc([{ id: 'a', type: 'component' }]))).toBe(false);
    expect(valid(schema, schema, doc([{ id: 'a', type: 'toy.mask', component: 'c' }]))).toBe(false);
    expect(valid(schema, schema, { ...doc([]), components: { c: { ...inner, params: [{ name: 's', node: 'i' }] } } })).toBe(false);
    expect(valid(schema, schema, { ...doc([]), components: { 'a/b': inner } })).toBe(false);
    expect(valid(schema, schema, doc([{ id: 'a', type: 'toy.mask', mode: 'bypass' }]))).toBe(true);
    expect(valid(schema, schema, doc([{ id: 'a', type: 'toy.mask', mode: 'mute' }]))).toBe(true);
    expect(valid(schema, schema, doc([{ id: 'a', type: 'toy.mask', mode: 'off' }]))).toBe(false);
    expect(valid(schema, schema, { ...doc([]), format: 'other' })).toBe(false);
    expect(valid(schema, schema, { ...doc([]), extraKey: { kept: true } })).toBe(true);
    expect(valid(schema, schema, JSON.parse('{"format":"pixel-loom.graph","version":2,"nodes":[],"edges":[],"__proto__":1}'))).toBe(false);
    expect(valid(schema, schema, { ...doc([]), edges: [{ from: { node: 'a', port: 'x' }, to: { node: 'b' } }] })).toBe(false);
    expect(valid(schema, schema, { ...doc([]), edges: [{ from: { node: 'a', port: 'x' }, to: { node: 'b', port: 'y' }, label: 1 }] })).toBe(true);
    expect(valid(schema, schema, doc([{ id: 'a', type: 'toy.mask', position: { x: 1 } }]))).toBe(false);
  });

  it('its node id pattern matches the validator rule', () => {
    const re = new RegExp(NODE_ID_PATTERN, 'u');
    for (const id of ['a', 'n1', 'load image', 'é-ü', '__proto__', 'constructor', 'prototype', '', 'a\u0000', 'tab\there', 'x\u007f', 'c1\u009b', '__proto__x', 'constructors']) {
      expect(re.test(id), JSON.stringify(id)).toBe(nodeIdProblem(id) === null);
    }
  });

  it('the committed schema/pixel-loom.graph.schema.json is up to date (run `npm run schema`)', () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'schema', 'pixel-loom.graph.schema.json'), 'utf8');
    expect(committed).toBe(graphJsonSchemaText(createRegistry()));
  });
});
