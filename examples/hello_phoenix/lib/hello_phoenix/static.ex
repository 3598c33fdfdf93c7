defmodule HelloPhoenix.Static do
  @moduledoc "Serves priv/static like Plug.Static with `only: ~w(assets uploads favicon.ico robots.txt)`."
  @only ~w(assets uploads favicon.ico robots.txt)
  @types %{".js" => ~c"text/javascript", ".css" => ~c"text/css", ".txt" => ~c"text/plain", ".ico" => ~c"image/x-icon", ".json" => ~c"application/json"}

  def serve(path) do
    segments = String.split(path, "/")

    with [first | _] when first in @only <- segments,
         false <- Enum.any?(segments, &(&1 in ["", ".", ".."])),
         file = Path.join([:code.priv_dir(:hello_phoenix), "static" | segments]),
         {:ok, body} <- File.read(file) do
      # Digested names never change content: cache them for a year, as Phoenix does.
      cache = if digested?(path), do: ~c"public, max-age=31536000, immutable", else: ~c"no-cache"
      type = Map.get(@types, Path.extname(path), ~c"application/octet-stream")
      HelloPhoenix.Endpoint.reply(200, body, type, cache_control: cache)
    else
      _ -> HelloPhoenix.Endpoint.reply(404, "not found\n")
    end
  end

  defp digested?(path), do: Regex.match?(~r/-[0-9a-f]{32}\.[^\/]+$/, path)
end
