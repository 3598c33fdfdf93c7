defmodule HelloPhoenix.Greeting do
  @moduledoc "The module tests change to make a one-module release."
  def message, do: "hello"
end
