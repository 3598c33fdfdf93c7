import assert from 'node:assert/strict';
import { parseImageReference, type ImageFacts } from '../../../src/core/versions/imageTags';

type Expected = { kind: ImageFacts['kind']; elixir?: string; otp?: string; os?: object };

function facts(reference: string): Expected {
  const f = parseImageReference(reference);
  // Every part's offsets must select its own text in the reference.
  if (f.elixir) assert.equal(reference.slice(f.elixir.start, f.elixir.end), f.elixir.value);
  if (f.otp) assert.equal(reference.slice(f.otp.start, f.otp.end), f.otp.value);
  const out: Expected = { kind: f.kind };
  if (f.elixir) out.elixir = f.elixir.value;
  if (f.otp) out.otp = f.otp.value;
  if (f.os) out.os = f.os.value;
  return out;
}

const bookworm = { family: 'debian', release: '12', codename: 'bookworm' };

describe('parseImageReference', () => {
  const cases: Array<[string, Expected]> = [
    ['hexpm/elixir:1.16.2-erlang-26.2.5-debian-bookworm-20240612-slim', { kind: 'hexpm-elixir', elixir: '1.16.2', otp: '26.2.5', os: bookworm }],
    ['hexpm/elixir:1.15.7-erlang-26.1.2-debian-bullseye-20231009', { kind: 'hexpm-elixir', elixir: '1.15.7', otp: '26.1.2', os: { family: 'debian', release: '11', codename: 'bullseye' } }],
    ['hexpm/elixir:1.16.2-erlang-26.2.5-ubuntu-jammy-20240530', { kind: 'hexpm-elixir', elixir: '1.16.2', otp: '26.2.5', os: { family: 'ubuntu', release: '22.04', codename: 'jammy' } }],
    ['hexpm/elixir:1.16.2-erlang-26.2.5-alpine-3.19.1', { kind: 'hexpm-elixir', elixir: '1.16.2', otp: '26.2.5', os: { family: 'alpine', release: '3.19' } }],
    ['hexpm/elixir:1.17.0-rc.1-erlang-27.0.1-debian-bookworm-20240701-slim', { kind: 'hexpm-elixir', elixir: '1.17.0-rc.1', otp: '27.0.1', os: { family: 'debian', release: '12', codename: 'bookworm' } }],
    ['hexpm/elixir:1.16.2-erlang-26.2.5.1-debian-sid-20240612', { kind: 'hexpm-elixir', elixir: '1.16.2', otp: '26.2.5.1', os: { family: 'debian' } }],
    ['hexpm/erlang:26.2.5-debian-bookworm-20240612-slim', { kind: 'hexpm-erlang', otp: '26.2.5', os: bookworm }],
    ['hexpm/erlang:25.3.2.12-alpine-3.18.6', { kind: 'hexpm-erlang', otp: '25.3.2.12', os: { family: 'alpine', release: '3.18' } }],
    ['docker.io/hexpm/elixir:1.16.2-erlang-26.2.5-debian-bookworm-20240612-slim', { kind: 'hexpm-elixir', elixir: '1.16.2', otp: '26.2.5', os: bookworm }],
    ['registry:5000/hexpm/erlang:26.2.5-ubuntu-noble-20240605', { kind: 'hexpm-erlang', otp: '26.2.5', os: { family: 'ubuntu', release: '24.04', codename: 'noble' } }],
    ['elixir:1.16.2', { kind: 'elixir', elixir: '1.16.2', os: { family: 'debian' } }],
    ['elixir:1.16', { kind: 'elixir', elixir: '1.16', os: { family: 'debian' } }],
    ['elixir:1.16.2-otp-26', { kind: 'elixir', elixir: '1.16.2', otp: '26', os: { family: 'debian' } }],
    ['elixir:1.16-otp-25-slim', { kind: 'elixir', elixir: '1.16', otp: '25', os: { family: 'debian' } }],
    ['elixir:1.16.2-otp-26-alpine', { kind: 'elixir', elixir: '1.16.2', otp: '26', os: { family: 'alpine' } }],
    ['elixir:1.16-alpine', { kind: 'elixir', elixir: '1.16', os: { family: 'alpine' } }],
    ['elixir:slim', { kind: 'elixir', os: { family: 'debian' } }],
    ['registry:5000/library/elixir:1.16.2-otp-26-slim', { kind: 'elixir', elixir: '1.16.2', otp: '26', os: { family: 'debian' } }],
    ['docker.io/library/erlang:26.2.5', { kind: 'erlang', otp: '26.2.5', os: { family: 'debian' } }],
    ['erlang:26-slim', { kind: 'erlang', otp: '26', os: { family: 'debian' } }],
    ['erlang:26.2.5.0-alpine', { kind: 'erlang', otp: '26.2.5.0', os: { family: 'alpine' } }],
    ['debian:bookworm', { kind: 'os', os: bookworm }],
    ['debian:bookworm-20240612-slim', { kind: 'os', os: bookworm }],
    ['debian:12.5-slim', { kind: 'os', os: bookworm }],
    ['debian:12', { kind: 'os', os: bookworm }],
    ['debian:bullseye-slim', { kind: 'os', os: { family: 'debian', release: '11', codename: 'bullseye' } }],
    ['debian:stable-slim', { kind: 'os', os: { family: 'debian' } }],
    ['ubuntu:22.04', { kind: 'os', os: { family: 'ubuntu', release: '22.04', codename: 'jammy' } }],
    ['ubuntu:jammy-20240530', { kind: 'os', os: { family: 'ubuntu', release: '22.04', codename: 'jammy' } }],
    ['ubuntu:noble', { kind: 'os', os: { family: 'ubuntu', release: '24.04', codename: 'noble' } }],
    ['alpine:3.19', { kind: 'os', os: { family: 'alpine', release: '3.19' } }],
    ['alpine:3.19.1', { kind: 'os', os: { family: 'alpine', release: '3.19' } }],
    ['alpine:latest', { kind: 'os', os: { family: 'alpine' } }],
    ['docker.io/library/debian:bookworm-slim@sha256:abc', { kind: 'os', os: bookworm }],
  ];
  for (const [reference, expected] of cases) {
    it(reference, () => assert.deepEqual(facts(reference), expected));
  }

  it('says nothing about images or tags it does not know', () => {
    assert.deepEqual(facts('elixir'), { kind: 'unknown' });
    assert.deepEqual(facts('elixir:latest'), { kind: 'unknown' });
    assert.deepEqual(facts('erlang:latest'), { kind: 'unknown' });
    assert.deepEqual(facts('myorg/elixir:1.16.2'), { kind: 'unknown' });
    assert.deepEqual(facts('hexpm/elixir:latest'), { kind: 'unknown' });
    assert.deepEqual(facts('local/elixir-build:1.14.0-otp-25-bookworm'), { kind: 'unknown' });
    assert.deepEqual(facts('debian@sha256:0123'), { kind: 'unknown' });
    assert.deepEqual(facts('scratch'), { kind: 'unknown' });
    assert.deepEqual(facts(''), { kind: 'unknown' });
  });

  it('locates the OS part of a hexpm tag', () => {
    const ref = 'hexpm/elixir:1.16.2-erlang-26.2.5-debian-bookworm-20240612-slim';
    const os = parseImageReference(ref).os!;
    assert.equal(ref.slice(os.start, os.end), 'bookworm-20240612-slim');
  });
});
