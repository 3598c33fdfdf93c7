defmodule HelloPhoenix.Application do
  @moduledoc false
  use Application

  @impl true
  def start(_type, _args) do
    port = String.to_integer(System.get_env("PORT", "4000"))

    {:ok, _pid} =
      :inets.start(:httpd,
        port: port,
        bind_address: {127, 0, 0, 1},
        server_name: ~c"hello_phoenix",
        server_root: ~c"/tmp",
        document_root: ~c"/tmp",
        modules: [HelloPhoenix.Endpoint]
      )

    # The boot line, on stdout: journald (or the service's log) keeps it.
    IO.puts("hello_phoenix #{HelloPhoenix.version()} (#{HelloPhoenix.Greeting.message()}) listening on 127.0.0.1:#{port}")
    Supervisor.start_link([HelloPhoenix.Drainer], strategy: :one_for_one, name: HelloPhoenix.Supervisor)
  end
end
