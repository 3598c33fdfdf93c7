defmodule ShopWeb.Router do
  @moduledoc """
  The httpd callback: Plug.SSL's force_ssl (as config/prod.exs sets it), then the routes phx.new
  generates (`/` only; there is no /health route), then the static files under priv/static.
  """
  require Record
  Record.defrecord(:mod, Record.extract(:mod, from_lib: "inets/include/httpd.hrl"))

  # `do` is an Elixir keyword, so the httpd callback is defined by name.
  def unquote(:do)(request) do
    headers = mod(request, :parsed_header)
    host = headers |> header(~c"host", "") |> String.replace(~r/:\d+$/, "")
    uri = to_string(mod(request, :request_uri))

    case ShopWeb.Endpoint.config(:force_ssl) do
      nil -> route(mod(request, :method), uri)
      ssl -> force_ssl(ssl, headers, host, uri, fn -> route(mod(request, :method), uri) end)
    end
  end

  defp force_ssl(ssl, headers, host, uri, continue) do
    scheme =
      if :x_forwarded_proto in Keyword.get(ssl, :rewrite_on, []),
        do: header(headers, ~c"x-forwarded-proto", "http"),
        else: "http"

    excluded = host in (get_in(ssl, [:exclude, :hosts]) || [])

    cond do
      excluded -> continue.()
      scheme == "https" -> with_hsts(continue.())
      true -> reply(301, "", location: String.to_charlist("https://#{host}#{uri}"))
    end
  end

  defp with_hsts({:proceed, [response: {:response, headers, body}]}),
    do: {:proceed, [response: {:response, headers ++ [{~c"strict-transport-security", ~c"max-age=31536000"}], body}]}

  defp route(~c"GET", "/"), do: reply(200, home(), content_type: ~c"text/html; charset=utf-8")
  defp route(~c"HEAD", "/"), do: reply(200, "", content_type: ~c"text/html; charset=utf-8")
  defp route(method, "/" <> path) when method in [~c"GET", ~c"HEAD"], do: static(path)
  defp route(_method, _path), do: reply(404, "Not Found\n")

  defp static(path) do
    root = Application.app_dir(:shop, "priv/static")
    file = Path.join(root, path)
    top = path |> Path.split() |> List.first()

    if top in ShopWeb.static_paths() and not String.contains?(path, "..") and File.regular?(file) do
      reply(200, File.read!(file), content_type: content_type(path), cache_control: cache_control(path))
    else
      reply(404, "Not Found\n")
    end
  end

  # Phoenix serves digested files with a year of caching, the rest without.
  defp cache_control(path) do
    if Regex.match?(~r/-[0-9a-f]{32}\.[a-z]+$/, path), do: ~c"public, max-age=31536000, immutable", else: ~c"public"
  end

  defp content_type(path) do
    case Path.extname(path) do
      ".css" -> ~c"text/css"
      ".js" -> ~c"text/javascript"
      ".txt" -> ~c"text/plain"
      _ -> ~c"application/octet-stream"
    end
  end

  defp home do
    """
    <!DOCTYPE html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>Shop · Phoenix Framework</title>
        <link rel="stylesheet" href="#{ShopWeb.Endpoint.static_path("/assets/css/app.css")}" />
        <script defer type="text/javascript" src="#{ShopWeb.Endpoint.static_path("/assets/js/app.js")}"></script>
      </head>
      <body>
        <h1>Peace of mind from prototype to production.</h1>
        <p id="version">shop #{Shop.version()}</p>
      </body>
    </html>
    """
  end

  defp header(headers, name, default) do
    case List.keyfind(headers, name, 0) do
      {_, value} -> to_string(value)
      nil -> default
    end
  end

  defp reply(status, body, headers \\ []) do
    base = [code: status, content_length: ~c"#{byte_size(body)}"]
    base = if Keyword.has_key?(headers, :content_type), do: base, else: base ++ [content_type: ~c"text/plain"]
    {:proceed, [response: {:response, base ++ headers, body}]}
  end
end
