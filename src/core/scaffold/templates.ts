import type { ProjectFacts } from './detect';

/** A commented config/deploy.yml for the detected project; every value is a placeholder to check. */
export function deployConfigTemplate(facts: ProjectFacts): string {
  const app = facts.app ?? 'my_app';
  return `# Phoenix Deploy configuration. Reference: README.md "Configuration".
app: ${app}                  # release name in mix.exs
repo: origin                 # the central repository: a git remote name or URL
branch: main                 # only this branch's tip, as fetched from repo, is ever built
build:
  dockerfile: Dockerfile${facts.stages.length > 0 ? `     # stages: ${facts.stages.join(', ')}` : ''}
  target: ${facts.target ?? 'builder'}              # the build environment stage
  tool: auto                 # auto | mix | distillery
  mix_env: prod
environments:
  production:
    user: deploy
    deploy_to: /opt/${app}
${facts.os ? `    os: ${facts.os}              # what the hosts run; checked against the Dockerfile\n` : '    # os: debian-12          # what the hosts run; checked against the Dockerfile\n'}    hosts:
      - app1.example.com       # host[:port], or { host: ..., port: 2222, primary: true }
    migrate: ${facts.migrate ?? 'bin/migrate      '} # run in the new release on the primary host before the switch; false = none
    restart: sudo systemctl restart ${app}
    health: { url: "http://127.0.0.1:4000/health", expect: 200, timeout: 30 }
    keep_releases: 5
    # ssh: { identity_file: ~/.ssh/id_ed25519, known_hosts: ~/.ssh/known_hosts }   # the ssh-agent is tried first
`;
}

/** A Dockerfile in the shape `mix phx.gen.release --docker` writes, pinned to .tool-versions. */
export function dockerfileTemplate(facts: ProjectFacts, debian = 'bookworm-20250520-slim'): string {
  const elixir = facts.elixir ?? '1.14.0';
  const otp = facts.erlang ?? '25.2.3';
  const app = facts.app ?? 'my_app';
  return `# Written by Phoenix Deploy in the shape of \`mix phx.gen.release --docker\`, pinned to .tool-versions.
ARG ELIXIR_VERSION=${elixir}
ARG OTP_VERSION=${otp}
ARG DEBIAN_VERSION=${debian}

ARG BUILDER_IMAGE="hexpm/elixir:\${ELIXIR_VERSION}-erlang-\${OTP_VERSION}-debian-\${DEBIAN_VERSION}"
ARG RUNNER_IMAGE="debian:\${DEBIAN_VERSION}"

FROM \${BUILDER_IMAGE} AS builder
RUN apt-get update -y && apt-get install -y build-essential git && apt-get clean && rm -f /var/lib/apt/lists/*_*
WORKDIR /app
RUN mix local.hex --force && mix local.rebar --force
ENV MIX_ENV="prod"
COPY mix.exs mix.lock ./
RUN mix deps.get --only $MIX_ENV
COPY config config
COPY priv priv
COPY lib lib
COPY rel rel
RUN mix compile
RUN mix release

FROM \${RUNNER_IMAGE}
RUN apt-get update -y && apt-get install -y libstdc++6 openssl libncurses5 locales ca-certificates && apt-get clean && rm -f /var/lib/apt/lists/*_*
ENV LANG=C.UTF-8 MIX_ENV="prod"
WORKDIR /app
COPY --from=builder /app/_build/prod/rel/${app} ./
CMD ["/app/bin/${app}", "start"]
`;
}
