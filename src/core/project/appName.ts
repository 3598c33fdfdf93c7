import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { DeployConfig } from '../config/types';
import { parseMixExs, resolveAppName } from '../versions/mixExs';

/** The release name: deploy.yml's `app`, else mix.exs's only release, else its :app; undefined when neither says. */
export async function projectAppName(projectDir: string, config: DeployConfig): Promise<string | undefined> {
  if (config.app) return config.app;
  const mix = parseMixExs(await readFile(path.join(projectDir, 'mix.exs'), 'utf8').catch(() => ''));
  return resolveAppName(config.app, mix);
}
