// Bundles the extension and the CLI. `vscode` is provided by the host; ssh2's optional native
// parts stay external so it falls back to pure JS.
//
// ssh2 and dockerode (with its gRPC and protobuf dependencies) are two thirds of the code, and are
// only needed once a build or a deploy starts: the sources load them with `await import(...)`, as
// they do protobufjs/light, which decodes BuildKit's progress.
// They are bundled on their own into dist/vendor/, and the extension and CLI bundles require them
// from there on first use, so activating the extension (or running `check`) does not parse them.
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

const VENDOR = ['ssh2', 'dockerode', 'protobufjs/light'];
const lazyVendor = {
  name: 'lazy-vendor',
  setup(b) {
    const filter = new RegExp(`^(${VENDOR.join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: `./vendor/${args.path}.js`, external: true }));
  },
};
// `import()` of the vendor bundles becomes require(), resolved next to the bundle, with esbuild's CJS interop.
const lazy = { plugins: [lazyVendor], supported: { 'dynamic-import': false } };

await Promise.all([
  build({ ...shared, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', ...lazy }),
  build({ ...shared, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, ...lazy }),
  build({ ...shared, entryPoints: Object.fromEntries(VENDOR.map((name) => [name, name])), outdir: 'dist/vendor' }),
]);
