/** The live node (console, rpc): the public surface for the CLI and the extension. */
export { openConsole, type ConsoleSession } from './console';
export { runRpc, type RpcHostResult } from './rpc';
export { liveNodeCommand, remoteConsoleCommand, rpcCommand } from './remote';
