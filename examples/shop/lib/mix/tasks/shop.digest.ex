defmodule Mix.Tasks.Shop.Digest do
  @shortdoc "Digests priv/static and writes cache_manifest.json (stands in for phx.digest)"
  @moduledoc """
  For each file under priv/static, writes `name-<md5>.ext` beside it and records both in
  priv/static/cache_manifest.json, in phx.digest's format (`latest`, `digests`, `version`).
  """
  use Mix.Task

  @output "priv/static"

  @impl true
  def run(_args) do
    files =
      Path.wildcard(Path.join(@output, "**/*"))
      |> Enum.filter(&File.regular?/1)
      |> Enum.map(&Path.relative_to(&1, @output))
      |> Enum.reject(&(&1 == "cache_manifest.json" or digested?(&1)))
      |> Enum.sort()

    entries =
      for logical <- files do
        content = File.read!(Path.join(@output, logical))
        digest = :crypto.hash(:md5, content) |> Base.encode16(case: :lower)
        digested = Path.rootname(logical) <> "-" <> digest <> Path.extname(logical)
        File.write!(Path.join(@output, digested), content)
        {logical, digested, digest, byte_size(content)}
      end

    latest = Enum.map(entries, fn {logical, digested, _, _} -> {logical, digested} end)

    digests =
      Enum.map(entries, fn {logical, digested, digest, size} ->
        {digested, {:object, [{"logical_path", logical}, {"digest", digest}, {"size", size}]}}
      end)

    manifest = {:object, [{"latest", {:object, latest}}, {"digests", {:object, digests}}, {"version", 1}]}
    File.write!(Path.join(@output, "cache_manifest.json"), encode(manifest))
    Mix.shell().info("Check your digested files at #{inspect(@output)}")
  end

  defp digested?(path), do: Regex.match?(~r/-[0-9a-f]{32}\.[a-z0-9]+$/, path)

  # A small JSON encoder, so the task runs on any Elixir (the JSON module arrived in 1.18).
  defp encode({:object, pairs}), do: "{" <> Enum.map_join(pairs, ",", fn {k, v} -> encode(k) <> ":" <> encode(v) end) <> "}"
  defp encode(value) when is_integer(value), do: Integer.to_string(value)
  defp encode(value) when is_binary(value), do: ~s(") <> String.replace(value, ~r/["\\]/, "\\\\\\0") <> ~s(")
end
