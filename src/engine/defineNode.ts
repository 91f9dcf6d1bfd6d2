import type { NodeDefinition, ParamSpecs, Resource } from './types';

/**
 * Declares a node kind. Returns the definition unchanged (typed); nothing is registered
 * on import — the catalogue is assembled explicitly in `src/nodes/index.ts`.
 */
export function defineNode<P extends ParamSpecs, R extends Resource | undefined = undefined>(
  def: NodeDefinition<P, R>,
): NodeDefinition<P, R> {
  if (!/^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)*$/.test(def.type)) {
    throw new Error(`defineNode: invalid type id "${def.type}"`);
  }
  if (!Number.isInteger(def.version) || def.version < 1) {
    throw new Error(`defineNode(${def.type}): version must be a positive integer`);
  }
  if (!def.compute === !def.computeAsync) {
    throw new Error(`defineNode(${def.type}): give exactly one of compute and computeAsync`);
  }
  for (const [name, spec] of Object.entries(def.params)) {
    if (spec.kind === 'enum' && !spec.options.includes(spec.default)) {
      throw new Error(`defineNode(${def.type}): param ${name} default is not one of its options`);
    }
  }
  return Object.freeze(def);
}
