/** What setup would change on a host, compared with what is there, as text a person can review. */
import { createTwoFilesPatch } from 'diff';
import { managedState, type ManagedState } from '../host/managed';
import type { DesiredFile } from './files';

export interface FileChange extends DesiredFile {
  action: 'create' | 'update' | 'keep';
  /** How the file on the host relates to what the tool last wrote there. */
  state: ManagedState;
  /** A unified diff, host's version → ours, for an update. */
  diff?: string;
}

export function fileChanges(desired: readonly DesiredFile[], onHost: ReadonlyMap<string, string>): FileChange[] {
  return desired.map((file) => {
    const before = onHost.get(file.path);
    const state = managedState(before);
    if (before === undefined) return { ...file, action: 'create', state };
    if (before === file.content) return { ...file, action: 'keep', state };
    return { ...file, action: 'update', state, diff: createTwoFilesPatch(`${file.path} (on the host)`, `${file.path} (setup)`, before, file.content, '', '', { context: 3 }) };
  });
}

/** Files someone else changed since the tool wrote them (or that it never wrote) that setup would overwrite. */
export function foreignEdits(changes: readonly FileChange[]): FileChange[] {
  return changes.filter((c) => c.action === 'update' && (c.state === 'edited' || c.state === 'foreign'));
}

export function describeEdit(c: FileChange): string {
  return c.state === 'edited' ? `${c.path} was edited since phoenix-deploy wrote it` : `${c.path} exists and was not written by phoenix-deploy`;
}
