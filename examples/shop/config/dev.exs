import Config

config :shop, Shop.Repo,
  url: "ecto://postgres:postgres@localhost/shop_dev"

config :shop, ShopWeb.Endpoint,
  http: [ip: {127, 0, 0, 1}],
  check_origin: false,
  secret_key_base: "dev-only-secret-key-base-dev-only-secret-key-base-dev-only-secret-key"

config :logger, :default_formatter, format: "[$level] $message\n"
