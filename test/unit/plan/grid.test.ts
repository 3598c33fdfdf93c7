import assert from 'node:assert/strict';
import { runDeploy } from '../../../src/core/deploy';
import { applyEvent, emptyGrid, type Grid } from '../../../src/core/plan/grid';
import { fakeHost, ID1, NEW, options } from '../deploy/fakes';

const never = new AbortController().signal;
const states = (grid: Grid, step: string) => grid.rows.map((r) => r.cells[step].state);

describe('deploy grid (from runner events)', () => {
  it('a rolling deploy whose third batch fails: hosts down, steps across, failed, rolled back and never-reached cells', async () => {
    const hosts = [1, 2, 3, 4, 5, 6].map((n) => fakeHost(`web${n}`, n === 4 ? { health: { [NEW]: 503 } } : {}));
    const grid = emptyGrid();
    const seen: Grid[] = [];
    await runDeploy(options(hosts, { rollout: { canary: 1, batch: { count: 2 }, pause: 0 } }), (e) => {
      applyEvent(grid, e);
      if (e.type === 'host-start' && e.step === 'upload' && e.host === 'web2:22') seen.push(structuredClone(grid));
    }, never);
    assert.deepEqual(grid.columns.map((c) => c.name), ['connect', 'lock', 'upload', 'prepare', 'compat', 'migrate', 'switch', 'restart', 'health', 'record', 'cleanup']);
    assert.deepEqual(grid.rows.map((r) => [r.host, r.batch, r.canary, r.bytesSent]),
      [['web1:22', 1, true, 1000], ['web2:22', 2, false, 1000], ['web3:22', 2, false, 1000], ['web4:22', 3, false, 1000], ['web5:22', 3, false, 1000], ['web6:22', 4, false, 1000]]);
    assert.equal(grid.batches, 4);
    assert.equal(seen[0].rows[1].cells.upload.state, 'running', 'a host shows as running while its part of the step runs');
    assert.deepEqual(states(grid, 'upload'), ['done', 'done', 'done', 'done', 'done', 'done']);
    assert.ok(grid.rows.every((r) => (r.cells.upload.durationMs ?? -1) >= 0));
    assert.deepEqual(states(grid, 'migrate'), ['done', 'none', 'none', 'none', 'none', 'none']);
    assert.deepEqual(states(grid, 'switch'), ['rolled-back', 'rolled-back', 'rolled-back', 'rolled-back', 'rolled-back', 'skipped']);
    assert.deepEqual(states(grid, 'health'), ['done', 'done', 'done', 'failed', 'done', 'skipped']);
    assert.match(grid.rows[3].cells.health.detail!, /not healthy after 1s; last response: 503/);
    assert.equal(grid.rows[0].cells.switch.detail, `went back to ${ID1}`);
    assert.deepEqual(grid.rows.map((r) => r.rolledBackTo), [ID1, ID1, ID1, ID1, ID1, undefined]);
    assert.deepEqual(states(grid, 'cleanup'), ['skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
    assert.deepEqual([grid.end?.ok, grid.current], [false, undefined]);
    assert.match(grid.end!.error!, /health check failed/);
    assert.ok(grid.rows[0].warnings.includes(`rolled back to ${ID1}`));
  });

  it('a new run starts a fresh grid', () => {
    const grid = emptyGrid();
    applyEvent(grid, { type: 'plan-start', title: 'one', steps: [{ name: 'a', title: 'A', hosts: ['h1'] }] });
    applyEvent(grid, { type: 'host-start', step: 'a', host: 'h1' });
    applyEvent(grid, { type: 'plan-start', title: 'two', steps: [{ name: 'b', title: 'B', hosts: ['h2'] }, { name: 'pause', title: 'P' }] });
    assert.deepEqual([grid.title, grid.columns.map((c) => c.name), grid.rows.map((r) => [r.host, r.cells.b.state])], ['two', ['b'], [['h2', 'pending']]]);
  });
});
