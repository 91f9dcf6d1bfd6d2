/**
 * JSON Schema (draft 2020-12) of the graph file format, generated from the same node
 * definitions and param specs the validator uses (DESIGN.md §2). The schema describes
 * shapes and per-type param ranges; the rules a schema cannot express (unique ids, edges
 * to existing nodes and ports, port types, one edge per input, no cycles, kernel
 * squareness/oddness, cross-param checks) are enforced by the loader (format.ts).
 *
 * `npm run schema` writes schema/pixel-loom.graph.schema.json from the real catalogue.
 */
import { FORBIDDEN_KEY, NODE_ID_PATTERN } from './checks';
import { FORMAT_ID, FORMAT_VERSION } from './format';
import { DEFAULT_KERNEL_MAX, SEED_MAX } from './params';
import type { NodeRegistry } from './registry';
import type { ParamSpec } from './types';

type Schema = Record<string, unknown>;

function withDocs(s: Schema, spec: ParamSpec): Schema {
  if (spec.label !== undefined) s.title = spec.label;
  if (spec.description !== undefined) s.description = spec.description;
  return s;
}

/** The JSON Schema of one param, from its spec. */
export function paramJsonSchema(spec: ParamSpec): Schema {
  switch (spec.kind) {
    case 'float':
    case 'int': {
      const s: Schema = { type: spec.kind === 'float' ? 'number' : 'integer' };
      if (spec.min !== undefined) s.minimum = spec.min;
      if (spec.max !== undefined) s.maximum = spec.max;
      if (spec.kind === 'int' && spec.odd) s.not = { multipleOf: 2 };
      s.default = spec.default;
      return withDocs(s, spec);
    }
    case 'seed':
      return withDocs({ type: 'integer', minimum: 0, maximum: SEED_MAX, default: spec.default }, spec);
    case 'enum':
      return withDocs({ type: 'string', enum: [...spec.options], default: spec.default }, spec);
    case 'bool':
      return withDocs({ type: 'boolean', default: spec.default }, spec);
    case 'string': {
      const s: Schema = { type: 'string' };
      if (spec.maxLength !== undefined) s.maxLength = spec.maxLength;
      s.default = spec.default;
      return withDocs(s, spec);
    }
    case 'kernel': {
      const max = spec.maxSize ?? DEFAULT_KERNEL_MAX;
      return withDocs(
        {
          type: 'array',
          minItems: 1,
          maxItems: max,
          items: { type: 'array', minItems: 1, maxItems: max, items: { type: 'number' } },
          default: spec.default.map((row) => [...row]),
          $comment: 'rows of equal, odd length; an odd number of rows',
        },
        spec,
      );
    }
  }
}

/** The draft 2020-12 JSON Schema of a graph file for the node types in `registry`. */
export function graphJsonSchema(registry: NodeRegistry): Schema {
  const noProto = { not: { const: FORBIDDEN_KEY } };
  const perType = [...registry.list()]
    .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0))
    .map((def) => {
      const properties: Schema = {};
      for (const [name, spec] of Object.entries(def.params as Record<string, ParamSpec>)) properties[name] = paramJsonSchema(spec);
      return {
        if: { properties: { type: { const: def.type } }, required: ['type'] },
        then: { properties: { params: { type: 'object', properties, additionalProperties: false } } },
      };
    });
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'pixel-loom graph file',
    description:
      `A pixel-loom node graph, format version ${FORMAT_VERSION}. Generated from the node catalogue by \`npm run schema\`; do not edit. ` +
      'The loader additionally refuses duplicate node ids, edges to missing nodes or ports, port type mismatches, two edges into one input, cycles, components that contain themselves and "__proto__" keys.',
    type: 'object',
    required: ['format', 'version', 'nodes', 'edges'],
    properties: {
      format: { const: FORMAT_ID },
      version: { const: FORMAT_VERSION },
      name: { type: 'string' },
      description: { type: 'string' },
      components: {
        type: 'object',
        description: 'Format version 3: component definitions by id (DESIGN.md §2b). An instance is a node of type "component" naming one of them.',
        propertyNames: { allOf: [noProto, { pattern: '^[^/\\u0000-\\u001f\\u007f-\\u009f]+$' }] },
        additionalProperties: { $ref: '#/$defs/component' },
      },
      nodes: { type: 'array', items: { $ref: '#/$defs/node' } },
      edges: { type: 'array', items: { $ref: '#/$defs/edge' } },
      groups: { type: 'array' },
      comments: { type: 'array' },
      ui: { type: 'object', description: 'Editor view data (viewport, …); `ui.component` marks a component file (Export component): dropped on a canvas, that component is inserted.' },
    },
    propertyNames: noProto,
    $comment: 'Unknown top-level keys are allowed and preserved.',
    $defs: {
      nodeId: { type: 'string', pattern: NODE_ID_PATTERN },
      portName: { type: 'string', minLength: 1, pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f]+$', not: { const: FORBIDDEN_KEY } },
      portRef: {
        type: 'object',
        required: ['node', 'port'],
        properties: { node: { $ref: '#/$defs/nodeId' }, port: { $ref: '#/$defs/portName' } },
        additionalProperties: false,
      },
      position: {
        type: 'object',
        required: ['x', 'y'],
        properties: { x: { type: 'number' }, y: { type: 'number' } },
        additionalProperties: false,
      },
      node: {
        type: 'object',
        required: ['id', 'type'],
        properties: {
          id: { $ref: '#/$defs/nodeId' },
          type: { type: 'string', minLength: 1 },
          component: { type: 'string', description: 'Only on a node of type "component": the id of its definition in "components".' },
          params: { type: 'object', propertyNames: noProto },
          position: { $ref: '#/$defs/position' },
          mode: { enum: ['bypass', 'mute'], description: 'bypass: each output passes through the first input of the same port type; mute: the node and everything downstream of it is not evaluated. Absent: active.' },
        },
        propertyNames: noProto,
        $comment: 'Node types not listed below are kept as placeholder nodes with their params verbatim. Unknown node keys are preserved.',
        allOf: [
          {
            if: { properties: { type: { const: 'component' } }, required: ['type'] },
            then: { required: ['component'], $comment: "An instance's params are keyed by its definition's promoted names." },
            else: { not: { required: ['component'] } },
          },
          ...perType,
        ],
      },
      component: {
        type: 'object',
        required: ['nodes', 'edges'],
        properties: {
          name: { type: 'string' },
          description: { type: 'string' },
          nodes: { type: 'array', items: { $ref: '#/$defs/node' } },
          edges: { type: 'array', items: { $ref: '#/$defs/edge' } },
          params: {
            type: 'array',
            description: 'Promoted params: each instance shows the inner param `param` of node `node` under `name`.',
            items: {
              type: 'object',
              required: ['name', 'node', 'param'],
              properties: { name: { type: 'string', minLength: 1 }, node: { $ref: '#/$defs/nodeId' }, param: { type: 'string', minLength: 1 } },
              additionalProperties: false,
            },
          },
          library: {
            type: 'object',
            description: 'Set by the editor on a definition inserted from "My components": the kept row and its version (a newer one is offered as "Update").',
            required: ['id', 'version'],
            properties: { id: { type: 'string' }, version: { type: 'integer', minimum: 1 } },
          },
        },
        propertyNames: noProto,
        $comment: 'The loader also refuses a component that contains itself, unknown component ids, promoted params naming no inner param, two promoted params (or two graph inputs / outputs) with one name. Unknown keys are preserved.',
      },
      edge: {
        type: 'object',
        required: ['from', 'to'],
        properties: { from: { $ref: '#/$defs/portRef' }, to: { $ref: '#/$defs/portRef' } },
        propertyNames: noProto,
        $comment: 'Unknown edge keys are preserved.',
      },
    },
  };
}

/** The schema file's text: 2-space JSON with a trailing newline. */
export function graphJsonSchemaText(registry: NodeRegistry): string {
  return `${JSON.stringify(graphJsonSchema(registry), null, 2)}\n`;
}
