// A small promise pool: runs async jobs with bounded concurrency (the CI machine has 2 cores).

/** Parallel guest runs; each qemu or ecall process keeps one core busy. */
export const GUEST_CONCURRENCY = 2;

/** Returns the results of job(item) for every item, in input order, with at most `limit` running at once. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, job: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await job(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** Returns a gate: `await gate()` waits for a free slot and resolves to a release function. */
export function semaphore(limit: number): () => Promise<() => void> {
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = (): void => {
    active--;
    const wake = waiting.shift();
    if (wake) wake();
  };
  return async () => {
    while (active >= limit) await new Promise<void>((r) => waiting.push(r));
    active++;
    return release;
  };
}
