import type { CliContext } from './context';
import { requireConfig } from '../core/project/loadConfig';
import { renderEvent } from '../core/plan/render';
import { interruptSignal } from './signals';

/** `phoenix-deploy build`: progress on stderr; `--json` prints the manifest on stdout. */
export async function runBuildCommand(ctx: CliContext): Promise<number> {
  const config = await requireConfig(ctx.cwd);
  const { runBuild } = await import('../core/releaseBuild');
  const color = process.stderr.isTTY === true;
  const manifest = await runBuild(
    { projectDir: ctx.cwd, config, force: ctx.force },
    (event) => ctx.stderr(renderEvent(event, color)),
    interruptSignal(ctx.stderr),
  );
  if (ctx.json) ctx.stdout(`${JSON.stringify(manifest, null, 2)}\n`);
  else ctx.stderr(`release ${manifest.id} (${manifest.files} files, ${(manifest.bytes / 1e6).toFixed(1)} MB) at ${manifest.path}\n`);
  return 0;
}
