import type { Finding } from '../findings';
import { parseDeployConfig } from '../config/load';
import { applyInventories } from '../project/inventory';
import { describeBuilder, readProjectFiles } from '../versions/check';
import { probeImage, type ImageProbeResult } from '../probe/image';
import { builtWith, hostProbeFindings, hostProbeFromInspection } from '../probe/host';
import { inspectCommand, parseInspection } from '../remote/inspect';
import { remotePaths } from '../remote/paths';
import { ANY_EXIT } from '../remoteQuery';
import { runQuery, type QueryHost } from '../ssh/runQuery';
import { askEachHost } from '../fleet/eachHost';
import { hostKey } from '../ssh/target';
import { hostEntryRange } from './hostRange';
import type { EnvironmentConfig } from '../config/types';
import { certificateWarnings, parseCertificateFacts, probeCertificateCommand, type CertificateWarning } from '../setup/certificate';
import type { EnvKeysOnHost } from '../settings/remote';
import { needsSettingsProbe, probeEnvKeys, readProjectSettings, settingsFindings } from './settingsProbe';

export interface ProbeResults {
  /** What the build image really holds; the static check compares against it instead of the tag. */
  image?: ImageProbeResult;
  /** Host findings, and a note when the image could not be probed. */
  findings: Finding[];
}

/**
 * `check --probe`: the real versions of the build image (Docker) and of each host (one SSH round
 * trip per host). Unreachable hosts and images are reported as such, never as mismatches.
 */
export async function runProbes(root: string, env: string, log: (line: string) => void): Promise<ProbeResults> {
  const files = await readProjectFiles(root);
  const builder = describeBuilder(files, { env });
  const findings: Finding[] = [];
  let image: ImageProbeResult | undefined;
  if (builder?.image) {
    try {
      image = await probeImage(builder.image);
      log(`probe: image ${builder.image}: OTP ${image.otp ?? '?'}, Elixir ${image.elixir ?? '?'}`);
    } catch (e) {
      const range = builder.range ?? { file: files.dockerfilePath ?? 'Dockerfile', line: 1, column: 1, endLine: 1, endColumn: 1 };
      findings.push({ ...range, severity: 'info', code: 'version-unknown', message: `The build image ${builder.image} could not be probed: ${(e as Error).message}` });
    }
  }
  findings.push(...(await probeHosts(root, files.deployYml, env, builder, image, log)));
  return { image, findings };
}

async function probeHosts(root: string, deployYml: string | undefined, envName: string, builder: ReturnType<typeof describeBuilder>,
  probe: ImageProbeResult | undefined, log: (line: string) => void): Promise<Finding[]> {
  if (deployYml === undefined) return [];
  // Hosts from an inventory are probed like any others; their findings land on the `hosts:` line.
  const loaded = await applyInventories(parseDeployConfig(deployYml), root);
  const env = loaded.config?.environments[envName];
  if (!env) return [];
  const { defaultDeps, resolveTargets, passphraseFromEnv } = await import('../fleet/local');
  const deps = defaultDeps({ agentSocket: process.env.SSH_AUTH_SOCK, passphrase: passphraseFromEnv() });
  let targets;
  try {
    targets = await resolveTargets(env);
  } catch (e) {
    log(`probe: cannot resolve the hosts: ${(e as Error).message}`);
    return [{ ...hostEntryRange(loaded, envName, env, env.hosts[0] && hostKey(env.hosts[0])), severity: 'warning', code: 'host-unreachable', message: `The hosts could not be resolved: ${(e as Error).message}` }];
  }
  const built = builtWith(builder, probe);
  const signal = new AbortController().signal;
  const settings = await readProjectSettings(root);
  const askKeys = needsSettingsProbe(settings, env);
  const keys: Array<{ host: string; keys: EnvKeysOnHost }> = [];
  const results = await askEachHost(deps.connect, targets, async (host) => {
    const inspection = await runQuery(host, {
      what: 'inspecting the host', command: inspectCommand(remotePaths(env.deployTo)), okCodes: ANY_EXIT, // complete or not, by its markers
      parse(result) {
        const read = parseInspection(result.stdout);
        if (!read.complete) throw new Error(`the host inspection did not complete (exit ${result.code}): ${result.stderr.trim().split('\n')[0] || 'no output'}`);
        return read;
      },
    }, { signal });
    if (askKeys) keys.push({ host: host.target.key, keys: await probeEnvKeys(host, env, settings, signal) });
    return { probe: hostProbeFromInspection(inspection), certificate: await probeCertificate(host, env, signal) };
  }, { step: 'check --probe', signal });
  return [...settingsFindings(settings, keys, env), ...results.flatMap((r, i) => {
    const host = targets[i].key;
    const range = hostEntryRange(loaded, envName, env, host); // targets come primary first
    if (!r.ok) {
      log(`probe: ${host} unreachable: ${r.error.message}`);
      return [{ ...range, severity: 'warning' as const, code: 'host-unreachable', message: `Host ${host} could not be probed: ${r.error.message}` }];
    }
    log(`probe: ${host}: ${r.value.probe.osRelease?.prettyName ?? 'unknown OS'}`);
    const tlsRange = loaded.rangeOf(['environments', envName, 'proxy', 'tls']) ?? range;
    return [...hostProbeFindings({ host, range, result: r.value.probe, built }),
      ...r.value.certificate.map((w) => ({ ...tlsRange, severity: 'warning' as const, code: w.code, message: w.message }))];
  })];
}

/** `tls: auto`: the certificate nginx serves on the host (read over TLS there) and certbot's last renewal. */
async function probeCertificate(host: QueryHost, env: EnvironmentConfig, signal: AbortSignal): Promise<CertificateWarning[]> {
  const tls = env.proxy?.tls;
  if (!tls?.auto) return [];
  const name = env.proxy!.serverName.split(' ')[0];
  return runQuery(host, {
    what: 'reading the certificate', command: probeCertificateCommand(tls.listen, name), okCodes: ANY_EXIT, // the facts decide
    parse: (result) => certificateWarnings(host.target.key, name, parseCertificateFacts(result.stdout), new Date(), env.hosts.length > 1),
  }, { signal });
}
