import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Token-bucket-like limit per caller: `perSecond` sustained plus a burst of `burst` calls,
 * built from rate-limiter-flexible's bursty limiter. Kept in process memory, so with several
 * gateway processes each one applies the limit on its own.
 */
export function createRateLimiter(opts: { perSecond: number; burst: number }) {
  const sustained = new RateLimiterMemory({ points: Math.max(1, Math.round(opts.perSecond)), duration: 1 });
  const burst = new RateLimiterMemory({ points: opts.burst, duration: Math.max(1, Math.ceil(opts.burst / opts.perSecond)) });
  const limiter = new BurstyRateLimiter(sustained, burst);
  return {
    /** null when the call may proceed, else the seconds to wait before the next try. */
    async take(key: string): Promise<number | null> {
      try {
        await limiter.consume(key);
        return null;
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw rejection;
      }
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
