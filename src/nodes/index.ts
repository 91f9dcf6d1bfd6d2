/** The node catalogue: every node kind, listed explicitly (nothing registers on import). */
import type { AnyNodeDefinition } from '../engine/types';
import { NodeRegistry } from '../engine/registry';
// --- io (image.load, image.save) ---
import { imageLoad } from './imageLoad';
import { imageSave } from './imageSave';
// --- filters ---
// --- noise, generate, metrics, image ops ---

export const allNodes: readonly AnyNodeDefinition[] = [
  // --- io list ---
  imageLoad,
  imageSave,
  // --- filters list ---
  // --- noise, generate, metrics, image ops list ---
];

export function createRegistry(extra: readonly AnyNodeDefinition[] = []): NodeRegistry {
  return new NodeRegistry([...allNodes, ...extra]);
}
