// `npm test`: sets up what is missing, then runs every layer (typecheck, lint, unit, integration,
// extension host, UI, the packaged .vsix in code-server) and ends with one line for all of
// them: "N passed, N failed".
// A layer that cannot start counts as failed, never as skipped.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const results = path.join(root, 'test-results');
const only = process.argv.slice(2); // e.g. `npm test -- unit extension`
const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts }).status ?? 1;

const totals = [];
function record(layer, passed, failed, note = '') {
  totals.push({ layer, passed, failed });
  console.log(`\n== ${layer}: ${passed} passed, ${failed} failed${note ? ` (${note})` : ''}\n`);
}

function layerFromFile(layer, exitCode) {
  try {
    const r = JSON.parse(readFileSync(path.join(results, `${layer}.json`), 'utf8'));
    for (const f of r.failures) console.log(`  ✗ ${f.title}\n    ${f.error.split('\n').join('\n    ')}`);
    record(layer, r.passed, r.failed);
  } catch {
    record(layer, 0, 1, `could not start (exit ${exitCode})`);
  }
}

mkdirSync(results, { recursive: true });
if (!process.env.PHOENIX_SKIP_SETUP && run('bash', ['scripts/testbed/setup.sh']) !== 0) {
  console.log('testbed setup failed; the layers that need it will fail');
}

// The OS codename table is generated from distro-info-data (installed by the setup above).
run('node', ['scripts/generate-codenames.mjs']);
// A fresh out/: a test whose source was deleted must not keep running from an old build.
rmSync(path.join(root, 'out'), { recursive: true, force: true });
const tsc = run('npx', ['tsc', '-p', '.']);
record('typecheck', tsc === 0 ? 1 : 0, tsc === 0 ? 0 : 1);
const bundle = run('node', ['scripts/bundle.mjs']);
record('bundle', bundle === 0 ? 1 : 0, bundle === 0 ? 0 : 1);

const layers = [
  ['lint', ['scripts/lint.mjs']],
  ['unit', ['out/test/support/runLayer.js', 'unit']],
  ['integration', ['out/test/support/runLayer.js', 'integration']],
  ['extension', ['out/test/support/runExtensionTests.js']],
  ['ui', ['out/test/support/runLayer.js', 'ui']],
  // Last: `npm run package` rebuilds dist/ minified, and the layers above run dist/ from the source tree.
  ['package', ['out/test/support/runLayer.js', 'package']],
];
for (const [layer, args] of layers) {
  if (only.length > 0 && !only.includes(layer)) continue;
  rmSync(path.join(results, `${layer}.json`), { force: true });
  console.log(`\n== ${layer} tests\n`);
  layerFromFile(layer, run('node', args));
}

const passed = totals.reduce((n, t) => n + t.passed, 0);
const failed = totals.reduce((n, t) => n + t.failed, 0);
console.log('\nlayer        passed  failed');
for (const t of totals) console.log(`${t.layer.padEnd(12)} ${String(t.passed).padStart(6)}  ${String(t.failed).padStart(6)}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
