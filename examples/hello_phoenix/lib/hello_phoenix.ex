defmodule HelloPhoenix do
  @moduledoc "The example app Phoenix Deploy builds and deploys."
  def version, do: to_string(Application.spec(:hello_phoenix, :vsn))
end
