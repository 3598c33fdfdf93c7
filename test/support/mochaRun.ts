import Mocha from 'mocha';
import type { LayerResult } from './results';

/** Runs mocha files and counts the outcome; a hook failure counts as a failed test. */
export function runMochaFiles(layer: string, files: string[], options: Mocha.MochaOptions): Promise<LayerResult> {
  const mocha = new Mocha({ ui: 'bdd', color: false, ...options });
  for (const f of files) mocha.addFile(f);
  const result: LayerResult = { layer, passed: 0, failed: 0, failures: [] };
  return new Promise((resolve) => {
    const runner = mocha.run(() => resolve(result));
    runner.on('pass', () => result.passed++);
    runner.on('fail', (test, err: Error) => {
      result.failed++;
      result.failures.push({ title: test.fullTitle(), error: String(err?.stack ?? err).split('\n').slice(0, 6).join('\n') });
    });
  });
}
