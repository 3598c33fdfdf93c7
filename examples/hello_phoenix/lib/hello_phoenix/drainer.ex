defmodule HelloPhoenix.Drainer do
  @moduledoc """
  Closes the open WebSockets when the app stops (SIGTERM), in batches like Phoenix's socket drainer,
  so clients reconnect (to the other slot) while in-flight requests finish.
  """
  use GenServer

  @batch_size 100
  @batch_interval 200

  def start_link(_), do: GenServer.start_link(__MODULE__, nil, name: __MODULE__)

  def child_spec(arg), do: %{id: __MODULE__, start: {__MODULE__, :start_link, [arg]}, shutdown: 15_000}

  def register(pid), do: GenServer.call(__MODULE__, {:register, pid})

  @impl true
  def init(nil) do
    Process.flag(:trap_exit, true)
    {:ok, MapSet.new()}
  end

  @impl true
  def handle_call({:register, pid}, _from, sockets) do
    Process.monitor(pid)
    {:reply, :ok, MapSet.put(sockets, pid)}
  end

  @impl true
  def handle_info({:DOWN, _, :process, pid, _}, sockets), do: {:noreply, MapSet.delete(sockets, pid)}

  @impl true
  def terminate(_reason, sockets) do
    IO.puts("draining #{MapSet.size(sockets)} sockets in batches of #{@batch_size}")

    # Like Phoenix.Socket.PoolDrainer: a pause between batches, none after the last.
    sockets
    |> Enum.chunk_every(@batch_size)
    |> Enum.intersperse(:pause)
    |> Enum.each(fn
      :pause -> Process.sleep(@batch_interval)
      batch -> Enum.each(batch, &send(&1, :drain))
    end)
  end
end
