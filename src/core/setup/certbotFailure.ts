/**
 * certbot's failure output, turned into the cause a person can act on: a name that does not
 * resolve to the host, port 80 the CA cannot reach, a rate limit, or the CA's own words, quoted.
 */
export type CertbotCause = 'dns' | 'wrong-host' | 'unreachable' | 'rate-limit' | 'ca' | 'other';

export interface CertbotFailure {
  cause: CertbotCause;
  /** The names the CA reported a problem for (challenge failures). */
  names: string[];
  /** The CA's words, as certbot printed them. */
  said: string;
  message: string;
}

interface DomainProblem { domain: string; type: string; detail: string }

/** certbot's "The Certificate Authority reported these problems:" block: Domain / Type / Detail triples. */
function domainProblems(output: string): DomainProblem[] {
  const problems: DomainProblem[] = [];
  const lines = output.split('\n').map((l) => l.trim());
  lines.forEach((line, i) => {
    if (!line.startsWith('Domain:')) return;
    const type = lines[i + 1]?.startsWith('Type:') ? lines[i + 1].slice(5).trim() : '';
    const detailLine = lines.slice(i + 1, i + 3).find((l) => l.startsWith('Detail:'));
    problems.push({ domain: line.slice(7).trim(), type, detail: detailLine?.slice(7).trim() ?? '' });
  });
  return problems;
}

function caError(output: string): string | undefined {
  const lines = output.split('\n').map((l) => l.trim());
  const marker = 'An unexpected error occurred:';
  const at = lines.findIndex((l) => l.startsWith(marker));
  if (at >= 0) return lines[at].slice(marker.length).trim() || lines.slice(at + 1).find((l) => l !== '');
  return lines.find((l) => /^Error [a-z ]+::/i.test(l) || l.includes('urn:ietf:params:acme:error:'));
}

const HOW: Record<CertbotCause, (names: string) => string> = {
  dns: (n) => `${n} does not resolve to this host (the CA found no address for it): point its DNS A/AAAA record at the host, wait for it to propagate, then run setup again`,
  'wrong-host': (n) => `${n} does not resolve to this host (the CA fetched the challenge from somewhere that does not serve it): point its DNS at the host (every host, behind a load balancer), then run setup again`,
  unreachable: (n) => `port 80 of ${n} is not reachable from the CA (a firewall or security group must let it in; HTTP-01 always uses port 80)`,
  'rate-limit': () => 'the CA refused because of a rate limit; wait until it resets (Let\'s Encrypt: see https://letsencrypt.org/docs/rate-limits/), or test against a staging directory (tls.directory)',
  ca: () => 'the CA refused the request',
  other: () => 'certbot failed',
};

function causeOf(p: DomainProblem): CertbotCause {
  if (p.type === 'dns' || /DNS problem|could not resolve|no valid A records|NXDOMAIN|SERVFAIL|no such host/i.test(p.detail)) return 'dns';
  if (p.type === 'connection' || /connection refused|timeout during connect|connect: |no route to host|i\/o timeout/i.test(p.detail)) return 'unreachable';
  if (p.type === 'unauthorized' || /Invalid response|404/i.test(p.detail)) return 'wrong-host';
  return 'ca';
}

export function classifyCertbotFailure(stdout: string, stderr: string): CertbotFailure {
  const output = `${stdout}\n${stderr}`;
  const problems = domainProblems(output);
  const error = caError(output);
  const said = problems.length > 0 ? problems.map((p) => `${p.domain}: ${p.detail}`).join('\n') : error ?? lastLines(output);
  const names = problems.map((p) => p.domain);
  if (/rateLimited|too many (certificates|failed authorizations|new orders|registrations)|rate limit/i.test(output)) {
    return { cause: 'rate-limit', names, said, message: `${HOW['rate-limit']('')}. The CA said:\n${indent(said)}` };
  }
  if (problems.length === 0) {
    const cause = error ? 'ca' : 'other';
    return { cause, names, said, message: `${HOW[cause]('')}. The CA said:\n${indent(said)}` };
  }
  // Each name with its own cause; the first one's is the run's.
  const causes = problems.map(causeOf);
  const order: CertbotCause[] = ['dns', 'wrong-host', 'unreachable', 'ca'];
  const groups = order.map((c) => [c, problems.filter((_, i) => causes[i] === c).map((p) => p.domain)] as const).filter(([, n]) => n.length > 0);
  const message = groups.map(([c, n]) => HOW[c](n.join(', '))).join('; ');
  return { cause: groups[0][0], names, said, message: `${message}. The CA said:\n${indent(said)}` };
}

function lastLines(output: string): string {
  return output.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '' && !l.startsWith('Saving debug log')).slice(-6).join('\n');
}

const indent = (text: string) => text.split('\n').map((l) => `  ${l}`).join('\n');
