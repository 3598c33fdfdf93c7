/**
 * Many WebSocket clients on one nginx, reconnecting like Phoenix's JS client does (10, 50, 100, …
 * 2000 ms after a close), each noting which release greeted it and when. A reconnect that is
 * refused or not upgraded is recorded as a failure, then retried.
 */
import { connectSocket, type SocketHandle } from './webSocket';

const BACKOFF_MS = [10, 50, 100, 150, 200, 250, 500, 1000, 2000];

export interface Greeting {
  client: number;
  /** ms since the pool started. */
  at: number;
  text: string;
}

export interface SocketPool {
  /** Every greeting so far, in order. */
  greetings: Greeting[];
  /** Connection attempts that failed (refused, no upgrade), with the reason. */
  failures: Array<{ client: number; at: number; error: string }>;
  /** Closes every client and stops reconnecting. */
  stop(): void;
  /** ms since the pool started. */
  now(): number;
  /** Per client, when it was first greeted by `match` at or after `since` (undefined: not yet). */
  firstGreeted(match: RegExp, since: number): Array<number | undefined>;
}

export async function startSocketPool(port: number, hostHeader: string, count: number, heartbeatMs = 15_000): Promise<SocketPool> {
  const started = Date.now();
  const now = () => Date.now() - started;
  const greetings: Greeting[] = [];
  const failures: SocketPool['failures'] = [];
  const open = new Set<SocketHandle>();
  let stopped = false;

  async function client(id: number, first: () => void): Promise<void> {
    let attempt = 0;
    while (!stopped) {
      try {
        const s = await connectSocket(port, hostHeader);
        attempt = 0;
        greetings.push({ client: id, at: now(), text: s.greeting });
        first();
        open.add(s);
        // A heartbeat, as Phoenix's client sends, so nginx's proxy_read_timeout never ends an idle socket.
        const beat = setInterval(() => s.send('release'), heartbeatMs);
        await s.closed;
        clearInterval(beat);
        open.delete(s);
      } catch (e) {
        if (!stopped) failures.push({ client: id, at: now(), error: (e as Error).message });
      }
      if (!stopped) await new Promise((r) => setTimeout(r, BACKOFF_MS[Math.min(attempt++, BACKOFF_MS.length - 1)]));
    }
  }

  // Connect in waves of 20, so the first connections are not one burst against a busy host.
  const ready: Array<Promise<void>> = [];
  for (let i = 0; i < count; i++) {
    ready.push(new Promise<void>((resolve) => void client(i, resolve)));
    if (i % 20 === 19) await Promise.all(ready);
  }
  await Promise.all(ready);
  return {
    greetings,
    failures,
    now,
    stop() {
      stopped = true;
      for (const s of open) s.close();
    },
    firstGreeted(match, since) {
      return Array.from({ length: count }, (_, id) => greetings.find((g) => g.client === id && g.at >= since && match.test(g.text))?.at);
    },
  };
}
