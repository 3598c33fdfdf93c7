defmodule HelloPhoenix.Socket do
  @moduledoc """
  A raw WebSocket (RFC 6455) on the httpd connection: the handshake, then text frames. It greets
  with the release that answers and echoes `release` requests; HelloPhoenix.Drainer closes it.
  """
  # Its own copy of the record: importing Endpoint's macro would make every change to a module
  # the endpoint calls recompile this one too.
  require Record
  Record.defrecordp(:mod, Record.extract(:mod, from_lib: "inets/include/httpd.hrl"))
  @guid "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

  def serve(request) do
    headers = Map.new(mod(request, :parsed_header), fn {k, v} -> {to_string(k), to_string(v)} end)
    socket = mod(request, :socket)

    case headers do
      %{"upgrade" => up, "sec-websocket-key" => key} when up in ["websocket", "WebSocket"] ->
        accept = Base.encode64(:crypto.hash(:sha, key <> @guid))
        :ok = :gen_tcp.send(socket, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: #{accept}\r\n\r\n")
        HelloPhoenix.Drainer.register(self())
        # What check_origin and force_ssl read behind nginx: the Host and X-Forwarded-Proto it passed.
        send_text(socket, "#{release()} host=#{headers["host"]} proto=#{headers["x-forwarded-proto"]}")
        loop(socket, "")
        {:proceed, [response: {:already_sent, 101, 0}]}

      _ ->
        HelloPhoenix.Endpoint.reply(400, "expected a WebSocket upgrade\n")
    end
  end

  defp release, do: "release #{HelloPhoenix.version()} #{HelloPhoenix.Greeting.message()} #{System.get_env("PORT")}"

  defp loop(socket, buffer) do
    :inet.setopts(socket, active: :once)

    receive do
      {:tcp, ^socket, data} -> frames(socket, buffer <> data)
      {:tcp_closed, ^socket} -> :closed
      :drain -> close(socket, 1012, "service restart")
    end
  end

  defp frames(socket, <<_fin::1, _::3, op::4, 1::1, len::7, rest::binary>> = buffer) do
    {len, rest} =
      case {len, rest} do
        {126, <<l::16, r::binary>>} -> {l, r}
        {127, <<l::64, r::binary>>} -> {l, r}
        _ -> {len, rest}
      end

    case rest do
      <<mask::binary-4, payload::binary-size(len), more::binary>> ->
        handle(socket, op, unmask(payload, mask), more)

      _ ->
        loop(socket, buffer)
    end
  end

  defp frames(socket, buffer), do: loop(socket, buffer)

  defp handle(socket, 8, _payload, _more), do: close(socket, 1000, "")
  defp handle(socket, 9, payload, more), do: frame(socket, 10, payload) && frames(socket, more)
  defp handle(socket, 1, "release", more), do: send_text(socket, release()) && frames(socket, more)
  defp handle(socket, _op, _payload, more), do: frames(socket, more)

  defp close(socket, code, reason) do
    frame(socket, 8, <<code::16, reason::binary>>)
    :gen_tcp.close(socket)
    :closed
  end

  defp send_text(socket, text), do: frame(socket, 1, text)

  defp frame(socket, op, payload) when byte_size(payload) < 126,
    do: :gen_tcp.send(socket, <<1::1, 0::3, op::4, 0::1, byte_size(payload)::7, payload::binary>>) == :ok

  defp frame(socket, op, payload),
    do: :gen_tcp.send(socket, <<1::1, 0::3, op::4, 0::1, 126::7, byte_size(payload)::16, payload::binary>>) == :ok

  defp unmask(payload, <<a, b, c, d>>) do
    for {byte, i} <- Enum.with_index(:binary.bin_to_list(payload)), into: <<>> do
      <<Bitwise.bxor(byte, Enum.at([a, b, c, d], rem(i, 4)))>>
    end
  end
end
