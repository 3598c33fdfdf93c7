import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDeployConfig } from '../../../src/core/config/load';
import { checkWorkspace } from '../../../src/core/check/workspace';
import { privWriteFindings } from '../../../src/core/check/privWrites';
import { REPO_ROOT } from '../../support/paths';

const config = (sharedPaths = '') => parseDeployConfig(`app: shop
environments:
  production:
    deploy_to: /opt/shop
    hosts: [web1]
    restart: sudo sv restart shop
${sharedPaths}`).config;
const at = (text: string, shared = '') => privWriteFindings([{ path: 'lib/shop/uploads.ex', text }], config(shared)).map((f) => `${f.line}:${f.column} ${f.message}`);

describe('check: writes under the app\'s own priv/static without a shared path', () => {
  it('warns at the line for :code.priv_dir and Application.app_dir, naming the directory and the environment', () => {
    const text = [
      'defmodule Shop.Uploads do',
      '  def dir, do: Path.join(:code.priv_dir(:shop), "static/uploads")',
      '  def avatars, do: Application.app_dir(:shop, "priv/static/avatars")',
      '  def store(p, b), do: File.write!(Path.join(dir(), p), b)',
      'end',
    ].join('\n');
    assert.deepEqual(at(text), [
      '2:26 This writes under priv/static/uploads, inside the release: those files are lost at the next deploy and a blue/green slot never sees the other\'s. Add "shared_paths: [priv/static/uploads]" to environments.production in config/deploy.yml.',
      '3:20 This writes under priv/static/avatars, inside the release: those files are lost at the next deploy and a blue/green slot never sees the other\'s. Add "shared_paths: [priv/static/avatars]" to environments.production in config/deploy.yml.',
    ]);
    assert.deepEqual(at(text, '    shared_paths: [priv/static]\n'), [], 'a shared parent covers both');
    assert.equal(at(text, '    shared_paths: [priv/static/uploads]\n').length, 1);
  });

  it('leaves alone reads without writes, other apps\' priv dirs and priv paths outside static', () => {
    assert.deepEqual(at('def f, do: File.read!(Path.join(:code.priv_dir(:shop), "static/uploads/x"))'), []);
    assert.deepEqual(at('def f(b), do: File.write!(Path.join(:code.priv_dir(:other), "static/uploads/x"), b)'), []);
    assert.deepEqual(at('def f(b), do: File.write!(Path.join(:code.priv_dir(:shop), "repo/seeds.json"), b)'), []);
  });

  it('the example app: a warning at uploads.ex\'s :code.priv_dir line without shared_paths, none with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd22-check-'));
    try {
      cpSync(join(REPO_ROOT, 'examples', 'hello_phoenix'), dir, { recursive: true, filter: (p) => !/[\\/](_build|deps)([\\/]|$)/.test(p) });
      assert.deepEqual((await checkWorkspace(dir)).filter((f) => f.code === 'shared-path-missing'), []);
      const yml = join(dir, 'config', 'deploy.yml');
      writeFileSync(yml, readFileSync(yml, 'utf8').replace(/^ {4}shared_paths:.*\n/m, ''));
      const found = (await checkWorkspace(dir)).filter((f) => f.code === 'shared-path-missing');
      const line = readFileSync(join(dir, 'lib/hello_phoenix/uploads.ex'), 'utf8').split('\n').findIndex((l) => l.includes(':code.priv_dir')) + 1;
      assert.deepEqual(found.map((f) => [f.file, f.line, f.severity]), [['lib/hello_phoenix/uploads.ex', line, 'warning']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
