import * as path from 'node:path';
import { readdirSync } from 'node:fs';
import { runMochaFiles } from '../support/mochaRun';
import { writeLayerResult } from '../support/results';

/**
 * Entry point the extension host calls (extensionTestsPath): mocha inside real VS Code.
 * PHOENIX_TEST_SUITE picks the files: the trusted suite (this folder) or `restricted/`.
 */
export async function run(): Promise<void> {
  const suite = process.env.PHOENIX_TEST_SUITE ?? 'trusted';
  const dir = suite === 'restricted' ? path.join(__dirname, 'restricted') : __dirname;
  // PHOENIX_TEST_FILTER: only the files whose name contains it (one feature's tests, e.g. createConfig).
  const only = process.env.PHOENIX_TEST_FILTER;
  const files = readdirSync(dir).filter((f) => f.endsWith('.test.js') && (!only || f.includes(only))).map((f) => path.join(dir, f));
  const result = await runMochaFiles(`extension (${suite})`, files, { timeout: 180_000, reporter: 'spec' });
  console.log(`extension tests (${suite}): ${result.passed} passed, ${result.failed} failed`);
  const out = process.env.PHOENIX_TEST_RESULTS;
  if (out) await writeLayerResult(out, result);
  if (result.failed > 0) throw new Error(`${result.failed} extension test(s) failed`);
}
