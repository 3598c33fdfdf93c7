import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeDeploy, runDeploy } from '../../../src/core/deploy';
import type { HooksConfig } from '../../../src/core/config/types';
import type { PlanEvent } from '../../../src/core/plan/types';
import { fakeHost, ID1, NEW, options, type FakeHost } from './fakes';

const never = new AbortController().signal;
const stepNames = (events: PlanEvent[]) => events.flatMap((e) => (e.type === 'step-end' ? [`${e.step}:${e.ok ? 'ok' : 'fail'}`] : []));

describe('deploy hooks (fake hosts, real local processes)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pd15-hooks-'));
    // Records its arguments and the hook variables, one line per run; exits with $HOOK_EXIT.
    writeFileSync(join(dir, 'record'), '#!/bin/sh\nprintf "%s|%s|%s|%s|%s|%s\\n" "$*" "$PHOENIX_DEPLOY_RELEASE" "$PHOENIX_DEPLOY_COMMIT" "$PHOENIX_DEPLOY_ENV" "$PHOENIX_DEPLOY_OUTCOME" "$(pwd)" >> hooks.log\necho "hook says hi"\nexit "${HOOK_EXIT:-0}"\n');
    writeFileSync(join(dir, 'fail'), '#!/bin/sh\necho "cannot notify" >&2\nexit 7\n');
    chmodSync(join(dir, 'record'), 0o755);
    chmodSync(join(dir, 'fail'), 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const withHooks = (hosts: FakeHost[], hooks: HooksConfig) => ({ ...options(hosts, { hooks }), projectDir: dir });
  const logged = () => (existsSync(join(dir, 'hooks.log')) ? readFileSync(join(dir, 'hooks.log'), 'utf8').trim().split('\n') : []);

  it('a local before_deploy runs first, in the project directory, with the release id; its output is in the events', async () => {
    const hosts = [fakeHost('web1')];
    const events: PlanEvent[] = [];
    const result = await runDeploy(withHooks(hosts, { before_deploy: [{ where: 'local', argv: ['./record', 'starting'] }] }), (e) => events.push(e), never);
    assert.ok(result.ok, result.error);
    assert.deepEqual(logged(), [`starting|${NEW}|ccccccc|production||${dir}`]);
    assert.equal(stepNames(events)[0], 'before_deploy:ok');
    assert.ok(events.some((e) => e.type === 'output' && e.step === 'before_deploy' && e.host === 'local' && e.text.includes('hook says hi')));
  });

  it('a failing before_deploy aborts before any host is touched', async () => {
    const hosts = [fakeHost('web1')];
    const result = await runDeploy(withHooks(hosts, { before_deploy: [{ where: 'local', argv: ['./fail'] }] }), () => undefined, never);
    assert.deepEqual([result.ok, result.failedStep], [false, 'before_deploy']);
    assert.match(result.error!, /the before_deploy hook `\.\/fail` failed \(exit 7\); nothing was touched/);
    assert.deepEqual(hosts[0].commands, []);
  });

  it('a failing remote after_prepare leaves production as a failed migration does: no migration, no switch, release removed, unlocked', async () => {
    const hosts = [fakeHost('web1'), fakeHost('web2')];
    const events: PlanEvent[] = [];
    const opts = withHooks(hosts, { after_prepare: [{ where: 'remote', argv: ['bin/assets_check'] }] });
    const connect = opts.deps!.connect!;
    opts.deps!.connect = async (t, s) => {
      const conn = await connect(t, s);
      return { ...conn, exec: async (c, o) => (c.includes('bin/assets_check') && t.target.host === 'web2'
        ? { code: 2, stdout: '', stderr: 'assets missing\n' } : conn.exec(c, o)) };
    };
    const result = await runDeploy(opts, (e) => events.push(e), never);
    assert.deepEqual([result.ok, result.failedStep], [false, 'after_prepare']);
    assert.match(result.error!, /the after_prepare hook `bin\/assets_check` failed on web2:22 \(exit 2\): assets missing; nothing was switched and the new release is removed/);
    assert.deepEqual(stepNames(events).slice(-2), ['compat:ok', 'after_prepare:fail']);
    for (const h of hosts) {
      assert.equal(h.current, ID1);
      assert.ok(!h.commands.some((c) => c.includes('bin/migrate')));
      assert.ok(h.commands.some((c) => c.includes(`rm -rf -- /opt/app/releases/${NEW}`)));
    }
  });

  it('a remote after_switch runs once per host, in the new release with the host and role; its failure is a warning, the deploy stands', async () => {
    const hosts = [fakeHost('web1'), fakeHost('web2')];
    const result = await runDeploy(withHooks(hosts, {
      after_switch: [{ where: 'remote', argv: ['bin/warm_cache'] }],
      after_deploy: [{ where: 'local', argv: ['./fail'] }],
    }), () => undefined, never);
    assert.ok(result.ok, result.error);
    for (const [i, h] of hosts.entries()) {
      const runs = h.commands.filter((c) => c.includes('bin/warm_cache'));
      assert.equal(runs.length, 1);
      assert.ok(runs[0].startsWith(`cd -- /opt/app/releases/${NEW} && sh -c `), runs[0]);
      assert.ok(runs[0].endsWith(`sh /opt/app/shared/env ${NEW} ccccccc production ${h.key}:22 ${i === 0 ? 'primary' : 'secondary'} bin/warm_cache`), runs[0]);
      const at = (s: string) => h.commands.findIndex((c) => c.includes(s));
      assert.ok(at('sudo sv restart app') < at('bin/warm_cache') && at('bin/warm_cache') < at('"outcome":"success"'), 'after the restart (and health), before the record');
    }
    assert.deepEqual(result.warnings, ['the after_deploy hook `./fail` failed (exit 7); the deploy stands (after_deploy hooks never roll back)']);
  });

  it('after_failure runs after a failed deploy (lock released by then) with the outcome and the step', async () => {
    const hosts = [fakeHost('web1', { migrateExit: 1 })];
    const events: PlanEvent[] = [];
    const result = await runDeploy(withHooks(hosts, { after_failure: [{ where: 'local', argv: ['./record', 'failed'] }] }), (e) => events.push(e), never);
    assert.equal(result.ok, false);
    assert.deepEqual(logged(), [`failed|${NEW}|ccccccc|production|failed|${dir}`]);
    const order = events.flatMap((e) => (e.type === 'step-start' || e.type === 'plan-end' ? [e.type === 'plan-end' ? 'end' : e.step] : []));
    assert.deepEqual(order.slice(-2), ['after_failure', 'end']);
    assert.ok(hosts[0].commands.at(-1)!.includes('@@phoenix-deploy:unlocked'), 'the lock was released before the hook ran');
    const ok = await runDeploy(withHooks([fakeHost('web1')], { after_failure: [{ where: 'local', argv: ['./record', 'failed'] }] }), () => undefined, never);
    assert.ok(ok.ok);
    assert.equal(logged().length, 1, 'not after a success');
  });

  it('--dry-run shows each hook as a step, with its exact command on each host', () => {
    const text = describeDeploy(withHooks([fakeHost('web1')], {
      before_deploy: [{ where: 'local', argv: ['./scripts/notify', 'starting now'] }],
      after_switch: [{ where: 'remote', argv: ['bin/warm_cache'] }],
      after_failure: [{ where: 'local', argv: ['./scripts/notify', 'failed'] }],
    }));
    const steps = text.split('\n').filter((l) => /^\d+\. /.test(l)).map((l) => /\[(\w+)\]$/.exec(l)![1]);
    assert.deepEqual(steps, ['before_deploy', 'connect', 'lock', 'upload', 'prepare', 'compat', 'migrate', 'switch', 'restart', 'health', 'after_switch', 'record', 'cleanup']);
    assert.ok(text.includes(`   local: (in ${dir}) ./scripts/notify 'starting now'`));
    assert.ok(text.includes(`   web1:22: cd -- /opt/app/releases/${NEW} && sh -c `));
    assert.match(text, /If it fails or is cancelled:\n- Hook after_failure \(after the deploy failed\): local \.\/scripts\/notify failed \[after_failure\]/);
  });
});
