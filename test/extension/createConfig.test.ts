/**
 * "Create Deploy Config" asks what `phoenix-deploy init` asks (environment, hosts, domain) and
 * writes the core's config: a managed blue/green environment. The workspace's own deploy.yml is
 * moved aside for the test and put back.
 */
import * as vscode from 'vscode';
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import * as path from 'node:path';

describe('Create Deploy Config in real VS Code', () => {
  it('asks environment, hosts and domain in input boxes (validated), then writes a managed blue/green config', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const config = path.join(folder, 'config', 'deploy.yml');
    const aside = `${config}.pd21b-aside`;
    renameSync(config, aside);
    const asked: Array<{ title?: string; value?: string; rejects?: string }> = [];
    const answers = ['staging', 'web1.example.com web2.example.com:2222', 'shop.example.com'];
    const ui = {
      input: async (options: vscode.InputBoxOptions) => {
        // What a user typing a bad host or domain would be told, from the same check the CLI uses.
        const bad = asked.length === 1 ? 'web1; rm -rf /' : asked.length === 2 ? 'shop example' : 'Prod!';
        asked.push({ title: options.title, value: options.value, rejects: (await options.validateInput?.(bad)) as string | undefined });
        return answers[asked.length - 1];
      },
    };
    try {
      await vscode.commands.executeCommand('phoenixDeploy.createConfig', ui);
      assert.deepEqual(asked.map((a) => a.title), ['Create Deploy Config (1/3)', 'Create Deploy Config (2/3)', 'Create Deploy Config (3/3)']);
      assert.equal(asked[0].value, 'production');
      assert.match(asked[0].rejects ?? '', /not an environment name/);
      assert.match(asked[1].rejects ?? '', /not host or host:port/);
      assert.match(asked[2].rejects ?? '', /not a domain name/);
      const written = readFileSync(config, 'utf8');
      assert.match(written, /^ {2}staging:$/m);
      assert.match(written, /service: systemd/);
      assert.match(written, /strategy: blue_green/);
      assert.match(written, /server_name: shop\.example\.com/);
      assert.match(written, /health: \{ path: \/, expect: 200/);
      assert.match(written, /migrate: bin\/migrate/);
      assert.match(written, /- web1\.example\.com .*\n {6}- web2\.example\.com:2222\n/);
      assert.doesNotMatch(written, /restart:|\/health"/);
    } finally {
      if (existsSync(config)) rmSync(config);
      renameSync(aside, config);
    }
  });
});
