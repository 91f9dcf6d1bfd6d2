// Import boundaries of DESIGN.md §1, enforced so a violation fails CI.
import tseslint from 'typescript-eslint';

const tfjs = ['@tensorflow/*'];
const ui = ['vue', 'vue/*', 'rete', 'rete-*', '@vue/*'];
const storage = ['dexie', 'dexie/*'];
const rel = (...dirs) => dirs.flatMap((d) => [`../${d}`, `../${d}/*`, `../../${d}`, `../../${d}/*`, `**/src/${d}/*`]);

function restrict(patterns, message) {
  return { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] };
}

export default tseslint.config(
  // src/kernels/wasm is AssemblyScript (its own types: f32, v128, …), compiled by asc.
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'public/**', '**/*.d.ts', 'out/**', 'tmp/**', 'dist-cli/**', 'src/kernels/wasm/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.property.name='forEach'] > :function[async=true]", message: 'forEach(async …) does not wait; use for … of' }],
    },
  },
  {
    files: ['src/engine/**'],
    rules: restrict([...ui, ...storage, ...rel('nodes', 'models', 'editor', 'storage', 'worker', 'cli', 'app')], 'src/engine is plain TypeScript: no Vue, Rete, Dexie, DOM, or other src modules (DESIGN.md §1)'),
  },
  {
    files: ['src/kernels/**'],
    rules: restrict([...ui, ...storage, ...tfjs, ...rel('engine', 'nodes', 'models', 'editor', 'storage', 'worker', 'cli', 'app')], 'src/kernels are pure: typed arrays and sizes, no tfjs, no graph (DESIGN.md §7b)'),
  },
  {
    files: ['src/nodes/**'],
    rules: restrict([...ui, ...storage, ...rel('models', 'editor', 'storage', 'worker', 'cli', 'app')], 'src/nodes may import only the engine (DESIGN.md §1)'),
  },
  {
    files: ['src/models/**'],
    rules: restrict([...ui, ...storage, ...rel('nodes', 'editor', 'storage', 'worker', 'cli', 'app')], 'src/models may import only the engine (DESIGN.md §1)'),
  },
  {
    files: ['src/storage/**'],
    rules: restrict([...ui, ...tfjs, ...rel('nodes', 'models', 'editor', 'worker', 'cli', 'app')], 'src/storage may import only the engine and dexie (DESIGN.md §1)'),
  },
  {
    files: ['src/editor/**', 'src/app/**'],
    rules: restrict([...tfjs, ...rel('nodes', 'models', 'worker', 'cli')], 'the editor runs on the main thread: no tfjs or node implementations (DESIGN.md §1)'),
  },
  {
    files: ['src/worker/**'],
    rules: restrict([...ui, ...storage, ...rel('editor', 'storage', 'cli', 'app')], 'the worker holds engine, nodes and models only (DESIGN.md §1)'),
  },
  {
    files: ['src/cli/**'],
    rules: restrict([...ui, ...storage, ...rel('editor', 'storage', 'worker', 'app')], 'the CLI uses engine, nodes and models only (DESIGN.md §1)'),
  },
);
