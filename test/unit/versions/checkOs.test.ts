import assert from 'node:assert/strict';
import { checkProject } from '../../../src/core/versions/check';
import { DEPLOY_YML, DOCKERFILE, at, project, summary } from './fixtures';

const DF_DEBIAN = 'Dockerfile:4:20-4:42';
const YML_OS = 'config/deploy.yml:7:9-7:18';

describe('checkProject: OS', () => {
  it('accepts every way of writing the same Debian release', () => {
    for (const os of ['debian-12', 'debian-bookworm']) {
      assert.deepEqual(checkProject(project({ deployYml: DEPLOY_YML.replace('debian-12', os) })), [], os);
    }
  });

  it('os-mismatch against deploy.yml: an error on each side', () => {
    const findings = checkProject(project({ deployYml: DEPLOY_YML.replace('debian-12', 'debian-11') }));
    assert.deepEqual(summary(findings), [`os-mismatch error ${YML_OS}`, `os-mismatch error ${DF_DEBIAN}`]);
    assert.equal(findings[0].message, 'Environment "production" in config/deploy.yml (os: debian-11) declares Debian 11 (bullseye), but the builder stage "builder" (hexpm/elixir:1.16.2-erlang-26.2.5-debian-bookworm-20240612-slim) builds on Debian 12 (bookworm)');
    assert.deepEqual(findings[0].related?.map(at), [DF_DEBIAN, 'Dockerfile:9:6-9:22']);
    assert.deepEqual(findings[1].related?.map(at), [YML_OS, 'Dockerfile:9:6-9:22']);
    assert.equal(findings[1].related?.[0].message, 'Debian 11 (bullseye) here');
  });

  it('os-mismatch for another family, written as a codename', () => {
    const findings = checkProject(project({ deployYml: DEPLOY_YML.replace('debian-12', 'ubuntu-jammy') }));
    assert.deepEqual(summary(findings), ['os-mismatch error config/deploy.yml:7:9-7:21', `os-mismatch error ${DF_DEBIAN}`]);
    assert.match(findings[0].message, /declares Ubuntu 22\.04 \(jammy\)/);
  });

  it('os-mismatch between the builder and the runner stage', () => {
    const dockerfile = DOCKERFILE.replace('ARG RUNNER_IMAGE="debian:${DEBIAN_VERSION}"', 'ARG RUNNER_IMAGE="debian:bullseye-20240612-slim"');
    const findings = checkProject(project({ dockerfile }));
    assert.deepEqual(summary(findings), [`os-mismatch error ${DF_DEBIAN}`, 'os-mismatch error Dockerfile:7:26-7:48']);
    assert.match(findings[0].message, /builds on Debian 12 \(bookworm\), but the runner stage on line 27 \(debian:bullseye-20240612-slim\) runs Debian 11 \(bullseye\)/);
    assert.deepEqual(findings[1].related?.map(at), [DF_DEBIAN, 'Dockerfile:9:6-9:22']);
  });

  it('alpine builders and runners agree on major.minor', () => {
    const dockerfile = 'FROM hexpm/elixir:1.16.2-erlang-26.2.5-alpine-3.19.1 AS build\nRUN mix release\nFROM alpine:3.19\n';
    const deployYml = DEPLOY_YML.replace('debian-12', 'alpine-3.19');
    assert.deepEqual(checkProject(project({ dockerfile, deployYml })), []);
    const findings = checkProject(project({ dockerfile: dockerfile.replace('alpine:3.19', 'alpine:3.18.4'), deployYml }));
    assert.deepEqual(summary(findings), ['os-mismatch error Dockerfile:1:47-1:53', 'os-mismatch error Dockerfile:3:13-3:19']);
  });

  it('ubuntu builders compare with ubuntu versions', () => {
    const dockerfile = 'FROM hexpm/elixir:1.16.2-erlang-26.2.5-ubuntu-jammy-20240530 AS build\nRUN mix release\nFROM ubuntu:22.04\n';
    assert.deepEqual(checkProject(project({ dockerfile, deployYml: DEPLOY_YML.replace('debian-12', 'ubuntu-22.04') })), []);
    const findings = checkProject(project({ dockerfile, deployYml: DEPLOY_YML.replace('debian-12', 'ubuntu-24.04') }));
    // The final stage (ubuntu:22.04) is the hosts' spec too: reported at its own FROM.
    assert.deepEqual(summary(findings), ['os-mismatch error config/deploy.yml:7:9-7:21', 'os-mismatch error Dockerfile:1:47-1:61', 'os-mismatch error Dockerfile:3:13-3:18']);
  });

  it('a final stage on another OS than the hosts\' os: is reported at its FROM, even when the builder\'s OS is unknown', () => {
    const dockerfile = 'FROM registry.example.com/our-builder:7 AS builder\nRUN mix release\nFROM debian:bookworm-20250908-slim\n';
    const findings = checkProject(project({ dockerfile, deployYml: DEPLOY_YML.replace('debian-12', 'debian-13') }));
    const runner = findings.filter((f) => f.file === 'Dockerfile' && f.line === 3);
    assert.equal(runner.length, 1, JSON.stringify(summary(findings)));
    assert.match(runner[0].message, /runner stage on line 3 \(debian:bookworm-20250908-slim\) runs Debian 12 \(bookworm\), but environment "production" declares Debian 13/);
    assert.deepEqual(runner[0].related?.map((r) => `${r.file}:${r.line}`), ['config/deploy.yml:7']);
  });

  it('version-unknown (not a mismatch) when a tag states only the family', () => {
    const dockerfile = 'FROM elixir:1.16.2-otp-26 AS build\nRUN mix release\nFROM debian:stable-slim\n';
    const findings = checkProject(project({ dockerfile }));
    assert.deepEqual(summary(findings), ['version-unknown info Dockerfile:1:13-1:26', 'version-unknown info Dockerfile:1:13-1:26']);
    assert.ok(findings.every((f) => /Cannot tell which Debian release the builder stage "build"/.test(f.message)));
  });

  it('a family difference is still a mismatch when releases are unstated', () => {
    const dockerfile = 'FROM elixir:1.16.2-otp-26-alpine AS build\nRUN mix release\nFROM debian:bookworm-slim\n';
    const codes = summary(checkProject(project({ dockerfile })));
    assert.deepEqual(codes, ['os-mismatch error config/deploy.yml:7:9-7:18', 'os-mismatch error Dockerfile:1:13-1:33', 'os-mismatch error Dockerfile:1:13-1:33', 'os-mismatch error Dockerfile:3:13-3:26']);
  });

  it('an os: that names no known release is reported as unknown', () => {
    const findings = checkProject(project({ deployYml: DEPLOY_YML.replace('debian-12', 'debian-sid') }));
    assert.deepEqual(summary(findings), ['version-unknown info config/deploy.yml:7:9-7:19']);
  });

  it('checks only the chosen environment with options.env', () => {
    const deployYml = `${DEPLOY_YML}  staging:\n    deploy_to: /opt/my_app\n    os: ubuntu-22.04\n    hosts: [staging.example.com]\n    restart: sudo systemctl restart my_app\n`;
    assert.deepEqual(checkProject(project({ deployYml }), { env: 'production' }), []);
    assert.deepEqual(summary(checkProject(project({ deployYml }), { env: 'staging' })), ['os-mismatch error config/deploy.yml:12:9-12:21', `os-mismatch error ${DF_DEBIAN}`]);
    assert.equal(checkProject(project({ deployYml })).length, 2);
  });
});
