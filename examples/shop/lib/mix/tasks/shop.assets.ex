defmodule Mix.Tasks.Shop.Assets do
  @shortdoc "Builds assets/ into priv/static/assets (stands in for esbuild and tailwind)"
  @moduledoc "mix shop.assets [--minify]: copies assets/js and assets/css; --minify drops comments and blank lines."
  use Mix.Task

  @impl true
  def run(args) do
    minify? = "--minify" in args

    for source <- Path.wildcard("assets/{js,css}/*.{js,css}") do
      target = Path.join("priv/static/assets", Path.relative_to(source, "assets"))
      text = File.read!(source)
      text = if minify?, do: minify(text), else: text
      File.mkdir_p!(Path.dirname(target))
      File.write!(target, text)
      Mix.shell().info("#{source} -> #{target}")
    end
  end

  defp minify(text) do
    text
    |> String.replace(~r{/\*.*?\*/}s, "")
    |> String.split("\n")
    |> Enum.map(&String.trim/1)
    |> Enum.reject(&(&1 == "" or String.starts_with?(&1, "//")))
    |> Enum.join("\n")
  end
end
