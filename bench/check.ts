/**
 * Time of a full static version check (read the files + check) of the example project, as it is
 * and with a mise.toml beside its .tool-versions (TOML parsing, precedence). It runs on every
 * keystroke in the editor: goal under 5 ms.
 * Run: npx tsc -p . && node out/bench/check.js [runs]
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkProject, checkProjectDir, readProjectFiles } from '../src/core/versions/check';

const GOAL_MS = 5;

async function main(): Promise<void> {
  const example = resolve(__dirname, '../../examples/hello_phoenix');
  const runs = Number(process.argv[2] ?? 200);
  const withMise = await mkdtemp(join(tmpdir(), 'pd-bench-check-'));
  try {
    await cp(example, withMise, { recursive: true });
    // Agrees with the example, so the figures are those of a clean project.
    await writeFile(join(withMise, 'mise.toml'), '[env]\nMIX_ENV = "prod"\n\n[tools]\nerlang = "25.2.3"\nelixir = "1.14.0-otp-25"\nnode = "20"\n');
    let met = true;
    for (const [label, root] of [['examples/hello_phoenix', example], ['examples/hello_phoenix + mise.toml', withMise]] as const) {
      met = (await measure(label, root, runs)) && met;
    }
    console.log(`goal < ${GOAL_MS} ms: ${met ? 'met' : 'MISSED'}`);
    console.log('command: npm run bench -- check');
  } finally {
    await rm(withMise, { recursive: true, force: true });
  }
}

async function measure(label: string, root: string, runs: number): Promise<boolean> {
  const files = await readProjectFiles(root);
  for (let i = 0; i < 20; i++) await checkProjectDir(root); // warm-up: JIT and file cache
  const withIo = await time(runs, () => checkProjectDir(root));
  const pure = await time(runs, async () => checkProject(files));
  const findings = await checkProjectDir(root);
  console.log(`check (read + parse + rules) of ${label}: median ${withIo.median.toFixed(3)} ms, p95 ${withIo.p95.toFixed(3)} ms over ${runs} warm runs; without file reads: median ${pure.median.toFixed(3)} ms; findings: ${findings.length}`);
  return withIo.median < GOAL_MS;
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
