/**
 * Node ids for nodes the user adds: `<last type segment><n>`, e.g. `filter.gaussianBlur` →
 * `gaussianBlur1`, `image.load` → `load1`, the first unused n counting from 1. Predictable
 * ids make graph files readable and let tests address nodes.
 */
import { nodeIdProblem } from '../../engine/checks';

/** `filter.gaussianBlur` → `gaussianBlur`; a leading capital is lowered; invalid characters dropped. */
export function idBaseForType(type: string): string {
  const last = type.split('.').filter(Boolean).pop() ?? 'node';
  const clean = last.replace(/[^A-Za-z0-9_-]/g, '');
  if (clean === '') return 'node';
  return clean.charAt(0).toLowerCase() + clean.slice(1);
}

/** The first `<base><n>` (n = 1, 2, …) for which `taken` is false. */
export function nextId(base: string, taken: (id: string) => boolean): string {
  for (let n = 1; ; n++) {
    const id = `${base}${n}`;
    if (!taken(id) && nodeIdProblem(id) === null) return id;
  }
}

export function idForType(type: string, taken: (id: string) => boolean): string {
  return nextId(idBaseForType(type), taken);
}

/**
 * A fresh id for a copy of node `id`: its base (trailing digits removed) with the first
 * unused number, so `median2` pastes as `median3` when 1 and 2 exist.
 */
export function idForCopy(id: string, type: string, taken: (id: string) => boolean): string {
  const stem = id.replace(/\d+$/, '');
  return nextId(stem !== '' && nodeIdProblem(stem) === null ? stem : idBaseForType(type), taken);
}
