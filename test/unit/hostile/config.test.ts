/**
 * Hostile and broken config/deploy.yml (issue 7): every value is either refused by the schema with
 * a `config-invalid` finding at its line, or reaches the remote shell as exactly the words it says,
 * proven by running the rendered command in a real local `sh`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDeployConfig } from '../../../src/core/config/load';
import { requireEnvironment } from '../../../src/core/project/loadConfig';
import { inReleaseWithEnv, restartCommand } from '../../../src/core/remote/release';
import { remotePaths } from '../../../src/core/remote/paths';
import { renderCommand } from '../../../src/core/shell';
import { httpGetOverStream, parseHttpUrl } from '../../../src/core/ssh/http';
import { connect, createServer, type AddressInfo } from 'node:net';

const BASE = {
  user: 'deploy', deploy_to: '/opt/app', hosts: '[app1.example.com]', migrate: 'bin/migrate', restart: 'sudo sv restart app',
} as Record<string, string>;

/** A config whose production environment has `extra` keys (YAML text as values). */
function yml(extra: Record<string, string> = {}, top = ''): string {
  const env = { ...BASE, ...extra };
  return `${top}environments:\n  production:\n${Object.entries(env).map(([k, v]) => `    ${k}: ${v}`).join('\n')}\n`;
}

const lineOf = (text: string, key: string) => text.split('\n').findIndex((l) => l.trimStart().startsWith(`${key}:`)) + 1;
const errors = (text: string) => parseDeployConfig(text).findings.filter((f) => f.severity === 'error');

/** Every finding is a well-formed config-invalid error: 1-based range inside the file, a one-line message. */
function assertClean(text: string, what: string) {
  const loaded = parseDeployConfig(text);
  const lines = text.split('\n').length;
  for (const f of loaded.findings) {
    assert.equal(f.code, 'config-invalid', what);
    assert.ok(f.line >= 1 && f.line <= lines + 1 && f.column >= 1, `${what}: ${JSON.stringify(f)}`);
    assert.ok(!f.message.includes('\n') && f.message.length < 400, `${what}: ${f.message.length} chars: ${f.message.slice(0, 100)}`);
  }
  return loaded;
}

describe('hostile deploy.yml: values that try to break out of the shell', () => {
  const M = '/tmp/pd7-unit-pwned';
  const refused: Array<[string, string]> = [
    ['deploy_to', JSON.stringify(`/opt/app; rm -rf ~`)], ['deploy_to', JSON.stringify(`/opt/$(touch ${M})`)], ['deploy_to', JSON.stringify('/opt/`id`')],
    ['deploy_to', JSON.stringify("/opt/it's")], ['deploy_to', JSON.stringify('/opt/a\nb')], ['deploy_to', '../etc'], ['deploy_to', '/opt/../etc'],
    ['deploy_to', '/'], ['deploy_to', '-rf'], ['deploy_to', JSON.stringify('/opt/ünï')], ['deploy_to', JSON.stringify(`/${'a'.repeat(5000)}`)],
    ['user', JSON.stringify('-oProxyCommand=x')], ['user', JSON.stringify('root; id')], ['user', JSON.stringify('Déploy')], ['user', JSON.stringify('a'.repeat(40))],
    ['hosts', JSON.stringify(['-oProxyCommand=touch /tmp/x'])], ['hosts', JSON.stringify(['h;id'])], ['hosts', JSON.stringify(['h$(id)'])],
    ['hosts', JSON.stringify(['h`id`'])], ['hosts', JSON.stringify(['../h'])], ['hosts', JSON.stringify(['hôst.example'])], ['hosts', JSON.stringify(['h:0'])],
    ['hosts', `[{ host: ${JSON.stringify('a b')} }]`], ['hosts', `[{ host: h, user: ${JSON.stringify('$(id)')} }]`],
    ['migrate', JSON.stringify('bin/migrate; rm -rf ~')], ['migrate', JSON.stringify(`bin/migrate $(touch ${M})`)], ['migrate', JSON.stringify('bin/migrate `id`')],
    ['migrate', JSON.stringify('bin/migrate && id')], ['migrate', JSON.stringify('bin/migrate | sh')], ['migrate', JSON.stringify('bin/migrate > /etc/x')],
    ['migrate', JSON.stringify('bin/migrate\nid')], ['migrate', JSON.stringify('bin/migrate "$HOME"')], ['migrate', JSON.stringify('bin/migrate "`id`"')],
    ['migrate', JSON.stringify('bin/migrate *')], ['migrate', JSON.stringify('bin/migrate ~')], ['migrate', JSON.stringify('-rf /')], ['migrate', JSON.stringify("'unterminated")],
    ['migrate', JSON.stringify('')], ['migrate', JSON.stringify('   ')], ['migrate', JSON.stringify('bin/migrate \\; id')],
    ['restart', JSON.stringify('sv restart app & id')], ['restart', JSON.stringify('sv restart app\r\nid')], ['restart', JSON.stringify('sv restart ${APP}')],
    ['restart', JSON.stringify('sv restart {a,b}')], ['restart', JSON.stringify('sv restart app # comment')], ['restart', JSON.stringify('--help')], ['restart', 'false'],
    ['os', JSON.stringify('debian-12; id')], ['os', JSON.stringify('debian 12')],
    ['health', `{ url: ${JSON.stringify('http://h/x y')} }`], ['health', `{ url: ${JSON.stringify('gopher://h/')} }`], ['health', '{ url: "http://[::1" }'],
    ['health', `{ url: ${JSON.stringify('http://h/\nHost: evil')} }`],
    ['ssh', `{ identity_file: ${JSON.stringify('/tmp/a\nb')} }`], ['ssh', `{ known_hosts: ${JSON.stringify('/tmp/\u0000')} }`],
  ];
  for (const [key, value] of refused) {
    it(`refuses ${key}: ${value.slice(0, 60)}`, () => {
      const text = yml({ [key]: value });
      const found = errors(text);
      assert.ok(found.length >= 1, `${key}: ${value} was accepted`);
      assert.ok(found.some((f) => f.line === lineOf(text, key)), `${key}: reported at ${found.map((f) => f.line)}: ${found.map((f) => f.message)}`);
      assertClean(text, value);
    });
  }

  it('refuses hostile top-level values: app, branch, repo, build fields, environment names', () => {
    for (const top of [`app: ${JSON.stringify('app; id')}\n`, `app: ${JSON.stringify('App-Name')}\n`, `branch: ${JSON.stringify('-f')}\n`, `branch: ${JSON.stringify('main;id')}\n`,
      `branch: ${JSON.stringify('a..b')}\n`, `repo: ${JSON.stringify('-uupload-pack=touch /tmp/x')}\n`, `repo: ${JSON.stringify('origin main')}\n`,
      `build:\n  dockerfile: ../../etc/passwd\n`, `build:\n  dockerfile: /etc/passwd\n`, `build:\n  target: ${JSON.stringify('a b')}\n`,
      `build:\n  mix_env: ${JSON.stringify('prod; id')}\n`, `build:\n  network: ${JSON.stringify('host --privileged')}\n`, `build:\n  tool: ${JSON.stringify('mix; id')}\n`]) {
      const text = yml({}, top);
      const found = errors(text);
      assert.equal(found.length, 1, `${top}: ${JSON.stringify(found)}`);
      assert.ok(found[0].line <= top.split('\n').length, `${top}: line ${found[0].line}`);
      assertClean(text, top);
    }
    for (const name of ['"prod; id"', '"-rf"', '"ünï"', '"../x"']) {
      const text = `environments:\n  ${name}:\n    deploy_to: /opt/a\n    hosts: [h]\n    restart: x\n`;
      assert.equal(errors(text)[0].line, 2, name);
    }
  });

  it('a very long value is refused with a truncated message', () => {
    const text = yml({ deploy_to: `/${'a'.repeat(100000)}`, restart: JSON.stringify(`sv restart ${'b'.repeat(100000)};`) });
    const found = errors(text);
    assert.equal(found.length, 2);
    for (const f of found) assert.ok(f.message.length < 300, `${f.message.length} chars`);
  });

  it('values the schema accepts reach the shell as exactly the words written (run in a real sh)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd7-quote-'));
    try {
      // Single quotes keep anything but a newline; double quotes anything but $, ` and \.
      const words = [`$(touch ${dir}/m1)`, `; touch ${dir}/m2`, `\`touch ${dir}/m3\``, `&& touch ${dir}/m4 | rm -rf ~`, 'it\'s', 'say "hi"', 'ünïcødé ✓ 日本',
        '--help', '-rf', '*', '~', '$HOME', '\\', '', '  spaced  ', 'x'.repeat(10000)];
      const toYaml = (w: string) => (w.includes("'") ? `"${w}"` : `'${w}'`);
      const restart = `printf '[%s]\\n' ${words.map(toYaml).join(' ')}`;
      const text = yml({ restart: JSON.stringify(restart), migrate: JSON.stringify(restart) });
      const loaded = parseDeployConfig(text);
      assert.deepEqual(loaded.findings, []);
      const env = loaded.config!.environments.production;
      assert.deepEqual(env.restart!.slice(2), words);
      const paths = remotePaths(dir);
      const expected = words.map((w) => `[${w}]`).join('\n');
      // restart runs `cd deploy_to && <argv>`; migrate runs the argv through the env-loading wrapper.
      const viaRestart = execFileSync('sh', ['-c', renderCommand(restartCommand(paths, env.restart!, 60))], { encoding: 'utf8' });
      assert.equal(viaRestart.trimEnd(), expected);
      const migrate = inReleaseWithEnv({ ...paths, release: () => dir }, '20260101T000000Z-0.1.0-aaaaaaa', env.migrate!);
      assert.equal(execFileSync('sh', ['-c', renderCommand(migrate)], { encoding: 'utf8' }).trimEnd(), expected);
      assert.deepEqual(readdirSync(dir), [], 'no marker file');
      assert.ok(existsSync(process.env.HOME ?? '/root'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a health URL with shell syntax in its fragment is accepted and never sent', async () => {
    const marker = join(tmpdir(), `pd13-fragment-${process.pid}`);
    const text = yml({ health: `{ url: ${JSON.stringify(`http://127.0.0.1:4000/health#$(touch\${IFS}${marker})'"\`touch\${IFS}${marker}\``)} }` });
    assert.deepEqual(errors(text), []);
    const url = requireEnvironment(parseDeployConfig(text).config!, 'production').health!.url!;
    // The real health request, over a real socket: what reaches the app is the path, never the fragment.
    const received: string[] = [];
    const server = createServer((socket) => socket.once('data', (d) => {
      received.push(d.toString('latin1'));
      socket.end('HTTP/1.0 200 OK\r\n\r\nok');
    }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const port = (server.address() as AddressInfo).port;
      const response = await httpGetOverStream(connect(port, '127.0.0.1'), parseHttpUrl(url), 2000);
      assert.equal(response.status, 200);
    } finally {
      server.close();
    }
    assert.equal(received.length, 1);
    assert.match(received[0], /^GET \/health HTTP\/1\.0\r\nHost: 127\.0\.0\.1:4000\r\n/);
    assert.ok(!/[#$`']/.test(received[0]), received[0]);
    assert.equal(existsSync(marker), false);
  });
});

describe('broken deploy.yml: a clear diagnostic, never a crash', () => {
  const broken: Array<[string, string, RegExp]> = [
    ['unclosed flow sequence', 'environments: [\n', /config\/deploy\.yml: /],
    ['unterminated quote', 'environments:\n  production:\n    deploy_to: "/opt/a\n', /config\/deploy\.yml: /],
    ['tab indentation', 'environments:\n\tproduction:\n\t\tdeploy_to: /opt/a\n', /config\/deploy\.yml: /],
    ['bad mapping', 'environments:\n  production: : :\n', /config\/deploy\.yml: /],
    ['two documents', `${yml()}---\n${yml()}`, /document/i],
    ['alias bomb', `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n${yml()}`, /./],
    ['binary junk', '\u0000\u0001\u00ff\ufffd\u0007PK\u0003\u0004', /./],
    ['a list at the top', '- a\n- b\n', /must be a mapping/],
    ['a scalar at the top', 'just text\n', /must be a mapping/],
    ['null environments', 'environments:\n', /environments must be a mapping with at least one environment/],
    ['empty environments', 'environments: {}\n', /environments must be a mapping with at least one environment/],
    ['a non-string key', '? [a, b]\n: c\nenvironments: {}\n', /unknown key/],
    ['duplicate top-level key', `app: a\napp: b\n${yml()}`, /unique|duplicate/i],
    ['duplicate environment key', yml({ user: 'deploy\n    user: other' }), /unique|duplicate/i],
    ['duplicate environment', `environments:\n  production:\n    deploy_to: /opt/a\n    hosts: [h]\n    restart: x\n  production:\n    deploy_to: /opt/b\n    hosts: [h]\n    restart: x\n`, /unique|duplicate/i],
    ['missing required keys', 'environments:\n  production:\n    user: deploy\n', /missing the required key "deploy_to"/],
  ];
  for (const [what, text, message] of broken) {
    it(what, () => {
      const loaded = assertClean(text, what);
      assert.equal(loaded.config, undefined, `${what} gave a config`);
      assert.ok(loaded.findings.length >= 1);
      assert.ok(loaded.findings.some((f) => message.test(f.message)), `${what}: ${loaded.findings.map((f) => f.message).join(' | ')}`);
    });
  }

  it('empty files: one finding saying so', () => {
    for (const text of ['', '\n\n', '# only a comment\n', '---\n', '\ufeff']) {
      const found = errors(text);
      assert.equal(found.length, 1, JSON.stringify(text));
      assert.match(found[0].message, /is empty/);
    }
  });

  it('a wrong type in every field: an error at that field naming it', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['app', 'app: 42\n', /app must be a string/], ['repo', 'repo: [a]\n', /repo must be a string/], ['branch', 'branch: { a: 1 }\n', /branch must be a string/],
      ['build', 'build: docker\n', /build must be a mapping/], ['dockerfile', 'build:\n  dockerfile: 7\n', /build\.dockerfile must be a string/],
      ['target', 'build:\n  target: true\n', /build\.target must be a string/], ['tool', 'build:\n  tool: maven\n', /build\.tool "maven" is not valid/],
      ['mix_env', 'build:\n  mix_env: [prod]\n', /build\.mix_env must be a string/], ['network', 'build:\n  network: 3\n', /build\.network must be a string/],
    ];
    for (const [what, top, message] of cases) {
      const found = errors(yml({}, top));
      assert.equal(found.length, 1, `${what}: ${JSON.stringify(found)}`);
      assert.match(found[0].message, message);
      assert.equal(found[0].line, top.split('\n').length - 1, what);
    }
    const envCases: Array<[string, string, RegExp]> = [
      ['user', '5', /user must be a string/], ['deploy_to', '[/opt/a]', /deploy_to must be a string/], ['os', 'true', /os must be a string/],
      ['hosts', 'app1', /hosts must be a list/], ['hosts', '[42]', /hosts\[0\] must be a mapping/], ['hosts', '[{ host: h, port: "22" }]', /port must be an integer/],
      ['hosts', '[{ host: h, port: 70000 }]', /port must be an integer from 1 to 65535/], ['hosts', '[{ host: h, primary: "yes" }]', /primary must be true or false/],
      ['hosts', '[{ port: 22 }]', /missing the required key "host"/], ['hosts', '[]', /at least one host/],
      ['migrate', '[bin/migrate]', /migrate must be a command string or false/], ['restart', '{ cmd: x }', /restart must be a command string/],
      ['restart_timeout', '"30"', /restart_timeout must be an integer from 1 to 3600/], ['restart_timeout', '0', /restart_timeout must be an integer/],
      ['health', '"http://x"', /health must be a mapping/], ['health', '{ url: 5 }', /url must be a string/], ['health', '{ url: "http://x", expect: "200" }', /expect must be an integer/],
      ['health', '{ url: "http://x", timeout: -1 }', /timeout must be an integer from 1 to 3600/], ['keep_releases', '1.5', /keep_releases must be an integer/],
      ['keep_releases', '1', /keep_releases must be an integer from 2 to 100/], ['ssh', '[a]', /ssh must be a mapping/], ['ssh', '{ identity_file: 5 }', /identity_file must be a string/],
      ['ssh', '{ password: x }', /unknown key "password"/],
    ];
    for (const [key, value, message] of envCases) {
      const text = yml({ [key]: value });
      const found = errors(text);
      assert.ok(found.length >= 1, `${key}: ${value} accepted`);
      assert.ok(found.some((f) => message.test(f.message) && f.line === lineOf(text, key)), `${key}: ${value}: ${JSON.stringify(found)}`);
    }
    const env = errors('environments:\n  production: /opt/a\n');
    assert.match(env[0].message, /environments\.production must be a mapping/);
  });

  it('a missing environment names the ones there are', () => {
    const config = parseDeployConfig(yml()).config!;
    assert.throws(() => requireEnvironment(config, 'staging'), /config\/deploy\.yml has no environment "staging" \(known: production\)/);
  });

  it('huge files: a 5 MB comment block, 20 000 hosts, a 1 MB value: parsed, diagnosed, no crash', function () {
    this.timeout(60000);
    const timings: string[] = [];
    const time = (what: string, text: string) => {
      const started = process.hrtime.bigint();
      const loaded = assertClean(text, what);
      timings.push(`${what} (${(text.length / 1e6).toFixed(1)} MB) ${Number(process.hrtime.bigint() - started) / 1e6} ms`);
      return loaded;
    };
    assert.deepEqual(time('comments', `${'# padding\n'.repeat(500000)}${yml()}`).findings, []);
    const hosts = Array.from({ length: 20000 }, (_, i) => `\n      - h${i}.example.com`).join('');
    assert.equal(time('20 000 hosts', yml({ hosts })).config?.environments.production.hosts.length, 20000);
    assert.equal(time('1 MB value', yml({ os: 'x'.repeat(1000000) })).findings.length, 1);
    const dup = time('20 000 duplicate hosts', yml({ hosts: Array.from({ length: 20000 }, () => '\n      - h.example.com').join('') }));
    assert.ok(dup.findings.length > 0);
    console.log(`      parse times: ${timings.join('; ')}`);
  });
});
