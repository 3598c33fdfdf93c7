import { execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { projectKey } from '../../src/core/git/cacheDir';
import { REPO_ROOT } from './paths';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');

export interface CliRun { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/**
 * Runs the bundled CLI with the release store under `cacheHome`; `onStderr` sees the output so far
 * and may kill it. A run that takes longer than `limitMs` is killed, so one stuck process cannot block the rest.
 */
export function runCli(cacheHome: string, args: string[], onStderr?: (text: string, kill: () => void) => void, limitMs = 180000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, XDG_CACHE_HOME: cacheHome }, stdio: ['ignore', 'pipe', 'pipe'] });
    const limit = setTimeout(() => {
      stderr += `\n[the test killed this run after ${limitMs} ms]\n`;
      child.kill('SIGKILL');
    }, limitMs);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr, () => child.kill('SIGKILL'));
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Removes a project copy and what the build engine made for it: its build container, builder image and cache volumes. */
export function removeProject(dir: string): void {
  const key = projectKey(dir);
  const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').filter(Boolean);
  const quietly = (fn: () => void) => {
    try {
      fn();
    } catch {
      // best effort
    }
  };
  quietly(() => {
    const containers = docker('ps', '-aq', '--filter', `label=dev.phoenix-deploy.project=${key}`);
    if (containers.length > 0) docker('rm', '-f', ...containers);
  });
  quietly(() => {
    const images = docker('images', '-q', `phoenix-deploy-builder/${key}`);
    if (images.length > 0) docker('rmi', '-f', ...images);
  });
  quietly(() => {
    const volumes = docker('volume', 'ls', '-q').filter((v) => v.startsWith(`phoenix-deploy-${key}-`));
    if (volumes.length > 0) docker('volume', 'rm', ...volumes);
  });
  rmSync(dir, { recursive: true, force: true });
}
