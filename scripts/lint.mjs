// `npm test`'s lint layer: typescript-eslint, dependency-cruiser's rules (.dependency-cruiser.cjs:
// no cycles, a pure src/core, one-way layers) and src/core compiled alone (tsconfig.core.json,
// no @types/vscode). Each check is one test: it passes when its tool exits 0. A tool that cannot
// start fails its check. Writes test-results/lint.json like the other layers.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const checks = [
  ['eslint (typescript-eslint recommended)', bin('eslint'), ['--max-warnings', '0', 'src', 'test', 'bench']],
  ['dependency rules (no cycles, pure core, one-way layers)', bin('depcruise'), ['src', 'test', 'bench', '--output-type', 'err']],
  ['src/core compiles without vscode (tsconfig.core.json)', bin('tsc'), ['-p', 'tsconfig.core.json']],
];

const result = { layer: 'lint', passed: 0, failed: 0, failures: [] };
for (const [title, cmd, args] of checks) {
  console.log(`\n-- ${title}`);
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `could not start ${cmd}: ${r.error.message}` : ''}`.trim();
  if (output) console.log(output);
  if (r.status === 0) {
    result.passed++;
    console.log('   ok');
  } else {
    result.failed++;
    result.failures.push({ title, error: output.split('\n').slice(-40).join('\n') || `exit ${r.status ?? r.signal}` });
  }
}
mkdirSync(path.join(root, 'test-results'), { recursive: true });
writeFileSync(path.join(root, 'test-results', 'lint.json'), JSON.stringify(result, null, 2));
console.log(`lint: ${result.passed} passed, ${result.failed} failed`);
process.exitCode = result.failed > 0 ? 1 : 0;
