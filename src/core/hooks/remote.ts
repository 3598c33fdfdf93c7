/** A remote hook as a command (data): in the new release's directory, with shared/env and the hook variables loaded. */
import type { RemotePaths } from '../remote/paths';
import { join, op, type Command } from '../shell';
import type { HookVariables } from './variables';

// $1 shared/env, then the hook variables; then the hook's argv. shared/env first, so it cannot
// override the variables; nothing here is parsed by a shell but the constant script.
const HOOK = String.raw`f=$1
set -a; if [ -f "$f" ]; then . "$f"; fi; set +a
export PHOENIX_DEPLOY_RELEASE="$2" PHOENIX_DEPLOY_COMMIT="$3" PHOENIX_DEPLOY_ENV="$4" PHOENIX_DEPLOY_HOST="$5" PHOENIX_DEPLOY_ROLE="$6"
shift 6
exec "$@"`;

export function remoteHookCommand(paths: RemotePaths, argv: readonly string[], v: HookVariables): Command {
  if (argv.length === 0) throw new Error('empty hook command');
  return join(op.and, ['cd', '--', paths.release(v.release)],
    ['sh', '-c', HOOK, 'sh', paths.sharedEnv, v.release, v.commit, v.env, v.host ?? '', v.role ?? '', ...argv]);
}
