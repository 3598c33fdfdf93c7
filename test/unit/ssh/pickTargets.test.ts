import assert from 'node:assert/strict';
import { pickTargets } from '../../../src/core/ssh/pickTargets';
import type { ResolvedTarget } from '../../../src/core/ssh/target';
import { directTarget } from '../../support/targets';

const t = (key: string, primary = false): ResolvedTarget => directTarget(key, key.split(':')[0], Number(key.split(':')[1]), { primary });
const targets = [t('web1.example.com:22', true), t('web2.example.com:22'), t('10.0.0.5:2201'), t('10.0.0.5:2202')];
const keys = (list: ResolvedTarget[]) => list.map((x) => x.key);

describe('--host / --all', () => {
  it('defaults to every host (logs) or the primary (console, rpc)', () => {
    assert.deepEqual(keys(pickTargets(targets, {}, 'all')), keys(targets));
    assert.deepEqual(keys(pickTargets(targets, {}, 'primary')), ['web1.example.com:22']);
    assert.deepEqual(keys(pickTargets(targets, { all: true }, 'primary')), keys(targets));
  });

  it('picks one host by host:port, or by a name that names only one', () => {
    assert.deepEqual(keys(pickTargets(targets, { host: 'web2.example.com' }, 'primary')), ['web2.example.com:22']);
    assert.deepEqual(keys(pickTargets(targets, { host: '10.0.0.5:2202' }, 'primary')), ['10.0.0.5:2202']);
    assert.throws(() => pickTargets(targets, { host: '10.0.0.5' }, 'primary', 'production'), /names 2 hosts of production; give host:port/);
    assert.throws(() => pickTargets(targets, { host: 'db1' }, 'primary', 'production'), /production has no host db1; its hosts are web1/);
    assert.throws(() => pickTargets(targets, { host: 'web2.example.com', all: true }, 'primary'), /exclude each other/);
  });
});
