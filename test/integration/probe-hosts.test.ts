import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/paths';
import { createSandboxProject, type SandboxProject } from '../support/sandboxProject';

interface JsonFinding { file: string; line: number; severity: string; code: string; message: string }

function checkProbe(dir: string): { code: number; diagnostics: JsonFinding[] } {
  try {
    const out = execFileSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), 'check', '--probe', '--json', '--cwd', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, diagnostics: JSON.parse(out).diagnostics };
  } catch (e) {
    const err = e as { status: number; stdout: string };
    return { code: err.status, diagnostics: JSON.parse(err.stdout).diagnostics };
  }
}

describe('check --probe against real hosts (bookworm and bullseye) and the real build image', function () {
  let project: SandboxProject;

  before(async () => {
    project = await createSandboxProject([
      { name: 'probe-bookworm', port: 2220, primary: true },
      { name: 'probe-bullseye', port: 2221, suite: 'bullseye' },
    ], 'phx-probe-');
  });

  after(async () => {
    await project?.cleanup();
  });

  it('flags only the bullseye host, at its line in deploy.yml, and exits 1', () => {
    const { code, diagnostics } = checkProbe(project.dir);
    assert.equal(code, 1);
    const hostFindings = diagnostics.filter((d) => d.code === 'host-os-mismatch');
    assert.equal(hostFindings.length, 1, JSON.stringify(diagnostics));
    const [finding] = hostFindings;
    assert.equal(finding.file, 'config/deploy.yml');
    assert.equal(finding.severity, 'error');
    assert.equal(finding.line, 17, 'the second host entry');
    assert.match(finding.message, /127\.0\.0\.1:2221.*Debian 11 \(bullseye\).*Debian 12 \(bookworm\)/);
    assert.match(finding.message, /glibc 2\.31 is older than the build image's 2\.36/);
    assert.match(finding.message, /libcrypto\.so\.3/);
  });

  it('reports an unreachable host as unreachable, not as a mismatch', () => {
    execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'testbed', 'hosts.sh'), 'stop', 'probe-bullseye']);
    const { diagnostics } = checkProbe(project.dir);
    assert.deepEqual(diagnostics.map((d) => d.code), ['host-unreachable']);
    assert.match(diagnostics[0].message, /127\.0\.0\.1:2221/);
  });
});
