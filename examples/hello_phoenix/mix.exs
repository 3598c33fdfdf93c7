defmodule HelloPhoenix.MixProject do
  use Mix.Project

  # No hex dependencies: the sandbox cannot reach hex.pm.
  def project do
    [
      app: :hello_phoenix,
      version: "0.1.0",
      elixir: "~> 1.14",
      start_permanent: Mix.env() == :prod,
      deps: [],
      releases: [
        hello_phoenix: [include_erts: true]
      ]
    ]
  end

  def application do
    [
      mod: {HelloPhoenix.Application, []},
      # :crypto brings a NIF linked to libcrypto, as every real Phoenix app has.
      extra_applications: [:logger, :inets, :crypto]
    ]
  end
end
