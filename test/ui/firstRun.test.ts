/**
 * The first-run flow (see firstRun.ts) with the extension from the source tree. Screenshots:
 * test-results/first-run-*.png.
 *   npx tsc -p . && node scripts/bundle.mjs && flock /tmp/pd-vscode.lock node out/test/support/runLayer.js ui firstRun
 */
import { describeFirstRun } from './firstRun';

describeFirstRun('first run: from examples/shop with no config to a live site, all in the editor (Playwright + code-server + two Debian 13 hosts)', {
  hosts: [{ name: 'pd25-web1', ssh: 2700, http: 8700, https: 8702 }, { name: 'pd25-web2', ssh: 2701, http: 8701, https: 8703 }],
  shots: 'first-run',
});
