import Config

config :shop, Shop.Repo,
  url: "ecto://postgres:postgres@localhost/shop_test"

config :shop, ShopWeb.Endpoint,
  http: [ip: {127, 0, 0, 1}, port: 4002],
  secret_key_base: "test-only-secret-key-base-test-only-secret-key-base-test-only-secret",
  server: false

config :logger, level: :warning
