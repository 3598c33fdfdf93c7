// `npm run bench`: compile, bundle, then every benchmark in sequence (out/bench/all.js), each printing
// its figures and the command that produced them. Extra arguments pick benchmarks by name, e.g.
// `npm run bench -- transfer fanout`. Sandbox hosts use 127.0.0.1:2300-2330 only (BENCH_PORTS=FIRST-LAST
// moves the range, BENCH_CONTAINER_PREFIX names the containers: see bench/support/sandbox.ts).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status ?? 1;

process.exitCode = run(process.execPath, ['scripts/generate-codenames.mjs']) || run('npx', ['tsc', '-p', '.']) || run(process.execPath, ['scripts/bundle.mjs'])
  || run(process.execPath, ['out/bench/all.js', ...process.argv.slice(2)]);
