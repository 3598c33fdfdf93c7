/**
 * The files `mix phx.new shop` (Phoenix 1.8) + `mix phx.gen.release --docker` leave that init and
 * the settings check read, taken from examples/shop (one source with the end-to-end fixture): mix.exs
 * without `releases:`, runtime.exs gating the server on PHX_SERVER and raising on a missing
 * DATABASE_URL / SECRET_KEY_BASE, both overlays, the generated Dockerfile's two stages; and a
 * phx.new router (`get "/"`, no /health unless asked), since examples/shop's router is an httpd callback.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './paths';

const SHOP = path.join(REPO_ROOT, 'examples', 'shop');
const shopFile = (name: string) => readFileSync(path.join(SHOP, name), 'utf8');

/** examples/shop's runtime.exs, as phx.new generates it. */
export const GEN_RELEASE_RUNTIME = shopFile('config/runtime.exs');

const ROUTER = (extra: string) => `defmodule ShopWeb.Router do
  use ShopWeb, :router

  pipeline :browser do
    plug :accepts, ["html"]
  end

  scope "/", ShopWeb do
    pipe_through :browser

    get "/", PageController, :home
${extra}  end
end
`;

export function writeGenReleaseProject(dir: string, options: { healthRoute?: string } = {}): void {
  const files: Record<string, string> = {
    'mix.exs': shopFile('mix.exs'),
    Dockerfile: shopFile('Dockerfile'),
    'config/runtime.exs': GEN_RELEASE_RUNTIME,
    'lib/shop_web/router.ex': ROUTER(options.healthRoute ? `    get "${options.healthRoute}", HealthController, :show\n` : ''),
    'rel/overlays/bin/server': shopFile('rel/overlays/bin/server'),
    'rel/overlays/bin/migrate': shopFile('rel/overlays/bin/migrate'),
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  for (const bin of ['server', 'migrate']) chmodSync(path.join(dir, 'rel/overlays/bin', bin), 0o755);
}
