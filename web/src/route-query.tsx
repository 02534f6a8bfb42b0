import { type ComponentType, Suspense, useEffect, useState } from 'react';
import { type PreloadedQuery, useQueryLoader, useRelayEnvironment } from 'react-relay';
import type { ConcreteRequest, FetchPolicy, OperationType } from 'relay-runtime';
import { claimAhead, peekAhead } from './load-ahead';

/**
 * A page whose query loads at its route: the query starts as the route matches, together with
 * the page's chunk (`loadChunk`, see lazy-chunk.tsx; none for a page in the main chunk), and the
 * page reads it with `usePreloadedQuery`. Every visit reads again unless `fetchPolicy` says
 * otherwise; a page opened by its address takes the query the app started with it (load-ahead.ts).
 */
export function RouteQuery<Q extends OperationType>({
  query,
  variables,
  loadChunk,
  page: Page,
  fetchPolicy = 'store-and-network',
}: {
  query: ConcreteRequest;
  variables: Q['variables'];
  loadChunk?: () => Promise<unknown>;
  page: ComponentType<{ queryRef: PreloadedQuery<Q> }>;
  fetchPolicy?: FetchPolicy;
}) {
  const environment = useRelayEnvironment();
  const [ahead] = useState(() => peekAhead<Q>(environment, query, variables));
  const [ref, load] = useQueryLoader<Q>(query, ahead);
  const key = JSON.stringify(variables);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the variables are read through their key
  useEffect(() => {
    void loadChunk?.();
    claimAhead(ahead);
    if (ahead && ref === ahead && JSON.stringify(ahead.variables) === key) return;
    load(variables, { fetchPolicy });
  }, [key, load, loadChunk, fetchPolicy]);
  if (!ref || JSON.stringify(ref.variables) !== key) return <p className="loading">Loading…</p>;
  return (
    <Suspense fallback={<p className="loading">Loading…</p>}>
      <Page queryRef={ref} />
    </Suspense>
  );
}
