import * as path from 'node:path';
import { readdirSync } from 'node:fs';
import { runMochaFiles } from '../support/mochaRun';
import { writeLayerResult } from '../support/results';

/** Entry point the extension host calls (extensionTestsPath): mocha inside real VS Code. */
export async function run(): Promise<void> {
  const files = readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).map((f) => path.join(__dirname, f));
  const result = await runMochaFiles('extension', files, { timeout: 120_000, reporter: 'spec' });
  console.log(`extension tests: ${result.passed} passed, ${result.failed} failed`);
  const out = process.env.PHOENIX_TEST_RESULTS;
  if (out) await writeLayerResult(out, result);
  if (result.failed > 0) throw new Error(`${result.failed} extension test(s) failed`);
}
