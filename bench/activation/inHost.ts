import * as vscode from 'vscode';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

/** A minimal ExtensionContext: what activate() touches, with working disposal. */
function fakeContext(extensionPath: string): vscode.ExtensionContext {
  const emitter = new vscode.EventEmitter<vscode.SecretStorageChangeEvent>();
  const memento = { get: (_k: string, d?: unknown) => d, update: async () => {}, keys: () => [], setKeysForSync: () => {} };
  return {
    subscriptions: [], extensionPath, extensionUri: vscode.Uri.file(extensionPath),
    secrets: { get: async () => undefined, store: async () => {}, delete: async () => {}, onDidChange: emitter.event },
    globalState: memento, workspaceState: memento,
  } as unknown as vscode.ExtensionContext;
}

/** Runs in the extension host (extensionTestsPath): loads the bundle fresh and activates it, N times. */
export async function run(): Promise<void> {
  const repo = process.env.PHOENIX_BENCH_REPO!;
  const bundle = path.join(repo, 'dist', 'extension.js');
  const runs = Number(process.env.PHOENIX_BENCH_RUNS ?? 15);
  const samples: Array<{ load: number; activate: number }> = [];
  for (let i = 0; i < runs; i++) {
    delete require.cache[require.resolve(bundle)];
    const t0 = performance.now();
    const ext = require(bundle) as { activate(c: vscode.ExtensionContext): unknown; deactivate(): void };
    const t1 = performance.now();
    const context = fakeContext(repo);
    ext.activate(context);
    const t2 = performance.now();
    samples.push({ load: t1 - t0, activate: t2 - t1 });
    for (const d of context.subscriptions) d.dispose();
    ext.deactivate();
    await new Promise((r) => setTimeout(r, 50));
  }
  writeFileSync(process.env.PHOENIX_BENCH_RESULTS!, JSON.stringify({ vscode: vscode.version, samples }));
}
