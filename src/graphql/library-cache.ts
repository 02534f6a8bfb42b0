import { hashSHA256, useResponseCache } from '@graphql-yoga/plugin-response-cache';
import type { Principal } from '../domain/context.js';
import { canViewSource } from '../domain/access.js';
import { schema } from './schema.js';

export { LIBRARY_TOPIC } from '../domain/community.js';

/** Read-heavy, cross-workspace answers: the only root fields whose results are cached. */
const CACHED_FIELDS = ['Query.communityListings', 'Query.catalogApps'];

/** Whether an operation may be a library read (and so go through the cache machinery at all). */
const mayReadLibrary = (query: string | undefined) => /communityListings|catalogApps/.test(query ?? '');

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
      enabled: (_request, context) => mayReadLibrary((context as { params?: { query?: string } }).params?.query),
      // The plugin builds a key for every operation, enabled or not: a stable JSON and SHA-256 of
      // all the variables, ~0.2 s of main thread for a 10 MB code upload. Only library reads need one.
      buildResponseCacheKey: ({ documentString, operationName, variableValues, sessionId }) =>
        mayReadLibrary(documentString) ? hashSHA256([documentString, operationName ?? '', JSON.stringify(variableValues ?? {}), sessionId].join('|')) : 'not-cached',
      // Mutations never return library results; invalidation is by generation only.
      invalidateViaMutation: false,
      includeExtensionMetadata: false,
    }),
  };
}

export type LibraryCache = ReturnType<typeof createLibraryCache>;
