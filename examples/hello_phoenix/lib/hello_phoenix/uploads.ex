defmodule HelloPhoenix.Uploads do
  @moduledoc "User uploads, stored where many Phoenix apps keep them: under the app's priv/static/uploads."

  def store(name, body) do
    if name =~ ~r/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/ do
      dir = Path.join(:code.priv_dir(:hello_phoenix), "static/uploads")
      File.mkdir_p!(dir)
      File.write(Path.join(dir, name), body)
    else
      {:error, "bad name"}
    end
  end
end
