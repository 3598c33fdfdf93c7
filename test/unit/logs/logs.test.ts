import assert from 'node:assert/strict';
import type { EnvironmentConfig } from '../../../src/core/config/types';
import type { RemoteOptions } from '../../../src/core/fleet/types';
import { formatLogLine, logSource, readLogs, type LogLine } from '../../../src/core/logs';
import { journalCommand, parseJournalEntry } from '../../../src/core/host/journal';
import { renderCommand, type Command } from '../../../src/core/shell';
import type { SshConnection } from '../../../src/core/ssh/connection';
import type { ExecOptions, ExecResult } from '../../../src/core/ssh/exec';
import type { ResolvedTarget } from '../../../src/core/ssh/target';
import { directTarget } from '../../support/targets';

const entry = (micros: number, message: string, unit = 'shop@blue.service', extra: Record<string, unknown> = {}) =>
  JSON.stringify({ __REALTIME_TIMESTAMP: String(micros), __CURSOR: `c-${micros}`, MESSAGE: message, _SYSTEMD_UNIT: unit, ...extra });

const managed: EnvironmentConfig = {
  name: 'production', user: 'deploy', deployTo: '/opt/shop', hosts: [], keepReleases: 3, ssh: {},
  service: 'systemd', strategy: 'blue_green', ports: [4001, 4002], proxy: { listen: 80, serverName: 'shop' },
};

describe('logs: journald commands and entries', () => {
  it('reads every slot\'s unit as JSON, with lines, since and a cursor to continue from', () => {
    const source = logSource(managed, 'shop');
    assert.deepEqual(source, { kind: 'journal', units: ['shop@blue.service', 'shop@green.service'] });
    assert.equal(renderCommand(journalCommand({ units: ['shop@blue.service', 'shop@green.service'], lines: 50, since: '10m' })),
      'journalctl --no-pager --quiet -o json --output-fields=MESSAGE,UNIT,_SYSTEMD_UNIT,_PID -u shop@blue.service -u shop@green.service --lines=50 --since=-10min');
    assert.equal(renderCommand(journalCommand({ units: ['shop.service'], lines: 'all', afterCursor: 's=1;i=2', follow: true })),
      "journalctl --no-pager --quiet -o json --output-fields=MESSAGE,UNIT,_SYSTEMD_UNIT,_PID -u shop.service --lines=all '--after-cursor=s=1;i=2' --follow");
    assert.throws(() => journalCommand({ units: ['x'], since: '10 minutes; id' }), /not a duration/);
    assert.deepEqual(logSource({ ...managed, strategy: 'restart' }, 'shop'), { kind: 'journal', units: ['shop.service'] });
  });

  it('parses entries (byte-array messages too), and marks what systemd said about the unit', () => {
    assert.deepEqual(parseJournalEntry('h', entry(1_700_000_000_000_000, 'booted')), { line: { host: 'h', micros: 1_700_000_000_000_000, unit: 'shop@blue.service', message: 'booted' }, cursor: 'c-1700000000000000' });
    assert.equal(parseJournalEntry('h', JSON.stringify({ __REALTIME_TIMESTAMP: '1', MESSAGE: [104, 105, 255] }))?.line.message, 'hi\uFFFD');
    assert.equal(parseJournalEntry('h', entry(1, 'Started', 'init.scope', { UNIT: 'shop@green.service' }))?.line.fromSystemd, true);
    assert.equal(parseJournalEntry('h', 'not json'), undefined);
  });

  it('formats a line with its host, time and slot; multi-line messages keep the prefix on every line', () => {
    const line: LogLine = { host: 'web1:22', micros: Date.UTC(2026, 11, 1, 12, 0, 0, 123) * 1000, unit: 'shop@green.service', message: 'one\ntwo' };
    assert.equal(formatLogLine(line, 10), 'web1:22    | 2026-12-01 12:00:00.123 green one\nweb1:22    | 2026-12-01 12:00:00.123 green two\n');
    assert.equal(formatLogLine({ host: 'h', message: 'plain' }), 'h | plain\n');
  });

  it('a host the tool does not manage needs a logs command, and the error says how to write one', () => {
    assert.throws(() => logSource({ ...managed, service: undefined, strategy: undefined }, 'shop'), /has no "logs" command.*logs: tail -n 1000/);
  });
});

/** A host whose journal holds `backlog` and, when followed, streams `later` then waits to be stopped. */
function fakeJournalHost(host: string, backlog: string[], later: string[] = [], commands: string[] = []): SshConnection {
  return {
    target: { host, port: 22, user: 'deploy' }, name: host, fingerprint: 'SHA256:x',
    async exec(command: Command, o: ExecOptions = {}): Promise<ExecResult> {
      const text = renderCommand(command);
      commands.push(text);
      if (!text.includes('--follow')) return { code: 0, stdout: backlog.map((l) => `${l}\n`).join(''), stderr: '' };
      for (const l of later) { // split mid-line
        o.onStdout?.(`${l.slice(0, 10)}`);
        o.onStdout?.(`${l.slice(10)}\n`);
      }
      return new Promise((_, reject) => o.signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))));
    },
    async channel() { throw new Error('no'); },
    async httpGet() { throw new Error('no'); },
    async close() {},
  };
}

function remote(conns: Record<string, SshConnection>): { options: RemoteOptions; targets: ResolvedTarget[] } {
  const targets = Object.keys(conns).map((host, i): ResolvedTarget => directTarget(`${host}:22`, host, 22, { primary: i === 0 }));
  return {
    targets,
    options: { environment: managed, app: 'shop', targets, identity: { who: 'me', developer: 'me', localHost: 'l', pid: 1 }, deps: { connect: async (t) => conns[t.target.host] } },
  };
}

describe('logs: every host, merged in time order', () => {
  it('merges two hosts\' backlogs by the journal\'s time, one connection per host', async () => {
    const { options, targets } = remote({
      web1: fakeJournalHost('web1:22', [entry(1, 'a1'), entry(4, 'a4')]),
      web2: fakeJournalHost('web2:22', [entry(2, 'b2'), entry(3, 'b3')]),
    });
    const lines: LogLine[] = [];
    const results = await readLogs(options, { targets, lines: 10 }, (l) => lines.push(l), new AbortController().signal);
    assert.deepEqual(lines.map((l) => `${l.host} ${l.message}`), ['web1:22 a1', 'web2:22 b2', 'web2:22 b3', 'web1:22 a4']);
    assert.deepEqual(results, [{ host: 'web1:22', ok: true }, { host: 'web2:22', ok: true }]);
  });

  it('--follow continues after the last entry shown and streams until cancelled', async () => {
    const commands: string[] = [];
    const { options, targets } = remote({ web1: fakeJournalHost('web1:22', [entry(1, 'old')], [entry(5, 'new one')], commands) });
    const controller = new AbortController();
    const lines: string[] = [];
    const done = readLogs(options, { targets, follow: true }, (l) => {
      lines.push(l.message);
      if (l.message === 'new one') controller.abort();
    }, controller.signal);
    const results = await done;
    assert.deepEqual(lines, ['old', 'new one']);
    assert.ok(commands[1].includes('--after-cursor=c-1') && commands[1].includes('--follow'), commands[1]);
    assert.deepEqual(results, [{ host: 'web1:22', ok: true }]);
  });

  it('an unreachable host is reported; the others still print', async () => {
    const { options, targets } = remote({ web1: fakeJournalHost('web1:22', [entry(1, 'a')]), web2: fakeJournalHost('web2:22', []) });
    options.deps = { connect: async (t) => { if (t.target.host === 'web2') throw new Error('connection refused'); return fakeJournalHost('web1:22', [entry(1, 'a')]); } };
    const lines: string[] = [];
    const results = await readLogs(options, { targets }, (l) => lines.push(l.message), new AbortController().signal);
    assert.deepEqual(lines, ['a']);
    assert.deepEqual(results[1], { host: 'web2:22', ok: false, error: 'connection refused' });
  });
});
