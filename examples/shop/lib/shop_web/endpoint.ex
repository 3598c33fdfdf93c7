defmodule ShopWeb.Endpoint do
  @moduledoc """
  Behaves like a Phoenix endpoint on OTP's :inets httpd: it serves only when the config says
  `server: true` (config/runtime.exs sets it under PHX_SERVER), otherwise it logs what Phoenix
  logs and listens on nothing.
  """
  require Logger

  def child_spec(opts), do: %{id: __MODULE__, start: {__MODULE__, :start_link, [opts]}, type: :worker}

  def config(key, default \\ nil), do: Keyword.get(Application.get_env(:shop, __MODULE__, []), key, default)

  def start_link(_opts) do
    if config(:server) do
      serve(config(:http, []))
    else
      Logger.info("Configuration :server was not enabled for #{inspect(__MODULE__)}, http/https services won't start")
      :ignore
    end
  end

  defp serve(http) do
    port = Keyword.get(http, :port, 4000)
    ip = Keyword.get(http, :ip, {127, 0, 0, 1})
    family = if tuple_size(ip) == 8, do: :inet6, else: :inet

    {:ok, pid} =
      :inets.start(
        :httpd,
        [
          port: port,
          bind_address: ip,
          ipfamily: family,
          server_name: ~c"shop",
          server_root: ~c"/tmp",
          document_root: ~c"/tmp",
          modules: [ShopWeb.Router]
        ],
        :stand_alone
      )

    Logger.info("Running #{inspect(__MODULE__)} with :inets httpd at #{:inet.ntoa(ip)}:#{port} (http)")
    Logger.info("Access #{inspect(__MODULE__)} at #{url()}")
    {:ok, pid}
  end

  def url do
    url = config(:url, [])
    scheme = Keyword.get(url, :scheme, "http")
    host = Keyword.get(url, :host, "localhost")
    port = Keyword.get(url, :port, 80)
    default? = {scheme, port} in [{"http", 80}, {"https", 443}]
    "#{scheme}://#{host}#{if default?, do: "", else: ":#{port}"}"
  end

  @doc "The digested path of a static file, from priv/static/cache_manifest.json when configured."
  def static_path(path) do
    with manifest when is_binary(manifest) <- config(:cache_static_manifest),
         {:ok, text} <- File.read(Application.app_dir(:shop, manifest)),
         [_, digested] <- Regex.run(~r/"#{Regex.escape(String.trim_leading(path, "/"))}":"([^"]+)"/, text) do
      "/" <> digested
    else
      _ -> path
    end
  end
end
