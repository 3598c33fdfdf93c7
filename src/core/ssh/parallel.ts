/** Runs `fn` over items with at most `limit` in flight; results keep the input order. Never rejects. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: Error };

export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<Settled<R>[]> {
  const results: Settled<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { ok: true, value: await fn(items[index], index) };
      } catch (e) {
        results[index] = { ok: false, error: e instanceof Error ? e : new Error(String(e)) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** Default bound on hosts worked on at once. */
export const HOST_PARALLELISM = 8;
