defmodule HelloPhoenix.Endpoint do
  @moduledoc "A dependency-free HTTP endpoint on OTP's :inets httpd."
  require Record
  Record.defrecord(:mod, Record.extract(:mod, from_lib: "inets/include/httpd.hrl"))

  # `do` is an Elixir keyword, so the httpd callback is defined by name.
  def unquote(:do)(request) do
    case to_string(mod(request, :request_uri)) do
      "/health" -> reply(200, "ok #{HelloPhoenix.version()} #{HelloPhoenix.Greeting.message()}\n")
      # A request that takes 3 s: deploys must let it finish on the release that started it.
      "/slow" -> slow(3000)
      # Longer than a slot takes to stop: only a real drain lets it finish.
      "/slower" -> slow(12_000)
      _ -> reply(404, "not found\n")
    end
  end

  defp slow(ms) do
    Process.sleep(ms)
    reply(200, "slow #{HelloPhoenix.version()} #{HelloPhoenix.Greeting.message()}\n")
  end

  defp reply(status, body) do
    headers = [code: status, content_type: ~c"text/plain", content_length: ~c"#{byte_size(body)}"]
    {:proceed, [response: {:response, headers, String.to_charlist(body)}]}
  end
end
