import type { HostReleases } from '../core/deploy';
import { describeHolder } from '../core/remote/lock';

/** Human table for `releases`: per host, newest first, current marked. */
export function formatReleases(hosts: HostReleases[]): string {
  const out: string[] = [];
  for (const h of hosts) {
    const head = `${h.host}${h.primary ? ' (primary)' : ''}`;
    if (!h.ok) {
      out.push(`${head}: unreachable: ${h.error ?? 'unknown error'}`, '');
      continue;
    }
    out.push(`${head}: ${h.os ?? 'unknown OS'}${h.glibc ? `, glibc ${h.glibc}` : ''}${h.locked ? `, LOCKED by ${describeHolder(h.lock)}` : ''}`);
    if (h.lockStale) out.push(`  lock is ${h.lockStale}; clear it with \`phoenix-deploy unlock\``);
    if (h.dangling) out.push(`  current → ${h.current ?? h.currentTarget} (missing!)`);
    else if (h.currentTarget) out.push(`  current → ${h.currentTarget} (not a release directory)`);
    for (const s of h.slots ?? []) {
      out.push(`  slot ${s.name}${s.port ? ` :${s.port}` : ''}: ${s.release ?? 'empty'} (${s.state})${s.live ? '  ← nginx routes here' : ''}`);
    }
    for (const u of h.unreadable ?? []) out.push(`  ? ${u}`);
    const releases = [...h.releases].sort((a, b) => b.id.localeCompare(a.id));
    for (const r of releases) {
      const by = r.deployedBy ? ` by ${r.deployedBy}${r.deployedAt ? ` at ${r.deployedAt}` : ''}` : '';
      const what = r.valid ? `${r.version ?? '?'} ${r.commit ?? ''} erts ${r.erts ?? '?'}${by}` : '(not a release id)';
      const undo = r.id === h.rollbackTarget ? `  (rollback returns here${h.rollbackBy === 'id-order' ? ': by id order, deploys.log has no record' : ''})` : '';
      out.push(`  ${r.current ? '*' : ' '} ${r.id}  ${what}${undo}`);
    }
    if (releases.length === 0) out.push('  no releases');
    if (h.history.length > 0) out.push('  live history (newest first):');
    for (const e of h.history.slice(0, 10)) {
      out.push(`    ${e.since}  ${e.id}  ${e.kind === 'rollback' ? 'rolled back to' : 'deployed'} by ${e.by || '?'}${e.previous ? `, replacing ${e.previous}` : ''}`);
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
