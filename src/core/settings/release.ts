/** The runtime config a built release carries (`releases/<vsn>/runtime.exs`): what it cannot boot without. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { requiredSettings, type RequiredSetting } from './required';

export interface ReleaseSettings {
  required: RequiredSetting[];
  /** The config reads PHX_HOST (phx.new's `url: [host: host]`), so it must match the proxy's name. */
  readsPhxHost: boolean;
}

/** Read from the release directory itself: the config that will run, not the working tree's. Absent file: nothing required. */
export function releaseSettings(release: { path: string; version: string }): ReleaseSettings {
  const file = path.join('releases', release.version, 'runtime.exs');
  let text: string;
  try {
    text = readFileSync(path.join(release.path, file), 'utf8');
  } catch {
    return { required: [], readsPhxHost: false };
  }
  return { required: requiredSettings(text, file), readsPhxHost: /System\.(?:get|fetch)_env!?\(\s*"PHX_HOST"/.test(text) };
}
