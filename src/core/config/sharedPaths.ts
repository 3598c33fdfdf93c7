/**
 * `shared_paths`: directories the app writes at run time (uploads), kept under `<deploy_to>/shared/`
 * and linked into every release by `prepare`. The paths end up in shell parameters and nginx
 * `root` lines, so they are constrained tightly; each wrong entry is a finding at its own line.
 */
import { isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import type { SharedPath } from './types';
import type { Validator } from './validator';

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$/;
/** Top-level names a release is made of: linking one of them away would break the release. */
const RELEASE_OWN = /^(bin|lib|releases|erts-[^/]*|priv)$/;

export function readSharedPaths(v: Validator, map: YAMLMap, where: string): SharedPath[] | undefined {
  if (!map.has('shared_paths')) return undefined;
  const node = v.get(map, 'shared_paths');
  const at = `${where}.shared_paths`;
  if (!isSeq(node)) {
    v.error(node, `${at} must be a list of directories, e.g. [priv/static/uploads]`, map);
    return undefined;
  }
  const paths: SharedPath[] = [];
  node.items.forEach((item, i) => {
    const label = `${at}[${i}]`;
    if (!isScalar(item) || typeof item.value !== 'string') {
      v.error(item as Node, `${label} must be a directory path relative to the release, e.g. priv/static/uploads`, node);
      return;
    }
    const path = item.value.replace(/\/+$/, '');
    const problem = sharedPathProblem(path);
    if (problem) {
      v.error(item, `${label} ${JSON.stringify(item.value.slice(0, 80))} ${problem}`);
      return;
    }
    const overlap = paths.find((p) => p.path === path || path.startsWith(`${p.path}/`) || p.path.startsWith(`${path}/`));
    if (overlap) {
      v.error(item, `${label} ${path} ${overlap.path === path ? 'is listed twice' : `overlaps ${overlap.path}; list only one of them`}`);
      return;
    }
    paths.push({ path, line: v.lineOf(item) });
  });
  return paths.length === node.items.length ? paths : undefined;
}

function sharedPathProblem(path: string): string | undefined {
  const segments = path.split('/');
  if (path.startsWith('/')) return 'must be relative: priv/… is in the app\'s priv dir, anything else in the release root';
  if (!segments.every((s) => SEGMENT.test(s) && s !== '..' && s !== '.')) return 'must be a relative path of letters, digits and ._- segments, without "." or ".."';
  if (segments.length === 1 && RELEASE_OWN.test(path)) return 'is part of every release; share a directory below it (e.g. priv/static/uploads)';
  if (segments[0] === 'priv' && segments.length < 2) return 'is the whole priv dir; share a directory below it';
  return undefined;
}

/** Where an entry lives inside a release: `priv/…` in lib/<app>-<vsn>/priv, the rest at the root. */
export const inAppPriv = (p: SharedPath | string) => (typeof p === 'string' ? p : p.path).startsWith('priv/');

/** True when one of `paths` holds `dir` (a path relative to the release, `priv/…` meaning the app's priv). */
export function coveredBy(paths: readonly SharedPath[] | undefined, dir: string): boolean {
  return (paths ?? []).some((p) => dir === p.path || dir.startsWith(`${p.path}/`));
}
