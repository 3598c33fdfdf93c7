import type { SourceRange } from '../findings';
import { parseMiseConfig } from './miseToml';
import { resolvePins, type ResolvedPins, type ToolPins } from './pins';
import { MISE_CONFIG_PATHS, type ProjectFiles } from './project';
import { inFile } from './text';
import { parseToolVersions } from './toolVersions';

export interface ProjectPins extends ResolvedPins {
  /** mise files that are not valid TOML, where mise stops reading. */
  invalid: Array<{ range: SourceRange; message: string }>;
}

/** The project's Erlang and Elixir pins, merged the way mise merges them (asdf reads only `.tool-versions`). */
export function projectPins(files: ProjectFiles): ProjectPins {
  const sources: ToolPins[] = [];
  const invalid: ProjectPins['invalid'] = [];
  for (const file of MISE_CONFIG_PATHS) {
    const text = files.mise?.[file];
    if (text === undefined) continue;
    const config = parseMiseConfig(text, file);
    if (config.error) invalid.push({ range: inFile(file, config.error.range), message: config.error.message });
    sources.push(config.pins);
  }
  if (files.toolVersions !== undefined) sources.push(parseToolVersions(files.toolVersions));
  return { ...resolvePins(sources), invalid };
}
