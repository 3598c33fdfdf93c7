/**
 * The first-run flow (see test/ui/firstRun.ts) with the packaged extension: `npm run package`
 * makes phoenix-deploy.vsix, code-server installs it, and the workbench runs only what is inside it.
 * Screenshots: test-results/package-first-run-*.png.
 *   npx tsc -p . && flock /tmp/pd-vscode.lock node out/test/support/runLayer.js package firstRun
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/paths';
import { describeFirstRun } from '../ui/firstRun';

describeFirstRun('first run with the packaged .vsix: from examples/shop with no config to a live site (Playwright + code-server + two Debian 13 hosts)', {
  hosts: [{ name: 'pd25-pkg1', ssh: 2704, http: 8704, https: 8706 }, { name: 'pd25-pkg2', ssh: 2705, http: 8705, https: 8707 }],
  shots: 'package-first-run',
  vsix: () => {
    execFileSync('npm', ['run', 'package'], { cwd: REPO_ROOT, stdio: 'pipe' });
    return path.join(REPO_ROOT, 'phoenix-deploy.vsix');
  },
});
