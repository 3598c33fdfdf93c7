import { readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { launchChromium } from './browser';
import { startCodeServer, workbenchUrl } from './codeServer';
import { REPO_ROOT, RESULTS_DIR } from './paths';
import { writeLayerResult, type LayerResult } from './results';
import { addSystemdEnvironment, createSandboxProject, stopSystemdHost, type SandboxProject } from './sandboxProject';

const TIMEOUT_MS = 15 * 60_000;

/**
 * Opens code-server's workbench with extensionTestsPath and waits for the tests to report.
 * The trusted suite gets a sandbox project already deployed once to a real host, so the
 * Servers tree has something to show; the restricted suite opens it untrusted.
 */
async function runSuite(suite: 'trusted' | 'restricted', workspace: string, env: NodeJS.ProcessEnv): Promise<LayerResult> {
  const resultsFile = path.join(RESULTS_DIR, `extension-${suite}.json`);
  await rm(resultsFile, { force: true });
  const trust = suite === 'trusted' ? { 'security.workspace.trust.enabled': false } : { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' };
  const server = await startCodeServer({
    settings: { ...trust, 'workbench.startupEditor': 'none', 'extensions.autoCheckUpdates': false },
    env: { ...env, PHOENIX_TEST_RESULTS: resultsFile, PHOENIX_TEST_SUITE: suite },
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    page.on('console', (m) => {
      // Mocha's spec reporter runs in the extension host; its lines reach the page console.
      const text = m.text().replace(/^%c\s*\w+\s*color: #\w+\s*/, '');
      if (/✔|passing|failing|^\s*\d+\) /.test(text)) process.stdout.write(`  ${text.replace(/%[sd] ?/g, '')}\n`);
    });
    const exited = new Promise<number>((resolve) => void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code)));
    const testsPath = path.join(REPO_ROOT, 'out', 'test', 'extension', 'index.js');
    await page.goto(workbenchUrl(server, workspace, REPO_ROOT, testsPath));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<number>((r) => (timer = setTimeout(() => r(-1), TIMEOUT_MS)));
    const code = await Promise.race([exited, timedOut]).finally(() => clearTimeout(timer));
    const result = await readFile(resultsFile, 'utf8').then((t) => JSON.parse(t) as LayerResult, () => undefined);
    if (result) return result;
    const why = code === -1 ? 'timed out' : `exited with ${code} without writing results`;
    return { layer: `extension (${suite})`, passed: 0, failed: 1, failures: [{ title: `extension host (${suite})`, error: `${why}\n${server.output().slice(-3000)}` }] };
  } finally {
    await browser.close();
    await server.stop();
  }
}

const BLUE_GREEN_HOST = { name: 'pd11-ext1', ssh: 2450, http: 8050 };

/** A `bluegreen` environment on a real systemd + nginx host, set up and deployed once, for the slot display. */
async function addBlueGreenEnvironment(project: SandboxProject): Promise<void> {
  await addSystemdEnvironment(project, BLUE_GREEN_HOST);
  project.cli('setup', '--env', 'bluegreen', '--admin', 'admin', '--yes');
  project.cli('deploy', '--env', 'bluegreen', '--yes');
}

export async function runExtensionTests(): Promise<LayerResult> {
  const project = await createSandboxProject([{ name: 'ext-web1', port: 2210, primary: true }], 'phx-ext-');
  try {
    project.cli('deploy', '--yes');
    await addBlueGreenEnvironment(project);
    const env = { PHOENIX_TEST_CLI: path.join(REPO_ROOT, 'dist', 'cli.js') };
    const results = [await runSuite('trusted', project.dir, env), await runSuite('restricted', project.dir, env)];
    return {
      layer: 'extension',
      passed: results.reduce((n, r) => n + r.passed, 0),
      failed: results.reduce((n, r) => n + r.failed, 0),
      failures: results.flatMap((r) => r.failures),
    };
  } finally {
    stopSystemdHost(BLUE_GREEN_HOST.name);
    await project.cleanup();
  }
}

if (require.main === module) {
  runExtensionTests().then(
    async (r) => {
      await writeLayerResult(path.join(RESULTS_DIR, 'extension.json'), r);
      console.log(`extension: ${r.passed} passed, ${r.failed} failed`);
      process.exitCode = r.failed > 0 ? 1 : 0;
    },
    async (e) => {
      await writeLayerResult(path.join(RESULTS_DIR, 'extension.json'),
        { layer: 'extension', passed: 0, failed: 1, failures: [{ title: 'extension layer setup', error: String(e?.stack ?? e) }] });
      console.log('extension: 0 passed, 1 failed');
      process.exitCode = 1;
    },
  );
}
