/**
 * What `prepare` does for `shared_paths` and for the assets of kept releases, as commands (data).
 * The scripts are constants; paths and names arrive as positional parameters.
 */
import type { SharedPath } from '../config/types';
import type { Command } from '../shell';
import type { RemotePaths } from './paths';

const M = '@@phoenix-deploy:';

// $1 release dir, $2 shared dir, $3 app, then the entries. Each entry's place in the release
// (priv/… in the app's lib/<app>-<vsn>/priv) must hold nothing but an empty dir or a lone .gitkeep;
// it is replaced by a link to shared/<entry>, created if missing. A refusal names the entry and
// the first files found there.
const LINK = String.raw`rel=$1 shared=$2 app=$3; shift 3
for entry; do
  case $entry in
    priv/*) lib=; for l in "$rel"/lib/"$app"-*; do [ -d "$l" ] && lib=$l; done
      [ -n "$lib" ] || { echo "${M}no-app-dir $entry"; exit 6; }
      target=$lib/$entry ;;
    *) target=$rel/$entry ;;
  esac
  if [ -L "$target" ]; then rm -f -- "$target"
  elif [ -d "$target" ]; then
    n=$(ls -A -- "$target" | wc -l)
    if [ "$n" -gt 1 ] || { [ "$n" -eq 1 ] && [ ! -f "$target/.gitkeep" ]; }; then
      echo "${M}ships $entry"; ls -A -- "$target" | head -n 5; exit 6
    fi
    rm -rf -- "$target"
  elif [ -e "$target" ]; then echo "${M}ships $entry"; echo "(a file)"; exit 6
  fi
  mkdir -p -- "$(dirname -- "$target")" "$shared/$entry" && ln -s -- "$shared/$entry" "$target" || exit 1
done`;

export function linkSharedPathsCommand(paths: RemotePaths, id: string, app: string, entries: readonly SharedPath[]): Command | undefined {
  if (entries.length === 0) return undefined;
  return ['sh', '-c', LINK, 'sh', paths.release(id), paths.shared, app, ...entries.map((e) => e.path)];
}

/** The entry the host refused because the release ships files there, with what it found. */
export function parseSharedRefusal(stdout: string): { entry: string; reason: string; found: string[] } | undefined {
  const lines = stdout.split('\n');
  const i = lines.findIndex((l) => l.startsWith(`${M}ships `) || l.startsWith(`${M}no-app-dir `));
  if (i < 0) return undefined;
  const [marker, ...rest] = lines[i].slice(M.length).split(' ');
  return { entry: rest.join(' '), reason: marker, found: lines.slice(i + 1).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith(M)) };
}

// $1 deploy_to, $2 app, $3 how many links. Links static/0.. to the priv/static of the newest
// releases that ship a cache_manifest.json (phx.digest's output), newest first; nginx serves
// digested names from them, so a page from the previous release still finds its assets. Links
// beyond those releases are removed: a removed release's assets answer 404.
const STATIC = String.raw`d=$1 app=$2 max=$3; i=0
mkdir -p -- "$d/static" || exit 1
for id in $(ls -1 -- "$d/releases" 2>/dev/null | sort -r); do
  [ "$i" -lt "$max" ] || break
  for s in "$d/releases/$id"/lib/"$app"-*/priv/static; do
    [ -f "$s/cache_manifest.json" ] || continue
    ln -sfn -- "$s" "$d/static/.$i.tmp" && mv -T -- "$d/static/.$i.tmp" "$d/static/$i" || exit 1
    i=$((i + 1)); break
  done
done
echo "${M}static $i"
while [ -L "$d/static/$i" ]; do rm -f -- "$d/static/$i"; i=$((i + 1)); done`;

export function syncStaticCommand(paths: RemotePaths, app: string, links: number): Command {
  return ['sh', '-c', STATIC, 'sh', paths.root, app, String(links)];
}
