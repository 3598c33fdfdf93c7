import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { runMochaFiles } from './mochaRun';
import { RESULTS_DIR } from './paths';
import { writeLayerResult } from './results';

const TIMEOUTS: Record<string, number> = { unit: 10_000, integration: 600_000, ui: 300_000, package: 600_000 };

function testFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return testFiles(full);
    return name.endsWith('.test.js') ? [full] : [];
  });
}

/** Runs one node-side layer (unit, integration, ui or package) and writes test-results/<layer>.json. */
async function main(layer: string, filter?: string): Promise<number> {
  const dir = path.join(__dirname, '..', layer);
  const files = testFiles(dir).filter((f) => !filter || f.includes(filter));
  const result = await runMochaFiles(layer, files, { timeout: TIMEOUTS[layer] ?? 60_000, reporter: 'spec' });
  if (files.length === 0) {
    result.failures.push({ title: layer, error: 'no test files found' });
    result.failed++;
  }
  await writeLayerResult(path.join(RESULTS_DIR, `${layer}.json`), result);
  console.log(`${layer}: ${result.passed} passed, ${result.failed} failed`);
  return result.failed > 0 ? 1 : 0;
}

main(process.argv[2] ?? 'unit', process.argv[3]).then((code) => process.exit(code));
