import assert from 'node:assert/strict';
import { createSetupPlan, runSetup } from '../../../src/core/setup';
import { parseSetupFacts } from '../../../src/core/setup/remote';
import { describePlan } from '../../../src/core/plan/runner';
import { renderCommand, type Command } from '../../../src/core/shell';
import type { SshConnection } from '../../../src/core/ssh/connection';
import type { SetupPreview } from '../../../src/core/setup';
import { directTarget } from '../../support/targets';

const M = '@@phoenix-deploy:';

/** A host that answers setup's inspection as one where everything is in place but `groups`. */
function host(groups: string[], commands: string[], inspectionFiles: (paths: string[]) => string): SshConnection {
  return {
    target: { host: 'web1', port: 22, user: 'admin' }, name: 'web1', fingerprint: 'SHA256:x',
    async exec(command: Command) {
      const text = renderCommand(command);
      commands.push(text);
      if (text.includes(`${M}journal-group`)) {
        const paths = (command as string[]).slice(12); // after sudo -n sh -c SCRIPT sh user deploy_to link cert key dirs
        return { code: 0, stderr: '', stdout: [`${M}user`, '1000', `${M}groups`, ...groups, `${M}journal-group`, 'present',
          `${M}tools`, '/usr/bin/systemctl', '/usr/sbin/nginx', '/usr/bin/cp', '/usr/sbin/visudo',
          `${M}dirs`, ...['', '/releases', '/shared', '/cache', '/slots', '/tmp', '/tmp/blue', '/tmp/green', '/static'].map((d) => `deploy /opt/shop${d}`),
          `${M}env`, 'present', `${M}link`, '/etc/nginx/sites-available/shop', `${M}tls`, inspectionFiles(paths), `${M}end`].join('\n') };
      }
      return { code: 0, stdout: '', stderr: '' };
    },
    async channel() { throw new Error('no'); },
    async httpGet() { throw new Error('no'); },
    async close() {},
  };
}

describe('setup: the deploy user may read the app\'s journal', () => {
  it('inspection reads the user\'s groups and whether the host has systemd-journal', () => {
    const facts = parseSetupFacts(`${M}user\n1000\n${M}groups\ndeploy\nsystemd-journal\n${M}journal-group\npresent\n${M}end\n`);
    assert.deepEqual([facts.groups, facts.journalGroup], [['deploy', 'systemd-journal'], true]);
  });

  it('adds the deploy user to systemd-journal once, announcing it first; a member is left alone', async () => {
    const environment = {
      name: 'production', user: 'deploy', deployTo: '/opt/shop', hosts: [{ host: 'web1', port: 22, user: 'deploy', primary: true }], keepReleases: 3, ssh: {},
      service: 'systemd' as const, strategy: 'blue_green' as const, proxy: { listen: 80, serverName: 'shop' }, health: { path: '/health', expect: 200, timeout: 5 },
    };
    // Every managed file as setup would write it, so only the group differs.
    const { desiredFiles } = await import('../../../src/core/setup/files');
    const { managedHost } = await import('../../../src/core/host/spec');
    const files = desiredFiles(managedHost('shop', environment), 'blue');
    const answer = (paths: string[]) => paths.map((p) => `${M}file ${p}\n${Buffer.from(files.find((f) => f.path === p)?.content ?? '').toString('base64')}`).join('\n');
    for (const [groups, expectJoin] of [[['deploy'], true], [['deploy', 'systemd-journal'], false]] as const) {
      const commands: string[] = [];
      const previews: SetupPreview[] = [];
      const result = await runSetup({
        environment, app: 'shop', admin: 'admin', identity: { who: 'me', developer: 'me', localHost: 'l', pid: 1 },
        targets: [directTarget('web1:22', 'web1', 22)],
        deps: { connect: async () => host([...groups], commands, answer) },
        confirm: async (p) => (previews.push(p), true),
      }, () => undefined, new AbortController().signal);
      assert.ok(result.ok, result.error);
      const joined = commands.filter((c) => c === 'sudo -n usermod -a -G systemd-journal -- deploy');
      assert.equal(joined.length, expectJoin ? 1 : 0, commands.join('\n'));
      assert.deepEqual(result.hosts[0].groups, expectJoin ? ['systemd-journal'] : []);
      assert.equal(result.changed, expectJoin);
      assert.deepEqual(previews.map((p) => p.hosts[0].groups), expectJoin ? [['systemd-journal']] : []);
    }
    const made = createSetupPlan({ environment, app: 'shop', targets: [directTarget('web1:22', 'web1', 22)],
      identity: { who: 'me', developer: 'me', localHost: 'l', pid: 1 }, confirm: async () => true });
    assert.match(describePlan(made.plan, made.state),
    /Let the deploy user read the app's journal \(group systemd-journal\) \[journal\]\n   web1:22: sudo -n usermod -a -G systemd-journal -- deploy  # only if not a member yet\n/);
  });
});
