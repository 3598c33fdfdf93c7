/**
 * build.network reaches the part of the stage Docker builds itself (docker build's network mode),
 * not only the replay and the release: a RUN before the source copy fetches from a "private
 * mirror" that exists only on a Docker network the test made (--internal, reached by name).
 *   npx tsc -p . && node out/test/support/runLayer.js integration build-network
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runBuild } from '../../src/core/releaseBuild';
import { parseDeployConfig } from '../../src/core/config/load';
import { EventRecorder, LabelledResources } from '../support/buildRun';
import { REPO_ROOT } from '../support/paths';

const RUN = `pd21a-net-${process.pid}`;
const NETWORK = `${RUN}-mirror`;
const MIRROR = `${RUN}-hex`;
const IMAGE = 'local/elixir-build:1.18.3-otp-27-trixie';
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.test', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.test' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' }).trim();
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** An HTTP server (OTP's httpd) serving /srv, as a Hex mirror would serve its builds. */
const SERVE = 'inets:start(), {ok, _} = inets:start(httpd, [{port, 8080}, {server_name, "mirror"}, {server_root, "/tmp"}, ' +
  '{document_root, "/srv"}, {bind_address, any}]), receive after infinity -> ok end.';
/** The builder's RUN: fetch from the mirror by its container name, as `mix local.hex` would from HEX_MIRROR. */
const FETCH = `erl -noshell -eval 'inets:start(), {ok, {{_, 200, _}, _, Body}} = httpc:request("http://${MIRROR}:8080/installs.txt"), io:format("mirror says: ~s~n", [Body]), halt().'`;

describe('build.network applies to the image build Docker runs itself (integration)', function () {
  this.timeout(600_000);
  const ours = new LabelledResources(RUN);
  const recorded = new EventRecorder();
  let root: string;
  let dev: string;

  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'pd21a-net-'));
    dev = path.join(root, 'dev');
    cpSync(path.join(REPO_ROOT, 'examples', 'shop'), dev, { recursive: true });
    const dockerfile = readFileSync(path.join(dev, 'Dockerfile'), 'utf8');
    const hexLine = 'RUN mix local.hex --force \\\n  && mix local.rebar --force\n';
    assert.ok(dockerfile.includes(hexLine));
    writeFileSync(path.join(dev, 'Dockerfile'), dockerfile.replace(hexLine, `${hexLine}\n# the private Hex mirror, reachable only on build.network\nRUN ${FETCH}\n`));
    writeFileSync(path.join(dev, 'config', 'deploy.yml'), `app: shop\nrepo: origin\nbranch: main\nbuild:\n  dockerfile: Dockerfile\n  target: builder\n  network: ${NETWORK}\n` +
      'environments:\n  production:\n    deploy_to: /opt/shop\n    hosts: [127.0.0.1]\n    restart: sudo systemctl restart shop\n');
    git(root, 'init', '-q', '--bare', '-b', 'main', path.join(root, 'central.git'));
    git(dev, 'init', '-q', '-b', 'main');
    git(dev, 'remote', 'add', 'origin', path.join(root, 'central.git'));
    git(dev, 'add', '-A');
    git(dev, 'commit', '-q', '-m', 'shop behind a private mirror');
    git(dev, 'push', '-q', 'origin', 'main');
    docker('network', 'create', '--internal', NETWORK);
    docker('run', '-d', '--pull', 'never', '--name', MIRROR, '--network', NETWORK, '--label', `dev.phoenix-deploy.test-run=${RUN}`, IMAGE,
      'sh', '-c', `mkdir -p /srv && echo "hex 2.x for ${RUN}" > /srv/installs.txt && exec erl -noshell -eval '${SERVE}'`);
  });

  after(async () => {
    await ours.removeAll();
    try { docker('rm', '-f', MIRROR); } catch { /* already gone */ }
    try { docker('network', 'rm', NETWORK); } catch { /* already gone */ }
    rmSync(root, { recursive: true, force: true });
  });

  it('a RUN before the source copy reaches the mirror on build.network, and the release builds', async () => {
    const config = parseDeployConfig(readFileSync(path.join(dev, 'config', 'deploy.yml'), 'utf8')).config!;
    assert.equal(config.build.network, NETWORK);
    const manifest = await runBuild({ projectDir: dev, config, cacheRoot: path.join(root, 'cache'), labels: ours.labels }, recorded.sink(), new AbortController().signal);
    const text = recorded.output();
    assert.match(text, new RegExp(`mirror says: hex 2\\.x for ${RUN}`), 'the image build fetched from the mirror');
    assert.match(text, /Building stage builder up to line \d+ \(COPY lib lib\)/, "that RUN (line 35) is in the part Docker builds");
    assert.match(readFileSync(path.join(manifest.path, 'releases', 'start_erl.data'), 'utf8'), /^\S+ 0\.1\.0/);
  });
});
