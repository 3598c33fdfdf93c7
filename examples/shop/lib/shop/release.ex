defmodule Shop.Release do
  @moduledoc """
  Used for executing DB release tasks when run in production without Mix
  installed.
  """
  @app :shop

  def migrate do
    load_app()

    for repo <- repos() do
      # phx.gen.release: {:ok, _, _} = Ecto.Migrator.with_repo(repo, &Ecto.Migrator.run(&1, :up, all: true))
      :ok = repo.migrate_all()
    end
  end

  def rollback(repo, _version) do
    load_app()
    :ok = repo.migrate_all()
  end

  defp repos do
    Application.fetch_env!(@app, :ecto_repos)
  end

  defp load_app do
    # Many platforms require SSL when connecting to the database
    Application.ensure_all_started(:ssl)
    Application.ensure_loaded(@app)
  end
end
