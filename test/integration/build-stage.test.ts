import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runBuild, type BuildOptions, type Manifest } from '../../src/core/releaseBuild';
import { parseDeployConfig } from '../../src/core/config/load';
import type { DeployConfig } from '../../src/core/config/types';
import { UserError } from '../../src/core/errors';
import { beamText } from '../support/beam';
import { buildCacheMounts, EventRecorder, LabelledResources, pruneCacheMountsAddedSince } from '../support/buildRun';
import { PHX_APP, PHX_GREETING, phxDockerfile, phxGreeting, writePhxProject } from '../support/phxProject';

/**
 * Builds of a project shaped like `mix phx.gen.release --docker` output, on the real engine with
 * BuildKit: the replayed stage compiles once and incrementally, and the release it stores is the
 * one a plain `docker build --target builder` of the same commit produces.
 */
const RUN = `pd16-stage-${process.pid}-${Date.now()}`;
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.test', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.test' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' }).trim();
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** Every entry of a tree: type, permissions, and content hash or link target. `releases/COOKIE` is random per fresh release. */
function treeDigest(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const relPath = rel ? `${rel}/${name}` : name;
      if (relPath === 'releases/COOKIE') continue;
      const full = path.join(dir, relPath);
      const st = lstatSync(full);
      const mode = (st.mode & 0o777).toString(8);
      if (st.isDirectory()) {
        out.set(relPath, `dir ${mode}`);
        walk(relPath);
      } else if (st.isSymbolicLink()) out.set(relPath, `link ${readlinkSync(full)}`);
      else out.set(relPath, `file ${mode} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`);
    }
  };
  walk('');
  return out;
}

function assertSameTree(actual: string, expected: string): void {
  const a = treeDigest(actual);
  const e = treeDigest(expected);
  const differ = [...new Set([...a.keys(), ...e.keys()])].filter((k) => a.get(k) !== e.get(k));
  assert.deepEqual(differ.map((k) => `${k}: ${a.get(k)} vs ${e.get(k)}`), [], 'files that differ from the plain docker build');
  assert.ok(e.size > 500, `${e.size} entries compared`);
}

describe('build of a phx.gen.release-shaped stage (real engine, BuildKit)', function () {
  this.timeout(900_000);
  const ours = new LabelledResources(RUN);
  const recorded = new EventRecorder();
  let root: string;
  let dev: string;
  let cache: string;
  let config: DeployConfig;
  const images: string[] = [];
  let cacheMountsBefore = new Set<string>();

  const build = (extra: Partial<BuildOptions> = {}) =>
    runBuild({ projectDir: dev, config, cacheRoot: cache, labels: ours.labels, ...extra }, recorded.sink(), new AbortController().signal);
  const output = () => recorded.output();
  const notes = () => recorded.notes();
  const compiled = () => recorded.compiled();
  const commitAndPush = (message: string, files: Record<string, string>) => {
    for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dev, file), text);
    git(dev, 'commit', '-q', '-am', message);
    git(dev, 'push', '-q', 'origin', 'main');
    return git(dev, 'rev-parse', 'HEAD');
  };

  /** `docker build --target builder` (the CLI, so the legacy builder here) in a fresh clone at a commit; returns its release directory. */
  const plainDockerBuild = (commit: string): string => {
    const dir = path.join(root, `plain-${commit.slice(0, 7)}`);
    git(root, 'clone', '-q', path.join(root, 'central.git'), path.join(dir, 'src'));
    git(path.join(dir, 'src'), 'checkout', '-q', '--detach', commit);
    const tag = `${RUN}-plain:${commit.slice(0, 7)}`;
    images.push(tag);
    docker('build', '-q', '--target', 'builder', '-t', tag, path.join(dir, 'src'));
    const container = docker('create', tag, 'true');
    try {
      docker('cp', `${container}:/app/_build/prod/rel/${PHX_APP}`, path.join(dir, 'release'));
    } finally {
      docker('rm', container);
    }
    return path.join(dir, 'release');
  };

  before(async () => {
    cacheMountsBefore = await buildCacheMounts(ours.docker);
    root = mkdtempSync(path.join(os.tmpdir(), 'pd16-stage-it-'));
    cache = path.join(root, 'cache');
    const central = path.join(root, 'central.git');
    dev = path.join(root, 'dev');
    git(root, 'init', '-q', '--bare', '-b', 'main', central);
    writePhxProject(dev, { modules: 10, dockerfile: 'plain', firstInstruction: `RUN echo ${RUN} > /etc/pd-test-run` });
    git(dev, 'init', '-q', '-b', 'main');
    git(dev, 'remote', 'add', 'origin', central);
    git(dev, 'add', '-A');
    git(dev, 'commit', '-q', '-m', 'Initial shop');
    git(dev, 'push', '-q', 'origin', 'main');
    config = parseDeployConfig(readFileSync(path.join(dev, 'config/deploy.yml'), 'utf8')).config!;
    assert.ok(config, 'the generated config/deploy.yml parses');
  });

  after(async () => {
    await ours.removeAll(images);
    await pruneCacheMountsAddedSince(ours.docker, cacheMountsBefore);
    rmSync(root, { recursive: true, force: true });
  });

  let first: Manifest;

  it('replays the stage after COPY lib: one compile, BuildKit progress as readable lines, the same files as a plain docker build', async () => {
    first = await build();
    const text = output();
    assert.match(text, /Stage builder: replayed after the source copy: stage builder copies the app's source at line \d+/);
    assert.match(text, /Building stage builder up to line \d+ \(COPY lib lib\) with BuildKit \(Docker 20\.10/);
    assert.match(text, /^#\d+ \[(?:builder +)?\d+\/\d+\] RUN mix deps\.get --only prod$/m, 'BuildKit steps are announced by name');
    assert.match(text, /^#\d+ DONE \d+\.\ds$/m);
    assert.doesNotMatch(text, /moby\.buildkit\.trace|"aux"/, 'no raw protobuf reaches the terminal');
    assert.match(text, /^#R\d+ \[builder \d+\/\d+\] RUN mix compile$/m, 'the rest is replayed in the container');
    assert.equal((text.match(/Compiling \d+ files? \(\.ex\)/g) ?? []).length, 1, 'the app is compiled once');
    assert.equal(compiled(), 12);
    assertSameTree(first.path, plainDockerBuild(first.commit));
  });

  it('a one-module commit compiles one file and still equals a plain docker build of that commit; the whole-stage design does too', async () => {
    const commit = commitAndPush('Greet differently', { [PHX_GREETING]: phxGreeting('changed') });
    const manifest = await build();
    assert.equal(manifest.commit, commit);
    assert.equal(compiled(), 1, 'only the changed module is compiled');
    assert.match(output(), /^#\d+ CACHED$/m, 'the dependency layers come from the cache');
    const plain = plainDockerBuild(commit);
    assertSameTree(manifest.path, plain);

    const whole = await build({ force: true, wholeStage: true });
    assert.match(output(), /Stage builder: built whole by Docker: asked to build the whole stage/);
    assert.doesNotMatch(output(), /^#R\d+/m, 'nothing replayed');
    assertSameTree(whole.path, plain);
  });

  it('a RUN --mount=type=cache Dockerfile builds with BuildKit, incrementally, and its release is found where the runner stage copies it from', async () => {
    commitAndPush('Cache mounts', { Dockerfile: phxDockerfile({ modules: 10, dockerfile: 'cache', cacheId: RUN, firstInstruction: `RUN echo ${RUN} > /etc/pd-test-run` }) });
    const cold = await build();
    assert.match(output(), /Stage builder: built whole by Docker: RUN --mount=type=cache \(line \d+\) keeps the build cache in BuildKit/);
    assert.match(output(), /Release of stage builder at \/app\/release/);
    assert.equal(compiled(), 12);
    commitAndPush('Greet again', { [PHX_GREETING]: phxGreeting('cached') });
    const warm = await build();
    assert.equal(compiled(), 1, 'BuildKit kept _build in the cache mount');
    assert.notEqual(warm.id, cold.id);
    assert.ok(beamText(path.join(warm.path, 'lib', `${PHX_APP}-0.1.0`, 'ebin', 'Elixir.Shop.Greeting.beam')).includes('cached'));
  });

  it('heredocs and COPY --link fail with the daemon\'s message at their Dockerfile line, not a stack trace', async () => {
    const plain = phxDockerfile({ modules: 10, dockerfile: 'plain' });
    commitAndPush('Heredoc', { Dockerfile: plain.replace('RUN mkdir config', 'RUN <<EOF\nmkdir config\nEOF') });
    const heredocLine = plain.split('\n').findIndex((l) => l === 'RUN mkdir config') + 1;
    await assert.rejects(build(), (e: unknown) => {
      assert.ok(e instanceof UserError, String(e));
      assert.equal(e.detail?.line, heredocLine);
      assert.match(e.message, new RegExp(`^Dockerfile:${heredocLine}: a heredoc \\(<<EOF\\) is not supported by the Dockerfile frontend built into Docker 20\\.10`));
      assert.match(e.message, /The daemon said: failed to solve with frontend dockerfile\.v0: .*dockerfile parse error line \d+: unknown instruction: MKDIR/i);
      return true;
    });
    commitAndPush('COPY --link', { Dockerfile: plain.replace('COPY priv priv', 'COPY --link priv priv') });
    const linkLine = plain.split('\n').findIndex((l) => l === 'COPY priv priv') + 1;
    await assert.rejects(build(), (e: unknown) => {
      assert.ok(e instanceof UserError, String(e));
      assert.equal(e.detail?.line, linkLine);
      assert.match(e.message, new RegExp(`^Dockerfile:${linkLine}: COPY --link is not supported by the Dockerfile frontend built into Docker`));
      assert.match(e.message, /The daemon said: .*dockerfile parse error line \d+: Unknown flag: link/i);
      return true;
    });
  });

  it('a failing instruction is reported at its line, whether Docker or the replay ran it', async () => {
    const plain = phxDockerfile({ modules: 10, dockerfile: 'plain' });
    const lines = plain.split('\n');
    commitAndPush('Fail in a layer', { Dockerfile: plain.replace('RUN mkdir config', 'RUN mkdir config && echo dep-step-broke && false') });
    await assert.rejects(build(), (e: unknown) => {
      assert.ok(e instanceof UserError, String(e));
      const line = lines.indexOf('RUN mkdir config') + 1;
      assert.match(e.message, new RegExp(`^Dockerfile:${line}: \`RUN mkdir config && echo dep-step-broke && false\` failed while Docker built stage builder: .*exit code: 1`));
      assert.match(e.message, /Last output:\n.*dep-step-broke/);
      return true;
    });
    commitAndPush('Fail in the replay', { Dockerfile: plain, [PHX_GREETING]: 'defmodule Shop.Greeting do\n  def message, do: "oops"\n' });
    await assert.rejects(build(), (e: unknown) => {
      assert.ok(e instanceof UserError, String(e));
      assert.equal(e.detail?.line, lines.indexOf('RUN mix compile') + 1);
      assert.match(e.message, /^Dockerfile:\d+: `RUN mix compile` failed with exit code 1 in the build container \(replaying stage instructions on the kept _build; origin\/main at [0-9a-f]{7}\)/);
      assert.match(e.message, /Last output:\n[\s\S]*lib\/shop\/greeting\.ex/);
      return true;
    });
    assert.deepEqual(await ours.containers(), [], 'no container left');
    commitAndPush('Repair', { [PHX_GREETING]: phxGreeting('repaired') });
  });

  it('with DOCKER_BUILDKIT=0 the legacy builder is used, explained once, and BuildKit syntax is refused at its line', async () => {
    const manifest = await build({ env: { DOCKER_BUILDKIT: '0' } });
    const legacy = notes().filter((n) => /legacy builder/.test(n));
    assert.equal(legacy.length, 1, legacy.join('\n'));
    assert.match(legacy[0], /DOCKER_BUILDKIT=0 is set\. Docker deprecated the legacy builder in Engine 23\.0/);
    assert.match(output(), /^Step \d+\/\d+ : COPY priv priv$/m, 'the legacy builder\'s own output');
    assert.match(output(), /^#R\d+ \[builder \d+\/\d+\] RUN mix compile$/m, 'replayed as with BuildKit');
    assertSameTree(manifest.path, plainDockerBuild(manifest.commit));
    commitAndPush('Greet, legacy', { [PHX_GREETING]: phxGreeting('legacy') });
    await build({ env: { DOCKER_BUILDKIT: '0' } });
    assert.equal(compiled(), 1, 'the kept _build makes it incremental');

    commitAndPush('Cache mounts again', { Dockerfile: phxDockerfile({ modules: 10, dockerfile: 'cache', cacheId: RUN }) });
    await assert.rejects(build({ env: { DOCKER_BUILDKIT: '0' } }), /^UserError: Dockerfile:\d+: RUN --mount needs BuildKit, and this build uses Docker's legacy builder \(DOCKER_BUILDKIT=0 is set\)/);
  });
});
