/** The Dockerfile's final stage read as the host's spec, the PHX_SERVER gate, and the host-side package facts. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { phxServerGate, readFinalStage, releaseRuntime } from '../../../src/core/runtime';
import { missingOn, parseRuntimeFacts } from '../../../src/core/setup/packages';
import { REPO_ROOT } from '../../support/paths';

const SHOP = path.join(REPO_ROOT, 'examples', 'shop');
const dockerfile = readFileSync(path.join(SHOP, 'Dockerfile'), 'utf8');
const runtimeExs = readFileSync(path.join(SHOP, 'config', 'runtime.exs'), 'utf8');
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('the Dockerfile final stage as the host spec', () => {
  const spec = readFinalStage(dockerfile, 'Dockerfile', 'builder')!;

  it('names the packages of its apt-get install line, not the builder stage\'s', () => {
    assert.deepEqual(spec.packages.map((p) => p.value), ['libstdc++6', 'openssl', 'libncurses6', 'locales', 'ca-certificates']);
    assert.equal(spec.packages[0].range.line, lineOf(dockerfile, 'libstdc++6') - 1, 'the RUN instruction that installs them');
  });

  it('finds the locale its locale.gen line enables, and its ENV in order', () => {
    assert.deepEqual(spec.locales.map((l) => l.value), ['en_US.UTF-8']);
    assert.deepEqual(spec.env.map((e) => e.value), [['LANG', 'en_US.UTF-8'], ['LANGUAGE', 'en_US:en'], ['LC_ALL', 'en_US.UTF-8'], ['MIX_ENV', 'prod']]);
    assert.equal(spec.env[0].range.line, lineOf(dockerfile, 'ENV LANG='));
  });

  it('reads apt install forms, version pins and localedef; skips variables', () => {
    const text = 'FROM debian:trixie AS builder\nFROM debian:trixie\nRUN apt install -y curl=8.1 "jq" $EXTRA && localedef -i de_DE -f UTF-8 de_DE.UTF-8\n' +
      'RUN echo "fr_FR.UTF-8 UTF-8" >> /etc/locale.gen && locale-gen\n';
    const s = readFinalStage(text, 'Dockerfile', 'builder')!;
    assert.deepEqual(s.packages.map((p) => p.value), ['curl', 'jq']);
    assert.deepEqual(s.locales.map((l) => l.value), ['de_DE.UTF-8', 'fr_FR.UTF-8']);
  });

  it('a single-stage Dockerfile has no final stage to follow', () => {
    assert.equal(readFinalStage('FROM hexpm/elixir:1.18.3-erlang-27.3.4.1-debian-trixie-20250908-slim AS builder\nRUN mix release\n', 'Dockerfile', 'builder'), undefined);
  });
});

describe('the PHX_SERVER gate in config/runtime.exs', () => {
  it('points at the System.get_env("PHX_SERVER") token phx.new writes (not the comment above it)', () => {
    const gate = phxServerGate(runtimeExs, 'config/runtime.exs')!;
    assert.equal(gate.line, lineOf(runtimeExs, 'if System.get_env("PHX_SERVER")'));
    assert.equal(gate.column, 4);
    assert.equal(gate.endColumn - gate.column, 'System.get_env("PHX_SERVER")'.length);
  });

  it('none without server: true, or only in comments', () => {
    assert.equal(phxServerGate('import Config\nx = System.get_env("PHX_SERVER")\n', 'config/runtime.exs'), undefined);
    assert.equal(phxServerGate('# if System.get_env("PHX_SERVER") do\nconfig :shop, E, server: true\n', 'config/runtime.exs'), undefined);
  });

  it('PHX_SERVER=true goes into the unit environment only when there is no bin/server', () => {
    const gate = phxServerGate(runtimeExs, 'config/runtime.exs');
    assert.deepEqual(releaseRuntime({ serverScript: false, serverGate: gate }).environment.map((v) => `${v.name}=${v.value}`), ['PHX_SERVER=true']);
    assert.deepEqual(releaseRuntime({ serverScript: true, serverGate: gate }).environment, []);
  });
});

describe('packages and locales on a host', () => {
  it('only what dpkg-query and locale -a do not list is missing', () => {
    const runtime = releaseRuntime({ serverScript: true, finalStage: readFinalStage(dockerfile, 'Dockerfile', 'builder') });
    const facts = parseRuntimeFacts('ii  libstdc++6\nii  openssl\nun  libncurses6\nii  locales\n@@phoenix-deploy:locales\nC\nC.utf8\nPOSIX\n');
    assert.deepEqual(missingOn(runtime, facts), { packages: ['libncurses6', 'ca-certificates'], locales: ['en_US.UTF-8'] });
    assert.deepEqual(missingOn(runtime, parseRuntimeFacts('ii  libstdc++6\nii  openssl\nii  libncurses6\nii  locales\nii  ca-certificates\n@@phoenix-deploy:locales\nen_US.utf8\n')),
      { packages: [], locales: [] });
  });
});
