// `npm test`'s lint layer: typescript-eslint's recommended rules over src/, test/ and bench/,
// tuned where the codebase's own conventions are deliberate.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_name` marks a value left out on purpose (e.g. `const { release: _r, ...rest } = o`).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Tests match aligned terminal output, where the spaces in a pattern are what is checked.
      'no-regex-spaces': 'off',
    },
  },
  {
    // Tests and benchmarks load modules lazily (inside the extension host, after a build) and poke at internals.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);
