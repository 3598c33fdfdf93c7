/**
 * Every benchmark in sequence (one at a time: they share this machine's cores), each printing its
 * figures and the command that produced them; then a summary of which ran.
 *   npx tsc -p . && node scripts/bundle.mjs && node out/bench/all.js [name...]
 * Names: check, activation, build, transfer, fanout, downtime, tree, first-deploy (default: all).
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const BENCHES: Array<{ name: string; script: string; args?: string[] }> = [
  { name: 'check', script: 'check.js' },
  { name: 'activation', script: 'activation/run.js' },
  { name: 'build', script: 'build.js' },
  { name: 'transfer', script: 'transfer.js' },
  { name: 'fanout', script: 'fanout.js' },
  { name: 'downtime', script: 'downtime.js' },
  { name: 'tree', script: 'tree.js' },
  { name: 'first-deploy', script: 'firstDeploy.js' },
];

function runOne(script: string, args: string[] = []): Promise<{ code: number; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(__dirname, script), ...args], { stdio: 'inherit' });
    child.on('close', (code) => resolve({ code: code ?? 1, ms: Date.now() - started }));
    child.on('error', () => resolve({ code: 1, ms: Date.now() - started }));
  });
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !BENCHES.some((b) => b.name === w));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const selected = wanted.length > 0 ? BENCHES.filter((b) => wanted.includes(b.name)) : BENCHES;
  const summary: string[] = [];
  console.log(`phoenix-deploy benchmarks, ${new Date().toISOString()}, node ${process.version}, ${require('node:os').cpus().length} cores`);
  for (const b of selected) {
    console.log(`\n=== ${b.name}`);
    const { code, ms } = await runOne(b.script, b.args);
    summary.push(`${b.name.padEnd(10)} ${code === 0 ? 'ok    ' : `FAILED (exit ${code})`} ${(ms / 1000).toFixed(0)} s`);
    if (code !== 0) process.exitCode = 1;
  }
  console.log(`\n=== summary\n${summary.join('\n')}`);
  console.log(`command: npx tsc -p . && node scripts/bundle.mjs && node out/bench/all.js${wanted.length ? ` ${wanted.join(' ')}` : ''}`);
}

void main();
