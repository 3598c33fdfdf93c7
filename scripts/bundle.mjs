// Bundles the extension and the CLI. `vscode` is provided by the host; ssh2's optional native
// parts stay external so it falls back to pure JS.
import { build } from 'esbuild';

const shared = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: process.argv.includes('--minify'),
  external: ['vscode', 'cpu-features', '*.node'],
  logLevel: 'warning',
};

await Promise.all([
  build({ ...shared, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' }),
  build({ ...shared, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
]);
