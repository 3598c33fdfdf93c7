/**
 * Time of a full static version check (read the files + check) of the example project.
 * Goal: well under 20 ms, so that the editor can run it on every keystroke.
 * Run: npx tsc -p . && node out/bench/check.js [runs]
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkProject, checkProjectDir, readProjectFiles } from '../src/core/versions/check';

async function main(): Promise<void> {
  const root = resolve(__dirname, '../../examples/hello_phoenix');
  const runs = Number(process.argv[2] ?? 200);
  const files = await readProjectFiles(root);
  for (let i = 0; i < 20; i++) await checkProjectDir(root); // warm-up: JIT and file cache
  const withIo = await time(runs, () => checkProjectDir(root));
  const pure = await time(runs, async () => checkProject(files));
  const findings = await checkProjectDir(root);
  console.log(`check (read + parse + rules) of examples/hello_phoenix: median ${withIo.median.toFixed(3)} ms, p95 ${withIo.p95.toFixed(3)} ms over ${runs} warm runs`);
  console.log(`check without file reads: median ${pure.median.toFixed(3)} ms, p95 ${pure.p95.toFixed(3)} ms`);
  console.log(`findings: ${findings.length}; goal < 20 ms: ${withIo.median < 20 ? 'met' : 'MISSED'}`);
  console.log('command: npx tsc -p . && node out/bench/check.js');
}

async function time(runs: number, task: () => Promise<unknown>): Promise<{ median: number; p95: number }> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await task();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(runs / 2)], p95: samples[Math.min(runs - 1, Math.floor(runs * 0.95))] };
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
