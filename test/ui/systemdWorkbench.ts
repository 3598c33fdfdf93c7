import { execFileSync } from 'node:child_process';
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { openWorkbench, type Workbench } from '../support/browser';
import { RESULTS_DIR } from '../support/paths';
import { addSystemdEnvironment, createSandboxProject, stopSystemdHost, type SandboxProject } from '../support/sandboxProject';

export interface SystemdWorkbench {
  project: SandboxProject;
  page: Page;
  /** A shell command inside the host container; its trimmed output. */
  onHost(script: string): string;
  /** A screenshot under test-results/, named `<shots>-<name>.png`. */
  shot(name: string): Promise<unknown>;
}

/**
 * The mocha hooks of a UI test against one real systemd + nginx host: a project whose `bluegreen`
 * environment is that host (production names a host at `placeholderPort` that nothing connects
 * to: it needs one to be valid), then code-server and Chromium on it; all stopped and removed after.
 */
export function systemdWorkbench(host: { name: string; ssh: number; http: number }, options: { shots: string; tempPrefix: string; placeholderPort: number; prepare?: (project: SandboxProject) => void }): SystemdWorkbench {
  let workbench: Workbench | undefined;
  const fixture = {
    onHost: (script: string) => execFileSync('docker', ['exec', host.name, 'sh', '-c', script], { encoding: 'utf8' }).trim(),
    shot: (name: string) => fixture.page.screenshot({ path: path.join(RESULTS_DIR, `${options.shots}-${name}.png`) }),
  } as SystemdWorkbench;

  before(async () => {
    await mkdir(RESULTS_DIR, { recursive: true });
    fixture.project = await createSandboxProject([], options.tempPrefix);
    const config = path.join(fixture.project.dir, 'config', 'deploy.yml');
    await writeFile(config, (await readFile(config, 'utf8')).replace('    hosts:\n\n', `    hosts:\n      - { host: 127.0.0.1, port: ${options.placeholderPort} }\n`));
    await addSystemdEnvironment(fixture.project, host);
    options.prepare?.(fixture.project);
    workbench = await openWorkbench(fixture.project.dir);
    fixture.page = workbench.page;
  });

  after(async () => {
    await workbench?.close();
    stopSystemdHost(host.name);
    await fixture.project?.cleanup();
  });

  return fixture;
}
