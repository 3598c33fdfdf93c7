/**
 * Peak resident memory of this process, and of it plus its descendants (the local rsync and its
 * tunnel helper, one pair per host uploading), sampled from /proc while a deploy runs.
 */
import { readdirSync, readFileSync } from 'node:fs';

const PAGE = 4096;

/** pid → [parent pid, resident bytes] for every process /proc lets us read. */
function processes(): Map<number, [number, number]> {
  const out = new Map<number, [number, number]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): state ppid ... ; rss is field 24.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(entry), [Number(fields[1]), Number(fields[21]) * PAGE]);
    } catch {
      // the process ended between readdir and read
    }
  }
  return out;
}

function treeRss(root: number): number {
  const all = processes();
  const children = new Map<number, number[]>();
  for (const [pid, [ppid]] of all) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    total += all.get(pid)?.[1] ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

export interface MemoryPeak {
  /** This Node process alone (resident set), bytes. */
  self: number;
  /** This process and every process it started, summed at the same instant, bytes. */
  tree: number;
}

/** Samples every `intervalMs` until stop() is called. */
export function sampleMemory(intervalMs = 100): { stop(): MemoryPeak } {
  const peak: MemoryPeak = { self: 0, tree: 0 };
  const sample = () => {
    peak.self = Math.max(peak.self, process.memoryUsage.rss());
    peak.tree = Math.max(peak.tree, treeRss(process.pid));
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}
