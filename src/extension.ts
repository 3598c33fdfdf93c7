import * as vscode from 'vscode';
import { FindingsStore, registerDiagnostics } from './vscode/diagnostics';
import { registerQuickFixes } from './vscode/quickFixes';
import { registerDeployCommands } from './vscode/deployCommands';
import { registerConfigCommands } from './vscode/configCommands';
import { registerServersView, type ServersProvider } from './vscode/serversView';
import { registerBuildCommand } from './vscode/buildCommand';
import { registerSecretCommands, Secrets } from './vscode/secrets';
import { Terminals } from './vscode/terminal';
import { registerHostCommands } from './vscode/hostCommands';
import { registerCreateConfig } from './vscode/createConfig';
import { registerContextKeys } from './vscode/contextKeys';
import { registerStatusBar } from './vscode/statusBar';
import { registerSetupCommand } from './vscode/setupCommand';
import { registerConsoleCommand } from './vscode/consoleCommand';
import { registerLogsCommand } from './vscode/logsCommand';
import { registerRpcCommand } from './vscode/rpcCommand';
import { registerEnvCommand } from './vscode/envCommand';
import { registerDeployPanel, type DeployPanel } from './vscode/deployPanel';
import { registerSettingsDiagnostics } from './vscode/settingsDiagnostics';
import { Commands } from './vscode/commands';

/** What activate() returns: used by the extension-host tests. */
export interface PhoenixDeployApi {
  servers: ServersProvider;
  /** The text a Phoenix terminal has shown, by key (`build`, or an environment). */
  terminalText(key: string): string;
  /** Where the extension's logs (the output channel's file among them) are written. */
  logUri: vscode.Uri;
  deployPanel: DeployPanel;
}

/** Wires up the features; each lives in its own file under src/vscode/, and its commands go through one wrapper (commands.ts). */
export function activate(context: vscode.ExtensionContext): PhoenixDeployApi {
  const log = vscode.window.createOutputChannel('Phoenix Deploy', { log: true });
  const terminals = new Terminals();
  const buildProblems = vscode.languages.createDiagnosticCollection('phoenix-deploy-build');
  const secrets = new Secrets(context);
  const commands = new Commands(context, log);
  context.subscriptions.push(log, terminals, buildProblems);
  const jobs = { terminals, log };
  const findings = new FindingsStore();

  // Reading the project: diagnostics, quick fixes, context keys, the config.
  registerDiagnostics(context, commands, findings);
  registerQuickFixes(context, findings);
  registerContextKeys(context, commands, findings);
  registerConfigCommands(commands);
  registerCreateConfig(commands);
  registerSecretCommands(commands, secrets);
  // Building and deploying.
  registerBuildCommand(commands, jobs, buildProblems);
  const servers = registerServersView(context, commands, secrets);
  const deployPanel = registerDeployPanel(context, commands);
  registerDeployCommands(commands, { ...jobs, secrets, servers, buildProblems, deployPanel });
  registerSetupCommand(commands, { ...jobs, secrets, servers });
  // Day two, on a host.
  registerHostCommands(commands);
  registerConsoleCommand(commands, secrets);
  registerLogsCommand(commands, secrets);
  registerRpcCommand(commands, { ...jobs, secrets });
  registerEnvCommand(commands, { ...jobs, secrets });
  registerSettingsDiagnostics(context, commands, secrets, log);
  registerStatusBar(context, findings, servers);
  return { servers, terminalText: (key) => terminals.transcript(key), logUri: context.logUri, deployPanel };
}

export function deactivate(): void {}
