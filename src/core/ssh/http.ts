/**
 * A minimal HTTP/1.0 GET over any duplex stream (an SSH `forwardOut` channel), so health checks
 * run from the host's side. HTTP/1.0 with `Connection: close` means no chunked bodies to decode.
 */
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';

export interface HttpTarget {
  https: boolean;
  host: string;
  port: number;
  /** Path and query, e.g. `/health`. */
  path: string;
}

export interface HttpResponse {
  status: number;
  /** First 64 KiB of the body. */
  body: string;
}

const MAX_RESPONSE = 64 * 1024 + 8 * 1024;

export function parseHttpUrl(url: string): HttpTarget {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`health URL ${url} must be http:// or https://`);
  const https = u.protocol === 'https:';
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  return { https, host, port: u.port ? Number(u.port) : https ? 443 : 80, path: `${u.pathname || '/'}${u.search}` };
}

export function buildHttpRequest(target: HttpTarget): string {
  const hostHeader = target.host.includes(':') ? `[${target.host}]` : target.host;
  const defaultPort = target.https ? 443 : 80;
  const host = target.port === defaultPort ? hostHeader : `${hostHeader}:${target.port}`;
  if (/[\r\n]/.test(target.path + host)) throw new Error('health URL contains a line break');
  return `GET ${target.path} HTTP/1.0\r\nHost: ${host}\r\nUser-Agent: phoenix-deploy\r\nAccept: */*\r\nConnection: close\r\n\r\n`;
}

/** Parses a raw response; undefined when there is no status line yet. */
export function parseHttpResponse(raw: Buffer): HttpResponse | undefined {
  const text = raw.toString('latin1');
  const m = /^HTTP\/\d(?:\.\d)? (\d{3})[^\r\n]*\r?\n/.exec(text);
  if (!m) return undefined;
  const headerEnd = text.search(/\r?\n\r?\n/);
  const bodyStart = headerEnd < 0 ? raw.length : headerEnd + (text.startsWith('\r\n\r\n', headerEnd) ? 4 : 2);
  return { status: Number(m[1]), body: raw.subarray(bodyStart, bodyStart + 64 * 1024).toString('utf8') };
}

/** Sends the request over `stream` (wrapped in TLS for https) and reads the whole response. */
export function httpGetOverStream(stream: Duplex, target: HttpTarget, timeoutMs: number, signal?: AbortSignal): Promise<HttpResponse> {
  const socket: Duplex = target.https ? tlsConnect({ socket: stream, servername: target.host }) : stream;
  return new Promise<HttpResponse>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (stream !== socket) stream.destroy();
      const parsed = parseHttpResponse(Buffer.concat(chunks));
      if (error) reject(error);
      else if (parsed) resolve(parsed);
      else reject(new Error(size === 0 ? 'connection closed without a response' : 'malformed HTTP response'));
    };
    const onAbort = () => finish(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    const timer = setTimeout(() => finish(new Error(`no response within ${timeoutMs} ms`)), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= MAX_RESPONSE) finish();
    });
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    socket.on('error', (e: Error) => finish(e));
    socket.write(buildHttpRequest(target));
  });
}
