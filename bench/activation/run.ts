import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchChromium } from '../../test/support/browser';
import { startCodeServer, workbenchUrl } from '../../test/support/codeServer';
import { REPO_ROOT } from '../../test/support/paths';
import { copyExample } from '../../test/support/workspace';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Activation benchmark: bundle load + activate() inside code-server's extension host, median of
 * several runs. A stand-in extension carries our manifest (so views and commands exist) with a
 * no-op main, and the bench module loads the real dist/extension.js itself.
 */
async function main() {
  const standIn = await mkdtemp(path.join(os.tmpdir(), 'phx-bench-ext-'));
  const manifest = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  manifest.main = './noop.js';
  manifest.activationEvents = [];
  await writeFile(path.join(standIn, 'package.json'), JSON.stringify(manifest));
  await writeFile(path.join(standIn, 'noop.js'), 'exports.activate = () => {};');
  for (const dir of ['media', 'syntaxes']) await mkdir(path.join(standIn, dir), { recursive: true });
  const results = path.join(standIn, 'results.json');
  const workspace = await copyExample();
  const server = await startCodeServer({
    settings: { 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none' },
    env: { PHOENIX_BENCH_REPO: REPO_ROOT, PHOENIX_BENCH_RESULTS: results },
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const done = new Promise<number>((resolve) => void page.exposeFunction('codeAutomationExit', resolve));
    await page.goto(workbenchUrl(server, workspace, standIn, path.join(REPO_ROOT, 'out', 'bench', 'activation', 'inHost.js')));
    await Promise.race([done, new Promise((r) => setTimeout(r, 180_000).unref())]);
    const { vscode, samples } = JSON.parse(await readFile(results, 'utf8')) as { vscode: string; samples: Array<{ load: number; activate: number }> };
    const total = samples.map((s) => s.load + s.activate);
    console.log(`activation in code-server (VS Code ${vscode}), ${samples.length} runs, first run ${total[0].toFixed(1)} ms`);
    console.log(`  bundle load  median ${median(samples.map((s) => s.load)).toFixed(1)} ms`);
    console.log(`  activate()   median ${median(samples.map((s) => s.activate)).toFixed(1)} ms`);
    console.log(`  total        median ${median(total).toFixed(1)} ms (goal < 50 ms)`);
    console.log('command: npx tsc -p . && node scripts/bundle.mjs && node out/bench/activation/run.js');
  } finally {
    await browser.close();
    await server.stop();
    await rm(workspace, { recursive: true, force: true });
    await rm(standIn, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
