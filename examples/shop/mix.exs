defmodule Shop.MixProject do
  use Mix.Project

  # Shaped like `mix phx.new shop` (Phoenix 1.8) with `mix phx.gen.release --docker`, without hex
  # dependencies (the sandbox cannot reach hex.pm): ShopWeb.Endpoint is a small :inets server that
  # behaves like a Phoenix endpoint. As generated, there is no `releases:` key: `mix release`
  # builds a release named after the app, with ERTS included.
  def project do
    [
      app: :shop,
      version: "0.1.0",
      elixir: "~> 1.15",
      elixirc_paths: elixirc_paths(Mix.env()),
      start_permanent: Mix.env() == :prod,
      aliases: aliases(),
      deps: deps()
    ]
  end

  def application do
    [
      mod: {Shop.Application, []},
      extra_applications: [:logger, :runtime_tools, :inets, :crypto]
    ]
  end

  defp elixirc_paths(:test), do: ["lib", "test/support"]
  defp elixirc_paths(_), do: ["lib"]

  # phx.new lists phoenix, phoenix_ecto, ecto_sql, postgrex, phoenix_live_view, bandit, … here.
  defp deps, do: []

  # phx.new's aliases call the tailwind/esbuild installers (downloads) and phx.digest. Here
  # assets.setup has nothing to install, and assets.deploy copies and digests assets/ itself.
  defp aliases do
    [
      setup: ["deps.get", "assets.setup", "assets.build"],
      "assets.setup": [&assets_setup/1],
      "assets.build": ["compile", "shop.assets"],
      "assets.deploy": ["shop.assets --minify", "shop.digest"]
    ]
  end

  defp assets_setup(_args), do: Mix.shell().info("assets.setup: no asset tools to install (no hex deps)")
end
