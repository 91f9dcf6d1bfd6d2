import type { AnyNodeDefinition, ParamSpec, PortSpec } from './types';

/** Plain-data description of a node kind (what the editor receives from the worker). */
export interface NodeCatalogEntry {
  type: string;
  title: string;
  category: string;
  description: string;
  version: number;
  inputs: Record<string, PortSpec>;
  outputs: Record<string, PortSpec>;
  params: Record<string, ParamSpec>;
}

/** The set of node kinds a graph may use. Built explicitly; nothing registers on import. */
export class NodeRegistry {
  private readonly defs = new Map<string, AnyNodeDefinition>();

  constructor(definitions: readonly AnyNodeDefinition[]) {
    for (const d of definitions) {
      if (this.defs.has(d.type)) throw new Error(`NodeRegistry: duplicate node type "${d.type}"`);
      this.defs.set(d.type, d);
    }
  }

  get(type: string): AnyNodeDefinition | undefined {
    return this.defs.get(type);
  }

  has(type: string): boolean {
    return this.defs.has(type);
  }

  list(): AnyNodeDefinition[] {
    return [...this.defs.values()];
  }

  /** Serializable catalogue (no functions), sorted by category then title. */
  catalog(): NodeCatalogEntry[] {
    return this.list()
      .map(catalogEntry)
      .sort((a, b) => a.category.localeCompare(b.category) || a.title.localeCompare(b.title));
  }
}

/** A definition as plain catalogue data (no functions). */
export function catalogEntry(d: AnyNodeDefinition): NodeCatalogEntry {
  return {
    type: d.type,
    title: d.title,
    category: d.category,
    description: d.description,
    version: d.version,
    inputs: structuredClone({ ...d.inputs }),
    outputs: structuredClone({ ...d.outputs }),
    params: structuredClone({ ...d.params }) as Record<string, ParamSpec>,
  };
}
