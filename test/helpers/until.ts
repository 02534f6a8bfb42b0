/**
 * Asks `fn` every 50 ms until it answers something other than `undefined`, and answers that;
 * throws `timed out` after `ms`. For what a server does in the background (deliveries, notices).
 */
export async function until<T>(
  fn: () => Promise<T | undefined> | T | undefined,
  ms = 15_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
