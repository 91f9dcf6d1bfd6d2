/**
 * The editor builds its canvas from a generated copy of the node catalogue (no wait for the
 * worker to load tfjs): it must equal the catalogue the nodes define.
 */
import { describe, expect, it } from 'vitest';
import { GENERATED_CATALOG } from '../../src/editor/logic/catalog';
import { createRegistry } from '../../src/nodes/index';

describe('generated node catalogue', () => {
  it('equals the registry catalogue (else run `npm run catalog`)', () => {
    const catalog = createRegistry().catalog();
    expect(GENERATED_CATALOG.map((e) => e.type)).toEqual(catalog.map((e) => e.type));
    expect(GENERATED_CATALOG, 'src/generated/catalog.json is out of date: run `npm run catalog`').toEqual(catalog);
  });
});
