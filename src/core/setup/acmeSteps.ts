/**
 * `tls: auto` in setup. inspect reads each host's certificate (inspectCertificates); after the
 * proxy step has put the site up (HTTP-only while no certificate exists, always answering HTTP-01
 * from the webroot), the certificate step runs certbot, switches the site to HTTPS and enables
 * certbot's renewal timer. A failed certbot run puts the site back as it was, so nginx keeps
 * serving what it served before, and names its cause.
 */
import { onHosts, runOn } from '../fleet/hosts';
import { CERTBOT_TIMER, EXPIRY_WARNING_DAYS, RENEW_BEFORE_DAYS, type AcmeSpec, type HostTls } from '../host/acme';
import { NGINX, SYSTEMCTL } from '../host/spec';
import { describePerHost, when, work } from '../plan/describe';
import { UserError } from '../errors';
import type { Step, StepContext } from '../plan/types';
import type { Command } from '../shell';
import { enableTimerCommand, installCopyCommand, obtainCommand, pendingChallengesCommand, readLineageCommand, restoreSiteCommand } from './acmeRemote';
import { distribute, obtainOnPrimary, planFleetCertificate, primaryOf } from './acmeFleet';
import { applyAction, applyGroup, changed, httpsSiteCommand, installHttpsSite } from './apply';
import { classifyCertbotFailure } from './certbotFailure';
import { describeReason, inspectCertificateCommand, obtainReason, parseCertificateFacts } from './certificate';
import { reloadNginxCommand } from './remote';
import type { SetupHostState, SetupState } from './types';
import { ANY_EXIT, commandQuery } from '../remoteQuery';
import { runQuery } from '../ssh/runQuery';

export const tlsOf = (state: SetupState): HostTls & { acme: AcmeSpec } | undefined => {
  const tls = state.host.proxy?.tls;
  return tls?.acme ? { ...tls, acme: tls.acme } : undefined;
};

/** `tls: auto`: the command inspect reads each host's certificate with. */
export function certificateInspection(state: SetupState): Command | undefined {
  const tls = tlsOf(state);
  return tls && inspectCertificateCommand(tls);
}

/** Reads one host's certificate state during inspect (before any file is rendered for it). */
export async function inspectCertificate(h: SetupHostState, state: SetupState, ctx: StepContext): Promise<void> {
  const tls = tlsOf(state);
  if (!tls) return;
  const result = await runOn(h, certificateInspection(state)!, ctx, 'reading the certificate');
  const cert = parseCertificateFacts(result.stdout);
  if (!cert.complete) throw new UserError(`${h.target.key} answered only part of the certificate inspection`, { host: h.target.key });
  if (!cert.certbot && (!tls.acme.multiHost || h === primaryOf(state))) {
    throw new UserError(`${h.target.key} has no /usr/bin/certbot, which tls: auto uses: install Debian's certbot (apt-get install certbot), then run setup again. Nothing was changed.`, { host: h.target.key });
  }
  h.cert = cert;
  h.httpOnly = !cert.served || !cert.servedKey;
  h.enableTimer = !tls.acme.multiHost && !cert.timerEnabled;
  if (tls.acme.multiHost) return; // decided for the fleet once every host is read (planFleetCertificate)
  h.obtain = obtainReason(tls.acme, cert, new Date());
  if (h.obtain) ctx.note(`will obtain a certificate: ${describeReason(h.obtain, tls.acme, cert)}`, 'info', h.target.key);
}

/** Once every host was read: the fleet's decision (multi-host mode); single hosts decided on their own. */
export function planCertificates(state: SetupState, ctx: StepContext): void {
  const tls = tlsOf(state);
  if (tls?.acme.multiHost) planFleetCertificate(state, tls, ctx);
}

/** What the confirmation shows for the certificate. */
export function certificatePreview(state: SetupState, h: SetupHostState): string[] {
  const tls = tlsOf(state);
  if (!tls || !h.cert) return [];
  return [
    ...(h.obtain ? [`  obtain a certificate for ${tls.acme.names.join(', ')} from ${tls.acme.directory} (${describeReason(h.obtain, tls.acme, h.cert)}), then serve HTTPS on ${tls.listen}`] : []),
    ...(h.distribute ? [`  install the certificate obtained on the primary in ${tls.certificate} and ${tls.key}, then serve HTTPS on ${tls.listen}`] : []),
    ...(h.enableTimer ? [`  enable ${CERTBOT_TIMER} (certbot renews on the host)`] : []),
  ];
}

export const certificatePending = (h: SetupHostState) => h.obtain !== undefined || h.distribute === true || h.enableTimer === true;

export const certificateStep: Step<SetupState> = {
  name: 'certificate',
  title: 'Obtain the certificate (certbot, HTTP-01) and serve HTTPS',
  finishOnCancel: true,
  describe: (state) => {
    const tls = tlsOf(state)!;
    const site = [when(httpsSiteCommand(state), `once the certificate is there, if the site served HTTP only: HTTPS on ${tls.listen}, ${state.host.proxy!.listen} redirects`),
      when(reloadNginxCommand(), 'after the certificate is installed')];
    const onFailure = work(`on failure: the site is put back as it was before setup, ${NGINX} -t, reload`);
    const obtain = (h: SetupHostState) => when(obtainCommand(tls.acme, h.cert ? h.cert.lineage !== undefined : false),
      'only when there is no valid certificate for these names from this CA (--force-renewal when one exists)');
    if (tls.acme.multiHost) {
      const primary = primaryOf(state);
      return describePerHost(state.hosts, (h) => [
        applyAction(h, state, 'certificate', 'none'),
        ...(h === primary ? [obtain(h),
          when(pendingChallengesCommand(tls.acme.webroot, tls.acme.placedDir), 'polled while certbot runs; each new challenge is written on every other host, then marked placed'),
          when(readLineageCommand(tls.acme.liveDir), 'copied to every host')] : []),
        when(installCopyCommand(tls.certificate.slice(0, tls.certificate.lastIndexOf('/'))), 'the certificate and key on stdin'),
        ...site,
        work(`renewal: not on the hosts' timer (the lineage has --no-autorenew); run phoenix-deploy setup again within ${RENEW_BEFORE_DAYS} days of expiry (check --probe warns at ${EXPIRY_WARNING_DAYS})`),
        onFailure,
      ]);
    }
    const renewal = `certbot runs the deploy hook after each renewal: ${NGINX} -t && ${SYSTEMCTL} reload nginx.service`;
    return describePerHost(state.hosts, (h) => [
      obtain(h), ...site,
      applyAction(h, state, 'certificate', 'none', undefined, renewal),
      when(enableTimerCommand(), `renewal: Debian's ${CERTBOT_TIMER} runs \`certbot -q renew\` twice a day, with the settings saved in ${tls.acme.renewalConf}`),
      onFailure,
    ]);
  },
  async run(ctx, state) {
    const tls = tlsOf(state);
    if (!tls) return;
    if (tls.acme.multiHost) {
      await onHosts(state.hosts, async (h) => {
        const hooks = changed(h, 'certificate');
        if (hooks.length > 0) await applyGroup(h, state, hooks, 'none', ctx);
      });
      if (primaryOf(state).obtain) await obtainOnPrimary(state, tls, ctx, (h) => putSiteBack(h, state));
      await distribute(state, tls, ctx);
      return;
    }
    await onHosts(state.hosts, async (h) => {
      // The deploy hook only after certbot succeeded: a failed first run leaves no trace of the tool.
      if (h.obtain) await obtain(h, state, tls, ctx);
      const hook = changed(h, 'certificate');
      if (hook.length > 0) await applyGroup(h, state, hook, 'none', ctx);
      if (h.enableTimer) {
        await runOn(h, enableTimerCommand(), ctx, `enabling ${CERTBOT_TIMER}`);
        state.changed = true;
        ctx.note(`enabled ${CERTBOT_TIMER}: certbot renews the certificate on this host`, 'info', h.target.key);
      }
    }, ctx);
  },
};

async function obtain(h: SetupHostState, state: SetupState, tls: HostTls & { acme: AcmeSpec }, ctx: StepContext): Promise<void> {
  const stream = (text: string) => ctx.output(text, h.target.key);
  const certbot = commandQuery('certbot', obtainCommand(tls.acme, h.cert!.lineage !== undefined), ANY_EXIT); // its failure is classified below
  const result = await runQuery(h, certbot, { signal: ctx.signal, onStdout: stream, onStderr: stream });
  if (result.code !== 0) {
    const put = await putSiteBack(h, state);
    const failure = classifyCertbotFailure(result.stdout, result.stderr);
    throw new UserError(`no certificate for ${tls.acme.names.join(', ')} on ${h.target.key}: ${failure.message}\n${put}`, { host: h.target.key });
  }
  state.changed = true;
  ctx.note(`obtained a certificate for ${tls.acme.names.join(', ')} from ${tls.acme.directory}`, 'info', h.target.key);
  if (h.httpOnly) await installHttpsSite(h, state, ctx);
  await runOn(h, reloadNginxCommand(), ctx, 'reloading nginx');
}

/** Undoes this run's proxy step on a host (its files back, a link it made removed); nginx serves what it served before. */
export async function putSiteBack(h: SetupHostState, state: SetupState): Promise<string> {
  const files = changed(h, 'proxy').map((f) => ({ path: f.path, before: h.facts!.files.get(f.path) }));
  const link = h.facts!.link === undefined ? state.host.proxy!.siteLink : undefined;
  if (files.length === 0 && !link) return 'nginx was not changed.';
  // Not under the step's cancel: the site goes back even when setup is being cancelled.
  const result = await runQuery(h, commandQuery('putting the nginx site back', restoreSiteCommand(files, link), ANY_EXIT), { timeoutMs: 60_000 });
  return result.code === 0
    ? 'The nginx site was put back as it was before setup, and nginx reloaded.'
    : `Putting the nginx site back failed (${result.stderr.trim() || `exit ${result.code}`}); check ${state.host.proxy!.siteFile}.`;
}
