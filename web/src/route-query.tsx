import { type ComponentType, Suspense, useEffect } from 'react';
import { type PreloadedQuery, useQueryLoader } from 'react-relay';
import type { ConcreteRequest, FetchPolicy, OperationType } from 'relay-runtime';

/**
 * A page whose query loads at its route: the query starts as the route matches, together with
 * the page's chunk (`loadChunk`, the same import as the page's `lazy`; none for a page in the main
 * chunk), and the page reads it with `usePreloadedQuery`. Every visit reads again unless
 * `fetchPolicy` says otherwise.
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
  const [ref, load] = useQueryLoader<Q>(query);
  const key = JSON.stringify(variables);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the variables are read through their key
  useEffect(() => {
    void loadChunk?.();
    load(variables, { fetchPolicy });
  }, [key, load, loadChunk, fetchPolicy]);
  if (!ref || JSON.stringify(ref.variables) !== key) return <p className="loading">Loading…</p>;
  return (
    <Suspense fallback={<p className="loading">Loading…</p>}>
      <Page queryRef={ref} />
    </Suspense>
  );
}
