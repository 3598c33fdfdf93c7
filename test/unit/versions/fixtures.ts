import type { ProjectFiles } from '../../../src/core/versions/check';
import type { SourceRange } from '../../../src/core/findings';

/** A consistent phx.gen.release-shaped project: Elixir 1.16.2, OTP 26.2.5, Debian 12 everywhere. */
export const TOOL_VERSIONS = 'erlang 26.2.5\nelixir 1.16.2-otp-26\nnodejs 20.11.1\n';

export const DOCKERFILE = `# Find eligible builder and runner images on Docker Hub.
ARG ELIXIR_VERSION=1.16.2
ARG OTP_VERSION=26.2.5
ARG DEBIAN_VERSION=bookworm-20240612-slim

ARG BUILDER_IMAGE="hexpm/elixir:\${ELIXIR_VERSION}-erlang-\${OTP_VERSION}-debian-\${DEBIAN_VERSION}"
ARG RUNNER_IMAGE="debian:\${DEBIAN_VERSION}"

FROM \${BUILDER_IMAGE} as builder

# install build dependencies
RUN apt-get update -y && apt-get install -y build-essential git \\
    && apt-get clean && rm -f /var/lib/apt/lists/*_*

WORKDIR /app
RUN mix local.hex --force && \\
    mix local.rebar --force
ENV MIX_ENV="prod"
COPY mix.exs mix.lock ./
RUN mix deps.get --only $MIX_ENV
COPY lib lib
RUN mix compile
COPY rel rel
RUN mix release

# the final image only contains the release
FROM \${RUNNER_IMAGE}

RUN apt-get update -y && \\
  apt-get install -y libstdc++6 openssl libncurses5 locales ca-certificates \\
  && apt-get clean && rm -f /var/lib/apt/lists/*_*
WORKDIR "/app"
COPY --from=builder --chown=nobody:root /app/_build/prod/rel/my_app ./
USER nobody
CMD ["/app/bin/server"]
`;

export const MIX_EXS = `defmodule MyApp.MixProject do
  use Mix.Project

  def project do
    [
      app: :my_app,
      version: "0.1.0",
      elixir: "~> 1.15",
      start_permanent: Mix.env() == :prod,
      deps: deps(),
      releases: [
        my_app: [include_erts: true, strip_beams: true]
      ]
    ]
  end

  defp deps, do: [{:phoenix, "~> 1.7.12"}]
end
`;

export const DEPLOY_YML = `app: my_app
build:
  dockerfile: Dockerfile
environments:
  production:
    deploy_to: /opt/my_app
    os: debian-12
    hosts: [web1.example.com]
    restart: sudo systemctl restart my_app
`;

export function project(overrides: Partial<ProjectFiles> = {}): ProjectFiles {
  return { toolVersions: TOOL_VERSIONS, dockerfile: DOCKERFILE, mixExs: MIX_EXS, deployYml: DEPLOY_YML, ...overrides };
}

/** `file:line:column-endLine:endColumn`, to assert exact ranges in one comparison. */
export function at(range: SourceRange): string {
  return `${range.file}:${range.line}:${range.column}-${range.endLine}:${range.endColumn}`;
}

/** `code severity file:range` of each finding, in order. */
export function summary(findings: ReadonlyArray<SourceRange & { code: string; severity: string }>): string[] {
  return findings.map((f) => `${f.code} ${f.severity} ${at(f)}`);
}
