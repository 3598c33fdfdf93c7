defmodule ShopWeb do
  @moduledoc """
  The entrypoint for defining your web interface. Here (without Phoenix) it only knows the
  static paths that `static_path/1` may serve.
  """

  def static_paths, do: ~w(assets fonts images favicon.ico robots.txt)
end
