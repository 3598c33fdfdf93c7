/**
 * What `mix phx.digest` does to priv/static, for the example app (no hex, so no Phoenix): each file
 * gets a copy named `<name>-<md5>.<ext>`, listed in cache_manifest.json. Tests change an asset and
 * digest again to make a release whose digested names differ from the last one's.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const DIGESTED = /-[0-9a-f]{32}(\.[^/]+)?$/;

function files(dir: string, root = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'uploads' ? [] : files(path, root);
    return [relative(root, path)];
  });
}

/** Removes earlier digests, then digests every file under `staticDir` (uploads excepted); returns the manifest's `latest`. */
export function digestStatic(staticDir: string): Record<string, string> {
  for (const f of files(staticDir)) if (DIGESTED.test(f.replace(/\.[^./]+$/, '')) || f === 'cache_manifest.json') rmSync(join(staticDir, f));
  const latest: Record<string, string> = {};
  const digests: Record<string, object> = {};
  for (const logical of files(staticDir).filter((f) => f !== '.gitkeep' && !f.endsWith('/.gitkeep')).sort()) {
    const body = readFileSync(join(staticDir, logical));
    const md5 = createHash('md5').update(body).digest('hex');
    const dot = logical.lastIndexOf('.');
    const digested = dot > logical.lastIndexOf('/') ? `${logical.slice(0, dot)}-${md5}${logical.slice(dot)}` : `${logical}-${md5}`;
    writeFileSync(join(staticDir, digested), body);
    latest[logical] = digested;
    digests[digested] = { logical_path: logical, mtime: 63900000000, size: body.length, digest: md5, sha512: createHash('sha512').update(body).digest('base64') };
  }
  writeFileSync(join(staticDir, 'cache_manifest.json'), `${JSON.stringify({ latest, version: 1, digests }, null, 2)}\n`);
  return latest;
}
