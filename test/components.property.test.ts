/**
 * The components property (issue 22): in every example graph, turning a connected selection
 * of 2–6 nodes into a component (and writing and reading the file back) changes no output:
 * every node's every output has the same bytes at its path (`c1/<id>` inside the instance).
 * Selections are grown deterministically from each node in turn; a selection a path leaves
 * and re-enters cannot become a component (make component refuses it) and is skipped.
 */
import * as tf from '@tensorflow/tfjs-core';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeHost } from '../src/cli/host';
import { makeComponent } from '../src/engine/componentOps';
import { Engine, type EvaluationResult } from '../src/engine/evaluate';
import { GraphError } from '../src/engine/errors';
import { parseGraph, serializeGraph } from '../src/engine/format';
import type { Graph } from '../src/engine/graph';
import { hashBytes } from '../src/engine/signature';
import { createRegistry } from '../src/nodes';
import { useBackend } from './helpers/backends';

const dir = path.join(__dirname, '..', 'graphs');
const files = readdirSync(dir).filter((f) => f.endsWith('.graph.json')).sort();
const registry = createRegistry();
const host = createNodeHost({ baseDir: dir, maxImageSide: 8192 });
/** Selection sizes, and how many distinct selections of each size are tried per graph. */
const SIZES = [2, 3, 4, 5, 6];
const PER_SIZE = 3;

/** Up to PER_SIZE distinct closed connected selections of each size, grown breadth-first from each node in turn. */
function selections(g: Graph): string[][] {
  const ids = g.nodeIds();
  const nbrs = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of g.edges) {
    nbrs.get(e.from.node)!.push(e.to.node);
    nbrs.get(e.to.node)!.push(e.from.node);
  }
  const out: string[][] = [];
  for (const size of SIZES) {
    if (size >= ids.length) break;
    const seen = new Set<string>();
    for (const start of ids) {
      if (seen.size >= PER_SIZE) break;
      const sel = [start];
      for (let i = 0; i < sel.length && sel.length < size; i++) for (const n of nbrs.get(sel[i]!)!) if (!sel.includes(n) && sel.length < size) sel.push(n);
      const k = [...sel].sort().join('\u0000');
      if (sel.length !== size || seen.has(k)) continue;
      try {
        makeComponent(parseGraph(serializeGraph(g), registry), sel);
      } catch (e) {
        if (e instanceof GraphError) continue;
        throw e;
      }
      seen.add(k);
      out.push(sel);
    }
  }
  return out;
}

async function hashes(result: EvaluationResult, nodes: readonly string[], pathOf: (id: string) => string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const id of nodes) {
    const o = result.outputs(pathOf(id)) ?? {};
    for (const [port, v] of Object.entries(o)) {
      out[`${id}.${port}`] = typeof v === 'number' ? String(v) : `${v.shape.join('x')}:${hashBytes(new Uint8Array(((await v.data()) as Float32Array).slice().buffer))}`;
    }
  }
  return out;
}

describe('components property: a component changes no output', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });
  for (const file of files) {
    it(`${file}: every connected selection of 2–6 nodes made a component gives the same bytes`, async () => {
      const text = readFileSync(path.join(dir, file), 'utf8');
      const original = parseGraph(text, registry);
      const nodes = original.nodeIds();
      const baseline = tf.memory().numTensors;
      const engine = new Engine({ registry, host });
      const ref = await engine.evaluate(original, nodes);
      const want = await hashes(ref, nodes, (id) => id);
      expect(Object.keys(want).length).toBeGreaterThan(0);
      ref.release();
      const sels = selections(original);
      expect(sels.length).toBeGreaterThan(0);
      for (const sel of sels) {
        const g = parseGraph(text, registry);
        const inst = makeComponent(g, sel, { component: 'picked' });
        const reread = parseGraph(serializeGraph(g), registry);
        // A fresh cache: every node computes again inside the instance.
        engine.clearCache();
        const computes = engine.stats.computes;
        const r = await engine.evaluate(reread, reread.nodeIds());
        expect(engine.stats.computes - computes, `${sel.join(', ')}: nodes computed`).toBeGreaterThan(0);
        const got = await hashes(r, nodes, (id) => (sel.includes(id) ? `${inst}/${id}` : id));
        expect(got, `selection ${sel.join(', ')}`).toEqual(want);
        r.release();
      }
      engine.clearCache();
      engine.dispose();
      expect(tf.memory().numTensors).toBe(baseline);
    }, 180_000);
  }
});
