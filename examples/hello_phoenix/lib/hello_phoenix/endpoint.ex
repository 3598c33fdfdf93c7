defmodule HelloPhoenix.Endpoint do
  @moduledoc "A dependency-free HTTP endpoint on OTP's :inets httpd."
  require Record
  Record.defrecord(:mod, Record.extract(:mod, from_lib: "inets/include/httpd.hrl"))

  # `do` is an Elixir keyword, so the httpd callback is defined by name.
  def unquote(:do)(request) do
    path = request |> mod(:request_uri) |> to_string() |> String.split("?") |> hd()

    case path do
      "/health" -> reply(200, "ok #{HelloPhoenix.version()} #{HelloPhoenix.Greeting.message()}\n")
      # A request that takes 3 s: deploys must let it finish on the release that started it.
      "/slow" -> slow(3000)
      # Longer than a slot takes to stop: only a real drain lets it finish.
      "/slower" -> slow(12_000)
      # A WebSocket that says which release answers; closed by HelloPhoenix.Drainer on shutdown.
      "/socket" -> HelloPhoenix.Socket.serve(request)
      "/upload/" <> name when mod(request, :method) == ~c"POST" -> upload(name, mod(request, :entity_body))
      "/" <> file -> HelloPhoenix.Static.serve(file)
      _ -> reply(404, "not found\n")
    end
  end

  defp upload(name, body) do
    case HelloPhoenix.Uploads.store(name, to_string(body)) do
      :ok -> reply(200, "stored /uploads/#{name}\n")
      {:error, reason} -> reply(400, "not stored: #{reason}\n")
    end
  end

  defp slow(ms) do
    Process.sleep(ms)
    # In the slot's journal: tests order it against systemd's "Stopping" on one clock.
    IO.puts("answering a #{ms} ms request")
    reply(200, "slow #{HelloPhoenix.version()} #{HelloPhoenix.Greeting.message()}\n")
  end

  def reply(status, body, content_type \\ ~c"text/plain", extra \\ []) do
    headers = [code: status, content_type: content_type, content_length: ~c"#{byte_size(body)}"] ++ extra
    {:proceed, [response: {:response, headers, :erlang.binary_to_list(body)}]}
  end
end
