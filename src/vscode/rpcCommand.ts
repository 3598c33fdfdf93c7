import * as vscode from 'vscode';
import type { RpcHostResult } from '../core/node';
import { runJob, type JobServices } from './jobs';
import { editorHostOptions } from './remoteOptions';
import type { Secrets } from './secrets';
import type { HostNode } from './serverNodes';
import { projectRoot } from './workspace';
import type { Commands } from './commands';
import { UserError } from '../core/errors';

export interface RpcCommandContext extends JobServices {
  secrets: Secrets;
}

/**
 * "Run Expression…": an Elixir expression evaluated on the host's live node (`bin/<app> rpc`); what
 * it prints appears in the environment's terminal, not in the log (it may print anything).
 * `expression` may be passed by callers that know it.
 */
async function runExpression(services: RpcCommandContext, node?: HostNode, expression?: string): Promise<RpcHostResult | undefined> {
  if (node?.kind !== 'host') return undefined;
  const expr = expression ?? await vscode.window.showInputBox({
    title: vscode.l10n.t('Run on the live node of {0}', node.key),
    prompt: vscode.l10n.t('An Elixir expression, evaluated with bin/<app> rpc; what it prints is shown'),
    placeHolder: 'IO.inspect(Application.started_applications())',
    validateInput: (v) => (v.trim() === '' ? vscode.l10n.t('an expression') : undefined),
  });
  if (!expr) return undefined;
  const root = await projectRoot();
  if (!root) return undefined;
  const again = () => runExpression(services, node, expr);
  return runJob(services, node.env.name, vscode.l10n.t('rpc {0} on {1}', expr, node.key), async (ctx) => {
    const { options, target } = await editorHostOptions(root, node.env, node.key, services.secrets);
    const { runRpc } = await import('../core/node');
    const [result] = await runRpc(options, expr, [target], ctx.signal);
    if (result.code === -1) throw new UserError(result.error ?? 'rpc did not run', { host: target.key }); // it never ran (e.g. an unknown host key): the job's error offers what to do
    const { pty } = services.terminals.get(node.env.name);
    pty.write(`${result.stdout}${result.stderr}${result.ok ? '' : `\x1b[31m${result.error ?? ''}\x1b[0m\n`}`);
    if (!result.ok) void vscode.window.showErrorMessage(vscode.l10n.t('The expression failed on {0}: {1}', target.key, result.error ?? ''));
    return result;
  }, { retry: again });
}

export function registerRpcCommand(commands: Commands, services: RpcCommandContext): void {
  commands.register('phoenixDeploy.runExpression', (node?: HostNode, expression?: string) => runExpression(services, node, expression),
    { needsTrust: vscode.l10n.t('Running an expression') });
}
