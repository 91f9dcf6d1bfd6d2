/**
 * The node catalogue on the main thread: plain data from the worker, turned into a
 * NodeRegistry of definitions without compute, so the editor's Graph validates params and
 * connections exactly like files and the CLI do (cross-param `check` functions stay in the
 * worker: their problems show as node errors after evaluation).
 */
import { NodeRegistry } from '../../engine/registry';
import type { NodeCatalogEntry } from '../../engine/registry';
import type { AnyNodeDefinition, PortType } from '../../engine/types';
import generated from '../../generated/catalog.json';

/**
 * The catalogue as built into the page (`npm run catalog` writes it from the node
 * definitions; a unit test keeps it equal): the canvas is built from it at once, while the
 * worker is still loading tfjs and the nodes.
 */
export const GENERATED_CATALOG: readonly NodeCatalogEntry[] = generated as unknown as NodeCatalogEntry[];

export function registryFromCatalog(catalog: readonly NodeCatalogEntry[]): NodeRegistry {
  return new NodeRegistry(catalog.map((e) => ({ ...e }) as unknown as AnyNodeDefinition));
}

/** Socket colours by port type (also used by wires and the minimap legend). */
export const PORT_COLORS: Readonly<Record<PortType | 'any', string>> = {
  image: '#5aa9e6',
  mask: '#e0e0e0',
  latent: '#b68cf0',
  number: '#8fd16a',
  any: '#9aa0a6',
};

/** Header accent colours by palette category (unknown categories get a neutral one). */
const CATEGORY_COLORS: Readonly<Record<string, string>> = {
  IO: '#4a7fb5',
  Filter: '#3f8f74',
  Noise: '#a0663a',
  Generate: '#9a5aa8',
  Metric: '#b3873a',
  Image: '#4f6fa8',
  Mask: '#7a7a7a',
  Latent: '#7058b8',
  Model: '#a8506b',
  Inpaint: '#5f8f3f',
};

export function categoryColor(category: string): string {
  if (CATEGORY_COLORS[category]) return CATEGORY_COLORS[category]!;
  let h = 0;
  for (let i = 0; i < category.length; i++) h = (h * 31 + category.charCodeAt(i)) >>> 0;
  return `hsl(${h % 360} 35% 42%)`;
}

export function portColor(type: string | undefined): string {
  return (type && PORT_COLORS[type as PortType]) || PORT_COLORS.any;
}

/** Categories in catalogue order, each with its entries. */
export function byCategory(catalog: readonly NodeCatalogEntry[]): { category: string; entries: NodeCatalogEntry[] }[] {
  const out: { category: string; entries: NodeCatalogEntry[] }[] = [];
  for (const e of catalog) {
    let g = out.find((x) => x.category === e.category);
    if (!g) out.push((g = { category: e.category, entries: [] }));
    g.entries.push(e);
  }
  return out;
}
