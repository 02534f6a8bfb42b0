import { createHash } from 'node:crypto';
import { useResponseCache } from '@graphql-yoga/plugin-response-cache';
import stableStringify from 'fast-json-stable-stringify';
import type { Principal } from '../../domain/context.js';
import { canViewSource } from '../../domain/access.js';
import { schema } from '../schema/index.js';

export { LIBRARY_TOPIC } from '../../domain/events.js';

/** Read-heavy, cross-workspace answers: the only root fields whose results are cached. */
const CACHED_FIELDS = ['Query.communityListings', 'Query.catalogApps'];
const MAY_BE_CACHED = /communityListings|catalogApps/;

/**
 * The plugin builds every request's cache key before it asks `enabled` (a SHA-256 through Web
 * Crypto: a few % of a read's CPU). Documents that cannot be cached get a constant key instead,
 * which no lookup ever uses; the others the plugin's own key, hashed synchronously.
 */
function cacheKey(params: {
  documentString: string;
  operationName?: string | null;
  variableValues?: unknown;
  sessionId?: string | null;
}): string {
  if (!MAY_BE_CACHED.test(params.documentString)) return 'not-cached';
  const text = [
    params.documentString,
    params.operationName ?? '',
    stableStringify(params.variableValues ?? {}),
    params.sessionId ?? '',
  ].join('|');
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Caches community library answers (Yoga's response cache, in process). Entries are keyed by a
 * generation that every sharing, listing, review and install bumps, here and, through the
 * pubsub, in every other gateway process: a bumped generation makes every older entry
 * unreachable at once (they age out by TTL). Any operation that also asks for an uncached root
 * field is not cached at all.
 */
export function createLibraryCache(ttlMs: number) {
  let generation = 0;
  const ttlPerSchemaCoordinate: Record<string, number> = {};
  for (const field of Object.keys(schema.getQueryType()!.getFields())) {
    const coordinate = `Query.${field}`;
    ttlPerSchemaCoordinate[coordinate] = CACHED_FIELDS.includes(coordinate) ? ttlMs : 0;
  }
  return {
    invalidate() {
      generation += 1;
    },
    plugin: useResponseCache<{ actor: Principal | null }>({
      ttl: 0,
      ttlPerSchemaCoordinate,
      // Library answers differ by whether the viewer may read source code and, through staged
      // rollouts (visibleSharedVersion), by the viewer's workspace.
      session: (_request, { actor }) =>
        `${generation}:${actor ? `${actor.kind === 'member' ? `w${actor.workspaceId}` : 'reviewer'}:${canViewSource(actor) ? 'source' : 'nosource'}` : 'anon'}`,
      // Only library reads go through the cache machinery (it rewrites documents and walks results).
      enabled: (_request, context) =>
        MAY_BE_CACHED.test((context as { params?: { query?: string } }).params?.query ?? ''),
      buildResponseCacheKey: cacheKey,
      // Mutations never return library results; invalidation is by generation only.
      invalidateViaMutation: false,
      includeExtensionMetadata: false,
    }),
  };
}

export type LibraryCache = ReturnType<typeof createLibraryCache>;
