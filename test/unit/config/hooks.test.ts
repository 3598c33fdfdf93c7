import * as assert from 'node:assert/strict';
import { parseDeployConfig } from '../../../src/core/config/load';
import { errors, yml as environmentYml } from './environmentYml';

/** A host the tool does not manage (it needs `restart`), then the given lines from line 7. */
const yml = (lines: string) => environmentYml(`restart: sudo sv restart shop\n${lines}`);

describe('config: hooks and logs', () => {
  it('reads every hook position, each command split like restart', () => {
    const { config, findings } = parseDeployConfig(yml([
      'hooks:',
      '  before_deploy: [ { local: ./scripts/notify "starting" } ]',
      '  after_prepare: [ { remote: bin/assets_check } ]',
      '  after_switch:  [ { remote: bin/warm_cache }, { local: ./scripts/purge cdn } ]',
      '  after_deploy:  [ { local: ./scripts/notify "done" } ]',
      '  after_failure: [ { local: ./scripts/notify failed } ]',
    ].join('\n')));
    assert.deepEqual(findings, []);
    assert.deepEqual(config!.environments.production.hooks, {
      before_deploy: [{ where: 'local', argv: ['./scripts/notify', 'starting'] }],
      after_prepare: [{ where: 'remote', argv: ['bin/assets_check'] }],
      after_switch: [{ where: 'remote', argv: ['bin/warm_cache'] }, { where: 'local', argv: ['./scripts/purge', 'cdn'] }],
      after_deploy: [{ where: 'local', argv: ['./scripts/notify', 'done'] }],
      after_failure: [{ where: 'local', argv: ['./scripts/notify', 'failed'] }],
    });
  });

  it('puts a finding at the line of every wrong hook', () => {
    assert.deepEqual(errors(yml([
      'hooks:',
      '  before_deploy: [ { remote: bin/x } ]',
      '  after_prepare: { remote: bin/x }',
      '  after_switch: [ { remote: "bin/x; rm -rf ~" } ]',
      '  after_deploy: [ { shell: x } ]',
      '  after_failure: [ { local: -rf } ]',
      '  before_switch: []',
    ].join('\n'))), [
      '13: unknown key "before_switch" in environments.production.hooks; expected one of: before_deploy, after_prepare, after_switch, after_deploy, after_failure',
      '8: environments.production.hooks.before_deploy[0]: before_deploy hooks run local only (no host connection is certain there)',
      '9: environments.production.hooks.after_prepare must be a list of commands, e.g. [ { local: ./bin/notify } or { remote: ./bin/notify } ]',
      '10: environments.production.hooks.after_switch[0].remote contains ";": shell syntax is not allowed here; put the command in a script on the host',
      '11: environments.production.hooks.after_deploy[0] must say where it runs: "local" (in the project directory) or "remote" (on every host, in the new release)',
      '12: environments.production.hooks.after_failure[0].local must start with a program, not an option',
    ]);
  });

  it('logs: a command, or { command, follow }; wrong values at their line', () => {
    const short = parseDeployConfig(yml('logs: tail -n 500 /var/log/shop/current'));
    assert.deepEqual(short.config!.environments.production.logs, { command: ['tail', '-n', '500', '/var/log/shop/current'] });
    const long = parseDeployConfig(yml('logs: { command: "tail -n 500 /var/log/shop/current", follow: "tail -n 10 -F /var/log/shop/current" }'));
    assert.deepEqual(long.config!.environments.production.logs?.follow, ['tail', '-n', '10', '-F', '/var/log/shop/current']);
    assert.deepEqual(errors(yml('logs: { follow: "tail | x" }')), [
      '7: environments.production.logs is missing the required key "command"',
      '7: environments.production.logs.follow contains "|": shell syntax is not allowed here; put the command in a script on the host',
    ]);
    assert.deepEqual(errors(yml('logs: [tail]')), ['7: environments.production.logs must be a mapping']);
    assert.deepEqual(errors(yml(['logs:', '  command: tail -n 10 /var/log/shop/*.log', '  follow: [tail, -F]', '  tail: true'].join('\n'))), [
      '10: unknown key "tail" in environments.production.logs; expected one of: command, follow',
      '8: environments.production.logs.command contains "*": shell syntax is not allowed here; put the command in a script on the host',
      '9: environments.production.logs.follow must be a command string',
    ]);
  });
});
