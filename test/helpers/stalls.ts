/**
 * How long the event loop stood still while `work` ran, for servers and databases in this process:
 * a 5 ms timer that cannot fire shows the loop is blocked. Returns `work`'s result, its duration
 * and the longest gap between the timer's ticks.
 */
export async function stallDuring<T>(
  work: () => Promise<T>,
): Promise<{ result: T; took: number; longestStall: number }> {
  let last = performance.now();
  let longestStall = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longestStall = Math.max(longestStall, now - last);
    last = now;
  }, 5);
  const started = performance.now();
  try {
    const result = await work();
    return { result, took: performance.now() - started, longestStall };
  } finally {
    clearInterval(timer);
  }
}
