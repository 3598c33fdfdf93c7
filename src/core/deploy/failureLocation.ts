/**
 * The project file and line a failure names, when the app's own words name one: Elixir prints
 * `** (RuntimeError) config/runtime.exs:12: …` or `(shop 0.1.0) lib/shop/application.ex:20: …`.
 * Only paths inside the project (relative, no `..`) count; deps and OTP paths are not the user's to open.
 */
export interface FailureLocation {
  file: string;
  line: number;
}

const LOCATION = /(?:^|[\s(])((?:config|lib|priv|rel)\/[\w./-]+\.(?:exs|ex|eex|heex|sh)):(\d+)/m;

export function failureLocation(text: string): FailureLocation | undefined {
  const m = LOCATION.exec(text);
  if (!m || m[1].split('/').includes('..')) return undefined;
  return { file: m[1], line: Number(m[2]) };
}
