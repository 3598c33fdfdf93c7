/**
 * `check`: code that writes under the app's own priv/static (`:code.priv_dir(:app)`,
 * `Application.app_dir(:app, "priv/static/…")`) loses those files at the next deploy unless a
 * `shared_paths` entry covers the directory. A warning at the line that names the directory.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { coveredBy } from '../config/sharedPaths';
import { CONFIG_PATH, type DeployConfig } from '../config/types';
import type { Finding } from '../findings';

export interface SourceFile {
  /** Relative to the project root, with forward slashes. */
  path: string;
  text: string;
}

const WRITES = /\bFile\.(?:write|cp|copy|rename|mkdir_p|open|touch|ln_s|stream)!?\s*\(/;
const APP_DIR = /Application\.app_dir\(\s*:([a-z_][a-z0-9_]*)\s*,\s*"(priv\/static[^"]*)"/;
const PRIV_DIR = /:code\.priv_dir\(\s*:([a-z_][a-z0-9_]*)\s*\)/;
const STRING = /"([^"#\\]*)"/g;

/** The directory a line points into under the app's priv/static, or undefined. */
function privStaticDir(line: string, app: string | undefined): { dir: string; column: number } | undefined {
  const appDir = APP_DIR.exec(line);
  if (appDir && (!app || appDir[1] === app)) return { dir: appDir[2].replace(/\/+$/, ''), column: appDir.index + 1 };
  const priv = PRIV_DIR.exec(line);
  if (!priv || (app && priv[1] !== app)) return undefined;
  // Path.join(:code.priv_dir(:app), "static/uploads") or Path.join([:code.priv_dir(:app), "static", "uploads"])
  const after = line.slice(priv.index + priv[0].length);
  const parts = [...after.matchAll(STRING)].map((m) => m[1].replace(/^\/+|\/+$/g, '')).filter((p) => p !== '');
  const rel = parts.join('/');
  if (rel !== 'static' && !rel.startsWith('static/')) return undefined;
  return { dir: `priv/${rel}`, column: priv.index + 1 };
}

export function privWriteFindings(sources: readonly SourceFile[], config: DeployConfig | undefined, envName?: string): Finding[] {
  const envs = Object.values(config?.environments ?? {}).filter((e) => !envName || e.name === envName);
  if (envs.length === 0) return [];
  const findings: Finding[] = [];
  for (const file of sources) {
    if (!WRITES.test(file.text)) continue;
    file.text.split('\n').forEach((line, i) => {
      const hit = privStaticDir(line, config?.app);
      if (!hit) return;
      const missing = envs.filter((e) => !coveredBy(e.sharedPaths, hit.dir));
      if (missing.length === 0) return;
      findings.push({
        file: file.path, line: i + 1, column: hit.column, endLine: i + 1, endColumn: line.length + 1, severity: 'warning', code: 'shared-path-missing',
        message: `This writes under ${hit.dir}, inside the release: those files are lost at the next deploy and a blue/green slot never sees the other's. ` +
          `Add "shared_paths: [${hit.dir}]" to ${missing.map((e) => `environments.${e.name}`).join(', ')} in ${CONFIG_PATH}.`,
      });
    });
  }
  return findings;
}

/** The project's lib/**\/*.ex files (at most 5000, each under 1 MB); `buffers` (unsaved editor text) win. */
export async function readSources(root: string, buffers?: ReadonlyMap<string, string>): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  async function walk(rel: string): Promise<void> {
    const entries = await readdir(join(root, rel), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (out.length >= 5000) return;
      const path = `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(path);
      else if (e.isFile() && /\.exs?$/.test(e.name)) {
        const text = buffers?.get(path) ?? ((await stat(join(root, path))).size < 1 << 20 ? await readFile(join(root, path), 'utf8') : '');
        out.push({ path, text });
      }
    }
  }
  await walk('lib');
  return out;
}
