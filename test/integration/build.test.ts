import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runBuild, type BuildOptions, type Manifest } from '../../src/core/releaseBuild';
import { parseDeployConfig } from '../../src/core/config/load';
import type { DeployConfig } from '../../src/core/config/types';
import { connectDocker } from '../../src/core/docker/client';
import { CancelledError, UserError } from '../../src/core/errors';
import { beamText } from '../support/beam';
import { EventRecorder, LabelledResources } from '../support/buildRun';

/**
 * Real engine, real git: a bare repository stands in for the central remote, a clone is the
 * developer's working copy. Everything created is labelled with this run's id and removed after.
 */
const RUN = `build-it-${process.pid}-${Date.now()}`;
const EXAMPLE = path.join(__dirname, '../../../examples/hello_phoenix');
const GREETING = 'lib/hello_phoenix/greeting.ex';
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.test', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.test' };

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' }).trim();
const greeting = (message: string) => `defmodule HelloPhoenix.Greeting do\n  def message, do: "${message}"\nend\n`;

const releaseBeam = (m: Manifest, module: string) => path.join(m.path, 'lib', `hello_phoenix-${m.version}`, 'ebin', `Elixir.HelloPhoenix.${module}.beam`);

describe('build (real Docker engine, real git)', function () {
  this.timeout(600_000);
  const ours = new LabelledResources(RUN);
  const recorded = new EventRecorder();
  let root: string;
  let dev: string;
  let cache: string;
  let config: DeployConfig;

  const options = (extra: Partial<BuildOptions> = {}): BuildOptions => ({ projectDir: dev, config, cacheRoot: cache, labels: ours.labels, ...extra });
  const build = (extra: Partial<BuildOptions> = {}, signal = new AbortController().signal) => runBuild(options(extra), recorded.sink(), signal);
  const output = () => recorded.output();
  const notes = () => recorded.notes();
  const compiledFiles = () => recorded.compiled() ?? 0;
  const commitAndPush = (message: string, files: Record<string, string>) => {
    for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dev, file), text);
    git(dev, 'add', '-A');
    git(dev, 'commit', '-q', '-m', message);
    git(dev, 'push', '-q', 'origin', 'main');
    return git(dev, 'rev-parse', 'HEAD');
  };
  const ourContainers = () => ours.containers();
  const ourVolumes = () => ours.volumes();

  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'pd-build-it-'));
    cache = path.join(root, 'cache');
    const central = path.join(root, 'central.git');
    const seed = path.join(root, 'seed');
    git(root, 'init', '-q', '--bare', '-b', 'main', central);
    cpSync(EXAMPLE, seed, { recursive: true, filter: (src) => !/[\\/](_build|deps)$/.test(src) });
    git(seed, 'init', '-q', '-b', 'main');
    git(seed, 'add', '-A');
    git(seed, 'commit', '-q', '-m', 'Initial hello_phoenix');
    git(seed, 'push', '-q', central, 'main');
    dev = path.join(root, 'dev');
    git(root, 'clone', '-q', central, dev);
    config = parseDeployConfig(readFileSync(path.join(dev, 'config/deploy.yml'), 'utf8')).config!;
    assert.ok(config, 'the example config/deploy.yml parses');
  });

  after(async () => {
    await ours.removeAll();
    rmSync(root, { recursive: true, force: true });
  });

  it('builds the central tip: a working-tree change and an unpushed commit are not in the release, and it says so', async () => {
    writeFileSync(path.join(dev, 'lib/hello_phoenix/unpushed.ex'), 'defmodule HelloPhoenix.Unpushed do\nend\n');
    git(dev, 'add', '-A');
    git(dev, 'commit', '-q', '-m', 'Local only');
    writeFileSync(path.join(dev, GREETING), greeting('working-tree-only'));
    const manifest = await build();

    assert.equal(manifest.commit, git(path.join(root, 'central.git'), 'rev-parse', 'main'));
    assert.equal(manifest.subject, 'Initial hello_phoenix');
    assert.deepEqual([manifest.app, manifest.version, manifest.erts, manifest.otp, manifest.elixir], ['hello_phoenix', '0.1.0', '13.1.5', '25.2.3', '1.14.0']);
    assert.equal(manifest.builderImage, 'hexpm/elixir:1.14.0-erlang-25.2.3-debian-bookworm-20250520-slim');
    assert.ok(path.isAbsolute(manifest.path) && manifest.path.startsWith(path.join(cache, 'releases', manifest.id)));
    for (const file of ['bin/hello_phoenix', 'releases/start_erl.data', 'erts-13.1.5/bin/beam.smp']) assert.ok(existsSync(path.join(manifest.path, file)), file);
    assert.deepEqual(JSON.parse(readFileSync(path.join(cache, 'releases', manifest.id, 'manifest.json'), 'utf8')), manifest);
    assert.ok(manifest.files > 500 && manifest.bytes > 5_000_000, `${manifest.files} files, ${manifest.bytes} bytes`);

    const greetingBeam = beamText(releaseBeam(manifest, 'Greeting'));
    assert.ok(greetingBeam.includes('hello') && !greetingBeam.includes('working-tree-only'));
    assert.ok(!existsSync(releaseBeam(manifest, 'Unpushed')), 'the unpushed commit is not built');
    assert.ok(notes().some((n) => /1 local commit on main is not on origin\/main and will NOT be deployed/.test(n)), notes().join('\n'));
    assert.ok(notes().some((n) => /1 uncommitted change \(lib\/hello_phoenix\/greeting\.ex\) will NOT be deployed/.test(n)), notes().join('\n'));
    const modules = readdirSync(path.join(EXAMPLE, 'lib'), { recursive: true }).filter((f) => String(f).endsWith('.ex')).length;
    assert.equal(compiledFiles(), modules, 'a cold build compiles every module of the example');
    assert.deepEqual(await ourContainers(), [], 'the build container is removed');
  });

  it('builds a pushed commit, reusing the deps/_build/mix/hex volumes of the first build', async () => {
    const volumesBefore = await ourVolumes();
    assert.equal(volumesBefore.length, 4, volumesBefore.join(', '));
    const buildVolume = volumesBefore.find((v) => v.endsWith('-build'))!;
    const cached = execFileSync('docker', ['run', '--rm', '--network', 'none', '-v', `${buildVolume}:/v:ro`, 'local/elixir-build:1.14.0-otp-25-bookworm',
      'ls', '/v/prod/lib/hello_phoenix/ebin'], { encoding: 'utf8' });
    assert.match(cached, /Elixir\.HelloPhoenix\.Greeting\.beam/, 'the _build volume holds the first build');

    const commit = commitAndPush('Greet differently', { [GREETING]: greeting('pushed-commit-2') });
    const manifest = await build();
    assert.equal(manifest.commit, commit);
    assert.ok(beamText(releaseBeam(manifest, 'Greeting')).includes('pushed-commit-2'));
    assert.ok(existsSync(releaseBeam(manifest, 'Unpushed')), 'the now-pushed commit is built');
    assert.deepEqual(await ourVolumes(), volumesBefore, 'the same volumes are used again');
    assert.equal(compiledFiles(), 2, 'only the changed and the new module are compiled');
    assert.ok(notes().includes('mix.exs declares no dependencies: skipping mix deps.get'));
    assert.deepEqual(notes().filter((n) => /will NOT be deployed/.test(n)), []);
  });

  it('reuses the stored release for the same commit, unless forced', async () => {
    const previous = await build();
    const again = await build();
    assert.deepEqual(again, previous);
    assert.ok(notes().some((n) => n.includes(`reusing stored release ${previous.id}`)));
    assert.doesNotMatch(output(), /\$ mix release/, 'nothing is built');
    const forced = await build({ force: true });
    assert.notEqual(forced.id, previous.id);
    assert.equal(forced.commit, previous.commit);
  });

  it('cancelling mid-build stops and removes the container and stores nothing', async () => {
    commitAndPush('Another greeting', { [GREETING]: greeting('cancelled') });
    const stored = readdirSync(path.join(cache, 'releases')).sort();
    const controller = new AbortController();
    const sink = recorded.sink((e) => {
      if (e.type === 'output' && e.text.includes('$ mix release')) setTimeout(() => controller.abort(), 300);
    });
    await assert.rejects(runBuild(options(), sink, controller.signal), CancelledError);
    assert.ok(output().includes('$ mix release'), 'the release command had started');
    assert.ok(recorded.events.some((e) => e.type === 'step-end' && e.step === 'build-release' && e.error === 'cancelled'), 'cancelled while building');
    assert.deepEqual(await ourContainers(), [], 'no container left, running or not');
    assert.deepEqual(readdirSync(path.join(cache, 'releases')).sort(), stored, 'no half-written release');
  });

  it('a Dockerfile whose stage is missing is a clear error naming the file and line', async () => {
    const dockerfile = readFileSync(path.join(dev, 'Dockerfile'), 'utf8');
    commitAndPush('Break the Dockerfile', { Dockerfile: dockerfile.replace('AS builder', 'AS bilder').replace('FROM builder', 'FROM bilder') });
    await assert.rejects(build(), (e: unknown) => e instanceof UserError &&
      /Dockerfile: stage "builder" not found; its stages are bilder \(line 12\), release \(line 17\)/.test(e.message));
    commitAndPush('Fix the Dockerfile', { Dockerfile: dockerfile });
  });

  it('a compile error fails with the exit code, the last lines (project paths) and nothing left behind', async () => {
    commitAndPush('Syntax error', { [GREETING]: 'defmodule HelloPhoenix.Greeting do\n  def message, do: "oops"\n' });
    await assert.rejects(build(), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /`mix release hello_phoenix --overwrite` failed with exit code 1 in the build container/);
      assert.match(e.message, /Last output:\n[\s\S]*lib\/hello_phoenix\/greeting\.ex/);
      return true;
    });
    assert.deepEqual(await ourContainers(), []);
  });

  it('clear errors: missing branch, unreachable remote, unreachable Docker, include_erts off', async () => {
    await assert.rejects(build({ config: { ...config, branch: 'no-such-branch' } }),
      /branch "no-such-branch" does not exist on repo origin \(.*central\.git\)/);
    await assert.rejects(build({ config: { ...config, repo: `file://${root}/gone.git` } }), /cannot reach repo file:\/\/.*gone\.git: fatal: /);
    commitAndPush('Repair', { [GREETING]: greeting('repaired') });
    await assert.rejects(build({ connect: () => connectDocker({ socketPath: path.join(root, 'no-docker.sock') }) }),
      /Docker is not reachable at .*no-docker\.sock \(ENOENT\)\. Start it with `sudo systemctl start docker`/);
    const mixExs = readFileSync(path.join(dev, 'mix.exs'), 'utf8');
    commitAndPush('No ERTS', { 'mix.exs': mixExs.replace('include_erts: true', 'include_erts: false') });
    await assert.rejects(build(), /include_erts: false .* Set releases: \[hello_phoenix: \[include_erts: true\]\] in mix\.exs/);
  });
});
