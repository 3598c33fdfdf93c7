import assert from 'node:assert/strict';
import type { EnvironmentConfig } from '../../../src/core/config/types';
import { runDeploy } from '../../../src/core/deploy';
import { fakeHost, ID1, NEW, options } from './fakes';

const never = new AbortController().signal;
const BLUE_GREEN: Partial<EnvironmentConfig> = {
  restart: undefined, service: 'systemd', strategy: 'blue_green', ports: [4001, 4002],
  proxy: { listen: 80, serverName: 'shop.example.com' }, health: { path: '/health', expect: 200, timeout: 1 }, drainTimeout: 5,
};
const renamesToNew = (c: string) => c.includes(`ln -sfn -- releases/${NEW} `) && c.includes('mv -T --');

describe('switch: the connection lost right after the rename of `current`', () => {
  for (const [strategy, overrides] of [['restart', {}], ['blue/green', BLUE_GREEN]] as const) {
    it(`${strategy}: the rollback reads \`current\` back and puts it on the old release`, async () => {
      const web1 = fakeHost('web1', { dropAfter: renamesToNew });
      const result = await runDeploy(options([web1], overrides), () => undefined, never);
      assert.equal(result.ok, false);
      assert.equal(result.failedStep, 'switch');
      assert.match(result.error!, /connection to web1:22 was lost during switching current/);
      assert.equal(web1.current, ID1, 'current is back on the release that ran before');
      assert.deepEqual(result.hosts.map((h) => [h.current, h.rolledBack]), [[ID1, true]]);
      const readBack = web1.commands.findIndex((c, i) => i > web1.commands.findIndex(renamesToNew) && c.includes('@@phoenix-deploy:current='));
      const switchBack = web1.commands.findIndex((c) => c.includes(`ln -sfn -- releases/${ID1} `));
      assert.ok(readBack >= 0 && readBack < switchBack, 'current is read back before anything is undone');
    });
  }
});
