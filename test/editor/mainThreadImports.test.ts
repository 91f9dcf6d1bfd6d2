/**
 * The main-thread bundle must not contain tfjs or the node implementations (DESIGN.md §1,
 * §5): a static walk over the imports of src/app/main.ts and every file of src/editor
 * (.ts and the <script> of .vue) fails if any path reaches @tensorflow/*, src/nodes,
 * src/worker, src/models, src/cli, or the engine modules that import tfjs (evaluate, cache,
 * and index, which re-exports them). Type-only imports are erased and do not count.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = path.join(ROOT, 'src');

function sourceOf(file: string): string {
  const text = readFileSync(file, 'utf8');
  if (!file.endsWith('.vue')) return text;
  return [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
}

/** Value imports of a module: static, re-exports and dynamic import(). */
export function valueImports(code: string): string[] {
  const out: string[] = [];
  const noComments = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const m of noComments.matchAll(/(?:^|[;\n])\s*import\s+(type\s+)?([\w*${}\s,]+?\s+from\s+)?['"]([^'"]+)['"]/g)) if (!m[1]) out.push(m[3]!);
  for (const m of noComments.matchAll(/(?:^|[;\n])\s*export\s+(type\s+)?(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s+from\s+['"]([^'"]+)['"]/g)) if (!m[1]) out.push(m[2]!);
  for (const m of noComments.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]!);
  return out;
}

function resolveLocal(from: string, spec: string): string | null {
  const base = path.resolve(path.dirname(from), spec.split('?')[0]!);
  for (const cand of [base, `${base}.ts`, `${base}.vue`, path.join(base, 'index.ts')]) {
    if (existsSync(cand) && statSync(cand).isFile()) return cand;
  }
  return null;
}

const FORBIDDEN_DIRS = ['nodes', 'worker', 'models', 'cli'].map((d) => path.join(SRC, d) + path.sep);
const FORBIDDEN_ENGINE = ['evaluate.ts', 'cache.ts', 'index.ts'].map((f) => path.join(SRC, 'engine', f));

/** Every forbidden import reachable from `entries`, as an import chain. */
export function forbiddenPaths(entries: string[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const stack: { file: string; chain: string[] }[] = entries.map((f) => ({ file: f, chain: [path.relative(ROOT, f)] }));
  while (stack.length) {
    const { file, chain } = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of valueImports(sourceOf(file))) {
      if (spec.startsWith('.')) {
        const target = resolveLocal(file, spec);
        if (!target) {
          problems.push(`${chain.join(' → ')} imports ${spec}, which does not resolve`);
          continue;
        }
        const rel = path.relative(ROOT, target);
        if (FORBIDDEN_DIRS.some((d) => target.startsWith(d)) || FORBIDDEN_ENGINE.includes(target)) {
          problems.push(`${[...chain, rel].join(' → ')}`);
          continue;
        }
        if (/\.(ts|vue)$/.test(target)) stack.push({ file: target, chain: [...chain, rel] });
      } else if (spec.startsWith('@tensorflow/')) {
        problems.push(`${[...chain, spec].join(' → ')}`);
      }
    }
  }
  return problems;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : /\.(ts|vue)$/.test(d.name) && !d.name.endsWith('.d.ts') ? [path.join(dir, d.name)] : []));
}

describe('main thread imports', () => {
  it('reads static, re-export and dynamic imports, and skips type-only ones', () => {
    const code = [
      "import type { Tensor } from '@tensorflow/tfjs-core';",
      "import { a, b } from './x';",
      "import './side-effect';",
      "export * from './y';",
      "export type { T } from './types-only';",
      "const m = await import('rete-auto-arrange-plugin');",
      '// import { gone } from "./commented";',
    ].join('\n');
    expect(valueImports(code)).toEqual(['./x', './side-effect', './y', 'rete-auto-arrange-plugin']);
  });

  it('catches tfjs reached through a chain (checked on the worker entry, which must import it)', () => {
    const found = forbiddenPaths([path.join(SRC, 'worker', 'worker.ts')]);
    expect(found.some((p) => p.includes('src/engine/evaluate.ts'))).toBe(true);
  });

  it('src/app/main.ts and src/editor reach no tfjs, node implementation or worker module', () => {
    const entries = [path.join(SRC, 'app', 'main.ts'), ...walk(path.join(SRC, 'editor'))];
    expect(entries.length).toBeGreaterThan(10);
    expect(forbiddenPaths(entries)).toEqual([]);
  });
});
