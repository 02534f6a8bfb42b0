import type { PrismaClient } from '../db/database.js';
import { CHANNEL_LOST, CHANNEL_RESTORED } from '../events/pg-event-target.js';
import { authenticate, hashToken } from './auth.js';
import type { Principal } from './context.js';
import { CREDENTIALS_TOPIC, onCredentialsChangedHere } from './sessions.js';

/** The event channel as the cache sees it: `listening` false (PostgreSQL's listener is down) means events may be lost. */
export interface CredentialsFeed {
  addEventListener(type: string, listener: () => void): void;
  readonly listening?: boolean;
}

export interface TokenCacheOptions {
  /** How long a looked-up token is trusted without asking the database again. */
  ttlMs?: number;
  /** Entries kept at most (a full cache starts afresh). */
  maxEntries?: number;
}

/**
 * Who a bearer token stands for, remembered for a moment: the lookup is one SQL statement that
 * every request would otherwise make first. What keeps this correct:
 * - every revocation and role change is announced from its own transaction on CREDENTIALS_TOPIC
 *   (src/domain/sessions.ts), which reaches every gateway process; hearing one empties the cache
 *   at once. A change committed by this process empties it directly, before the change's caller
 *   gets its answer (the announcement comes back on another connection a moment later); other
 *   processes (the CLI, other gateways) are heard as soon as PostgreSQL delivers their NOTIFY;
 * - a lookup that was under way when an announcement arrived is not remembered (it may have read
 *   the row before the change committed);
 * - while PostgreSQL's listening connection is down (announcements could be lost) nothing is
 *   remembered, and the cache empties when it drops and again when it is back;
 * - an entry lives `ttlMs` at most, however quiet the channel;
 * - only tokens that authenticate are remembered (unknown and revoked ones ask the database each
 *   time, as before), keyed by their SHA-256, never by the token.
 */
export function createTokenCache(
  prisma: PrismaClient,
  feed: CredentialsFeed,
  { ttlMs = 2_000, maxEntries = 10_000 }: TokenCacheOptions = {},
) {
  const entries = new Map<string, { principal: Principal; expires: number }>();
  let generation = 0;
  const clear = () => {
    generation += 1;
    entries.clear();
  };
  for (const type of [CREDENTIALS_TOPIC, CHANNEL_LOST, CHANNEL_RESTORED])
    feed.addEventListener(type, clear);
  const unsubscribe = onCredentialsChangedHere(clear);
  const hearing = () => feed.listening !== false;

  return {
    /** The member or reviewer the token stands for, or null when it is unknown or revoked. */
    async authenticate(token: string): Promise<Principal | null> {
      if (ttlMs <= 0 || !hearing()) return authenticate(prisma, token);
      const key = hashToken(token);
      const hit = entries.get(key);
      if (hit && hit.expires > Date.now()) return hit.principal;
      const seen = generation;
      const principal = await authenticate(prisma, token);
      if (principal && seen === generation && hearing()) {
        if (entries.size >= maxEntries) entries.clear();
        entries.set(key, { principal: Object.freeze(principal), expires: Date.now() + ttlMs });
      } else if (hit) {
        entries.delete(key);
      }
      return principal;
    },
    clear,
    close() {
      unsubscribe();
      entries.clear();
    },
  };
}

export type TokenCache = ReturnType<typeof createTokenCache>;
