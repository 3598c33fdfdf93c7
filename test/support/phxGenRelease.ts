/**
 * The files `mix phx.new shop` (Phoenix 1.8) + `mix phx.gen.release --docker` leave that init and
 * the settings check read: mix.exs without `releases:`, runtime.exs gating the server on PHX_SERVER
 * and raising on a missing DATABASE_URL / SECRET_KEY_BASE, both overlays, the router (no /health),
 * and the generated Dockerfile's two stages.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export const GEN_RELEASE_RUNTIME = `import Config

if System.get_env("PHX_SERVER") do
  config :shop, ShopWeb.Endpoint, server: true
end

config :shop, ShopWeb.Endpoint,
  http: [port: String.to_integer(System.get_env("PORT", "4000"))]

if config_env() == :prod do
  database_url =
    System.get_env("DATABASE_URL") ||
      raise """
      environment variable DATABASE_URL is missing.
      For example: ecto://USER:PASS@HOST/DATABASE
      """

  maybe_ipv6 = if System.get_env("ECTO_IPV6") in ~w(true 1), do: [:inet6], else: []

  config :shop, Shop.Repo,
    url: database_url,
    pool_size: String.to_integer(System.get_env("POOL_SIZE") || "10"),
    socket_options: maybe_ipv6

  secret_key_base =
    System.get_env("SECRET_KEY_BASE") ||
      raise """
      environment variable SECRET_KEY_BASE is missing.
      You can generate one by calling: mix phx.gen.secret
      """

  host = System.get_env("PHX_HOST") || "example.com"

  config :shop, :dns_cluster_query, System.get_env("DNS_CLUSTER_QUERY")

  config :shop, ShopWeb.Endpoint,
    url: [host: host, port: 443, scheme: "https"],
    http: [ip: {0, 0, 0, 0, 0, 0, 0, 0}],
    secret_key_base: secret_key_base
end
`;

const DOCKERFILE = `ARG ELIXIR_VERSION=1.14.0
ARG OTP_VERSION=25.2.3
ARG DEBIAN_VERSION=bookworm-20250520-slim

ARG BUILDER_IMAGE="hexpm/elixir:\${ELIXIR_VERSION}-erlang-\${OTP_VERSION}-debian-\${DEBIAN_VERSION}"
ARG RUNNER_IMAGE="debian:\${DEBIAN_VERSION}"

FROM \${BUILDER_IMAGE} AS builder
RUN apt-get update -y && apt-get install -y build-essential git && apt-get clean && rm -f /var/lib/apt/lists/*_*
WORKDIR /app
RUN mix local.hex --force && mix local.rebar --force
ENV MIX_ENV="prod"
COPY mix.exs mix.lock ./
RUN mix deps.get --only $MIX_ENV
RUN mkdir config
COPY config/config.exs config/\${MIX_ENV}.exs config/
RUN mix deps.compile
RUN mix assets.setup
COPY priv priv
COPY lib lib
RUN mix compile
COPY assets assets
RUN mix assets.deploy
COPY config/runtime.exs config/
COPY rel rel
RUN mix release

FROM \${RUNNER_IMAGE} AS final
RUN apt-get update -y && apt-get install -y libstdc++6 openssl libncurses6 locales ca-certificates && apt-get clean && rm -f /var/lib/apt/lists/*_*
RUN sed -i '/en_US.UTF-8/s/^# //g' /etc/locale.gen && locale-gen
ENV LANG=en_US.UTF-8 LANGUAGE=en_US:en LC_ALL=en_US.UTF-8
WORKDIR "/app"
RUN chown nobody /app
ENV MIX_ENV="prod"
COPY --from=builder --chown=nobody:root /app/_build/\${MIX_ENV}/rel/shop ./
USER nobody
CMD ["/app/bin/server"]
`;

const ROUTER = (extra: string) => `defmodule ShopWeb.Router do
  use ShopWeb, :router

  pipeline :browser do
    plug :accepts, ["html"]
  end

  scope "/", ShopWeb do
    pipe_through :browser

    get "/", PageController, :home
${extra}  end
end
`;

export function writeGenReleaseProject(dir: string, options: { healthRoute?: string } = {}): void {
  const files: Record<string, string> = {
    'mix.exs': `defmodule Shop.MixProject do
  use Mix.Project

  def project do
    [
      app: :shop,
      version: "0.1.0",
      elixir: "~> 1.14",
      start_permanent: Mix.env() == :prod,
      deps: []
    ]
  end

  def application, do: [mod: {Shop.Application, []}, extra_applications: [:logger]]
end
`,
    '.tool-versions': 'erlang 25.2.3\nelixir 1.14.0-otp-25\n',
    Dockerfile: DOCKERFILE,
    'config/runtime.exs': GEN_RELEASE_RUNTIME,
    'lib/shop_web/router.ex': ROUTER(options.healthRoute ? `    get "${options.healthRoute}", HealthController, :show\n` : ''),
    'rel/overlays/bin/server': '#!/bin/sh\nset -eu\n\ncd -P -- "$(dirname -- "$0")"\nPHX_SERVER=true exec ./shop start\n',
    'rel/overlays/bin/migrate': '#!/bin/sh\nset -eu\n\ncd -P -- "$(dirname -- "$0")"\nexec ./shop eval Shop.Release.migrate\n',
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  for (const bin of ['server', 'migrate']) chmodSync(path.join(dir, 'rel/overlays/bin', bin), 0o755);
}
