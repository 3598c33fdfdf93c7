import type { PhoenixDeployApi } from '../../src/extension';
import type { ServerNode } from '../../src/vscode/serverNodes';

export type HostNode = Extract<ServerNode, { kind: 'host' }>;

/** The host node of the harness's `bluegreen` environment (a real systemd + nginx host), freshly loaded. */
export async function bluegreenHostNode(api: PhoenixDeployApi): Promise<HostNode> {
  await api.servers.refresh();
  const env = (await api.servers.getChildren()).find((e) => e.kind === 'environment' && e.env.name === 'bluegreen')!;
  return (await api.servers.getChildren(env))[0] as HostNode;
}
