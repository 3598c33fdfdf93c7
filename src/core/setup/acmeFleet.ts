/**
 * `tls: auto` with several hosts behind one name (DNS round robin, a load balancer): the CA may
 * fetch a challenge from any of them. certbot runs once, on the primary, with a hook that writes
 * each challenge file and waits; the tool copies the file to every other host, marks it placed,
 * and certbot lets the CA validate. The certificate is then copied to every host (the primary
 * included) under /etc/phoenix-deploy/<app>/tls/, which nginx serves. Renewals run from setup
 * (the lineage is created with --no-autorenew): see README, "HTTPS".
 */
import { onHosts, runOn } from '../fleet/hosts';
import type { AcmeSpec, HostTls } from '../host/acme';
import { UserError } from '../errors';
import type { StepContext } from '../plan/types';
import {
  installCopyCommand, markPlacedCommand, obtainCommand, parseChallenges, pendingChallengesCommand, placeChallengeCommand, readLineageCommand, removeChallengesCommand,
} from './acmeRemote';
import { installHttpsSite } from './apply';
import { classifyCertbotFailure } from './certbotFailure';
import { describeReason, obtainReason } from './certificate';
import { reloadNginxCommand } from './remote';
import type { SetupHostState, SetupState } from './types';
import { ANY_EXIT, commandQuery } from '../remoteQuery';
import { runQuery } from '../ssh/runQuery';

type AcmeTls = HostTls & { acme: AcmeSpec };

export const primaryOf = (state: SetupState): SetupHostState => state.hosts.find((h) => h.target.primary) ?? state.hosts[0];

/** After every host was read: does the primary obtain, and which hosts need the copy? */
export function planFleetCertificate(state: SetupState, tls: AcmeTls, ctx: StepContext): void {
  const primary = primaryOf(state);
  primary.obtain = obtainReason(tls.acme, primary.cert!, new Date());
  if (primary.obtain) ctx.note(`will obtain a certificate on this host for all ${state.hosts.length}: ${describeReason(primary.obtain, tls.acme, primary.cert!)}`, 'info', primary.target.key);
  const serial = primary.cert!.lineage?.serial;
  for (const h of state.hosts) h.distribute = primary.obtain !== undefined || h.cert!.served?.serial !== serial || !h.cert!.servedKey;
}

/** certbot on the primary while every challenge it writes is copied to the other hosts. */
export async function obtainOnPrimary(state: SetupState, tls: AcmeTls, ctx: StepContext, putBack: (h: SetupHostState) => Promise<string>): Promise<void> {
  const primary = primaryOf(state);
  const others = state.hosts.filter((h) => h !== primary);
  const stream = (text: string) => ctx.output(text, primary.target.key);
  let finished = false;
  const obtain = commandQuery('certbot', obtainCommand(tls.acme, primary.cert!.lineage !== undefined), ANY_EXIT); // its failure is classified below
  const certbot = runQuery(primary, obtain, { signal: ctx.signal, onStdout: stream, onStderr: stream })
    .finally(() => { finished = true; });
  const placed: string[] = [];
  let placeError: Error | undefined;
  while (!finished) {
    try {
      const listed = await runOn(primary, pendingChallengesCommand(tls.acme.webroot, tls.acme.placedDir), ctx, 'reading the challenge files');
      for (const c of parseChallenges(listed.stdout).filter((x) => !placed.includes(x.token))) {
        await onHosts(others, (h) => runOn(h, placeChallengeCommand(tls.acme.webroot, c.token, c.validation), ctx, 'placing a challenge file').then(() => undefined))
          .then(() => ctx.note(`placed a challenge file on ${others.length} other host${others.length === 1 ? '' : 's'}`, 'info', primary.target.key))
          .catch((e: Error) => { placeError ??= e; });
        // Marked even when placing failed, so certbot goes on at once (and the CA says which host failed) instead of waiting.
        await runOn(primary, markPlacedCommand(tls.acme.placedDir, c.token), ctx, 'marking a challenge placed');
        placed.push(c.token);
      }
    } catch (e) {
      placeError ??= e as Error;
    }
    if (!finished) await new Promise((r) => setTimeout(r, 300));
  }
  const result = await certbot;
  if (placed.length > 0) await onHosts(others, (h) => runOn(h, removeChallengesCommand(tls.acme.webroot, placed), ctx, 'removing challenge files').then(() => undefined));
  if (result.code === 0) {
    ctx.note(`obtained a certificate for ${tls.acme.names.join(', ')} from ${tls.acme.directory}`, 'info', primary.target.key);
    return;
  }
  const put = await Promise.all(state.hosts.map(async (h) => `${h.target.key}: ${await putBack(h)}`));
  const failure = classifyCertbotFailure(result.stdout, result.stderr);
  const placing = placeError ? `\nPlacing the challenge on the other hosts failed: ${placeError.message}` : '';
  throw new UserError(`no certificate for ${tls.acme.names.join(', ')} (obtained on ${primary.target.key} for ${state.hosts.length} hosts): ${failure.message}${placing}\n${put.join('\n')}`,
    { host: primary.target.key });
}

/** Copies the primary's certificate to every host that lacks it, then serves HTTPS there. */
export async function distribute(state: SetupState, tls: AcmeTls, ctx: StepContext): Promise<void> {
  const primary = primaryOf(state);
  const targets = state.hosts.filter((h) => h.distribute);
  if (targets.length === 0) return;
  const read = await runOn(primary, readLineageCommand(tls.acme.liveDir), ctx, 'reading the certificate');
  const [chain, key] = read.stdout.split('\n');
  if (!chain || !key) throw new UserError(`${primary.target.key} has no certificate in ${tls.acme.liveDir} to copy`, { host: primary.target.key });
  const dir = tls.certificate.slice(0, tls.certificate.lastIndexOf('/'));
  await onHosts(targets, async (h) => {
    const copied = await runQuery(h, commandQuery('copying the certificate', installCopyCommand(dir), ANY_EXIT), { signal: ctx.signal, stdin: `${chain}\n${key}\n` });
    if (copied.code !== 0) throw new UserError(`copying the certificate to ${h.target.key} failed: ${copied.stderr.trim() || `exit ${copied.code}`}`, { host: h.target.key });
    state.changed = true;
    ctx.note(`installed the certificate in ${dir}`, 'info', h.target.key);
    if (h.httpOnly) await installHttpsSite(h, state, ctx);
    await runOn(h, reloadNginxCommand(), ctx, 'reloading nginx');
  }, ctx);
}
