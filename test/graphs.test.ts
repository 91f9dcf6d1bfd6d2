/**
 * Every example graph in graphs/ evaluates in-process on every test backend without a node
 * error, and tf.memory().numTensors returns to its baseline once the results are released
 * and the cache is cleared (DESIGN.md §4, tensor ownership).
 */
import * as tf from '@tensorflow/tfjs-core';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodeHost } from '../src/cli/host';
import { Engine } from '../src/engine/evaluate';
import { parseGraph } from '../src/engine/format';
import { createRegistry } from '../src/nodes';
import { testBackends, useBackend } from './helpers/backends';

const dir = path.join(__dirname, '..', 'graphs');
const files = readdirSync(dir).filter((f) => f.endsWith('.graph.json')).sort();
const registry = createRegistry();

describe('example graphs', () => {
  it('the four example graphs of the foundation issue are present', () => {
    for (const name of ['denoise', 'edges', 'noise-gallery', 'sharpen']) expect(files).toContain(`${name}.graph.json`);
  });

  for (const backend of testBackends) {
    describe(`on ${backend}`, () => {
      for (const file of files) {
        it(`${file}: every sink evaluates and no tensor leaks`, async () => {
          await useBackend(backend);
          const graph = parseGraph(readFileSync(path.join(dir, file), 'utf8'), registry);
          const engine = new Engine({ registry, host: createNodeHost({ baseDir: dir, maxImageSide: 8192 }) });
          const baseline = tf.memory().numTensors;
          const sinks = graph.sinks();
          expect(sinks.length).toBeGreaterThan(0);
          const result = await engine.evaluate(graph, sinks);
          expect([...result.errors.values()].map((e) => e.message)).toEqual([]);
          for (const id of sinks) expect(result.status.get(id)).toMatch(/^(ok|cached)$/);
          // Every image flowing into a sink is a finite float image in [0, 1] (metric maps excepted).
          for (const id of sinks) {
            for (const e of graph.edges.filter((x) => x.to.node === id)) {
              const v = result.value(e.from.node, e.from.port);
              if (v instanceof tf.Tensor && graph.getNode(id)!.type === 'image.save') {
                const range = tf.tidy(() => tf.stack([tf.min(v), tf.max(v)]));
                const [lo, hi] = await range.data();
                range.dispose();
                expect(lo).toBeGreaterThanOrEqual(0);
                expect(hi).toBeLessThanOrEqual(1);
              }
            }
          }
          // A second run is served from the cache: no compute.
          const computes = engine.stats.computes;
          const again = await engine.evaluate(graph, sinks);
          expect(engine.stats.computes).toBe(computes);
          again.release();
          result.release();
          engine.clearCache();
          expect(tf.memory().numTensors).toBe(baseline);
          engine.dispose();
          // SwiftShader (software WebGPU) is slow on host-heavy graphs: give it room under load.
        }, backend === 'webgpu' ? 300_000 : 120_000);
      }
    });
  }
});
