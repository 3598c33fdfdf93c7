defmodule HelloPhoenix.Release do
  @moduledoc "Release tasks, in the shape mix phx.gen.release generates."

  # There is no database here: a migration appends to MIGRATIONS_LOG so deploys can be checked.
  def migrate do
    # Under `eval` the app is not started; load it so its version can be read.
    Application.load(:hello_phoenix)
    if System.get_env("FAIL_MIGRATION") == "1", do: raise("migration failed on purpose")

    case System.get_env("MIGRATIONS_LOG") do
      nil -> :ok
      path -> File.write!(path, "#{HelloPhoenix.version()} #{HelloPhoenix.Greeting.message()}\n", [:append])
    end
  end
end
