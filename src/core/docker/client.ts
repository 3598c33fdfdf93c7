import type Dockerode from 'dockerode';
import { UserError } from '../errors';

export type Docker = Dockerode;

/**
 * Connects to the Docker engine (DOCKER_HOST or /var/run/docker.sock) and checks that it answers.
 * dockerode is loaded lazily so commands that never build don't pay for it.
 */
export async function connectDocker(options: { socketPath?: string } = {}): Promise<Docker> {
  const { default: DockerClient } = await import('dockerode');
  const docker = new DockerClient(options.socketPath ? { socketPath: options.socketPath } : undefined);
  try {
    await docker.ping();
  } catch (e) {
    throw dockerUnreachable(e, options.socketPath ?? process.env.DOCKER_HOST);
  }
  return docker;
}

/** Turns a connection failure into an error that says how to get Docker running. */
export function dockerUnreachable(error: unknown, endpoint?: string): UserError {
  const code = (error as { code?: string } | undefined)?.code;
  const where = endpoint ? endpoint : 'the socket /var/run/docker.sock';
  const start = 'Start it with `sudo systemctl start docker` (or run `dockerd` as root), or point DOCKER_HOST at a running engine.';
  if (code === 'EACCES') {
    return new UserError(`Docker is running but ${where} is not accessible (permission denied). ` +
      'Add your user to the docker group (`sudo usermod -aG docker $USER`, then log in again).');
  }
  const reason = code ?? (error instanceof Error ? error.message : String(error));
  return new UserError(`Docker is not reachable at ${where} (${reason}). ${start}`);
}
