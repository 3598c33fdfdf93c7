defmodule Shop.Repo do
  @moduledoc """
  Stands in for `use Ecto.Repo, otp_app: :shop, adapter: Ecto.Adapters.Postgres` (no PostgreSQL
  here): it needs the same configuration (`DATABASE_URL` through config/runtime.exs) and has
  nothing to migrate.
  """
  use Agent

  def start_link(_opts) do
    config = Application.fetch_env!(:shop, __MODULE__)
    Agent.start_link(fn -> Keyword.fetch!(config, :url) end, name: __MODULE__)
  end

  @doc "What Ecto.Migrator.run/3 would do for this repo: there are no migrations to run."
  def migrate_all do
    url = Keyword.fetch!(Application.fetch_env!(:shop, __MODULE__), :url)
    %URI{host: host, path: path} = URI.parse(url)
    IO.puts("[info] Migrations already up (#{host}#{path})")
    :ok
  end
end
