defmodule Shop do
  @moduledoc """
  Shop keeps the contexts that define your domain
  and business logic.
  """

  def version, do: to_string(Application.spec(:shop, :vsn))
end
