import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, writeFile, rm, access } from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { CODE_SERVER_ENTRY } from './paths';

const execFileAsync = promisify(execFile);

export interface CodeServer {
  readonly origin: string;
  readonly dataDir: string;
  output(): string;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  /** User settings.json content. */
  settings?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** Packaged extensions (.vsix) installed into the fresh extensions dir before the server starts. */
  install?: string[];
  /** Prefix of the user-data temp dir (default phx-code-server-). */
  tempPrefix?: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts code-server 4.100.3 on a loopback port with a fresh user-data dir. */
export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  await access(CODE_SERVER_ENTRY).catch(() => {
    throw new Error(`code-server is not installed at ${CODE_SERVER_ENTRY}; run scripts/testbed/setup.sh`);
  });
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), options.tempPrefix ?? 'phx-code-server-'));
  await mkdir(path.join(dataDir, 'User'), { recursive: true });
  await writeFile(path.join(dataDir, 'User', 'settings.json'), JSON.stringify(options.settings ?? {}, null, 2));
  const extensionsDir = path.join(dataDir, 'extensions');
  for (const vsix of options.install ?? []) await installVsix(vsix, dataDir, extensionsDir);
  let log = '';
  const child: ChildProcess = spawn(process.execPath, [
    CODE_SERVER_ENTRY, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry',
    '--disable-update-check', '--user-data-dir', dataDir, '--extensions-dir', extensionsDir,
  ], {
    // The gallery would be looked up on the internet; point it at a closed loopback port instead.
    env: { ...process.env, EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/gallery', itemUrl: 'http://127.0.0.1:9/item' }), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited early:\n${log}`);
    const ok = await fetch(`${origin}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    origin,
    dataDir,
    output: () => log,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** code-server's own `--install-extension`, the way a user installs a downloaded .vsix. */
async function installVsix(vsix: string, dataDir: string, extensionsDir: string): Promise<void> {
  const { stdout, stderr } = await execFileAsync(process.execPath, [CODE_SERVER_ENTRY, '--user-data-dir', dataDir,
    '--extensions-dir', extensionsDir, '--install-extension', vsix], { encoding: 'utf8' });
  if (!/successfully installed/.test(stdout + stderr)) throw new Error(`code-server did not install ${vsix}:\n${stdout}${stderr}`);
}

/** Workbench URL that opens `folder` with only the installed extensions (no development path). */
export function installedWorkbenchUrl(server: CodeServer, folder: string): string {
  return `${server.origin}/?folder=${encodeURIComponent(folder)}`;
}

/** Workbench URL that opens `folder` and loads the extension in development mode (and its tests). */
export function workbenchUrl(server: CodeServer, folder: string, extensionPath: string, testsPath?: string): string {
  const remote = (p: string) => `vscode-remote://${new URL(server.origin).host}${p}`;
  const payload: Array<[string, string]> = [['extensionDevelopmentPath', remote(extensionPath)]];
  if (testsPath) payload.push(['extensionTestsPath', remote(testsPath)]);
  return `${server.origin}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}
