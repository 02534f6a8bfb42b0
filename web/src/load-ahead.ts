import { fetchQuery, loadQuery, type PreloadedQuery } from 'react-relay';
import type { ConcreteRequest, Environment, OperationType } from 'relay-runtime';
import AppViewerQueryNode, { type AppViewerQuery } from './__generated__/AppViewerQuery.graphql';
import NotificationBellQueryNode from './__generated__/NotificationBellQuery.graphql';
import ReviewCountQueryNode from './__generated__/ReviewCountQuery.graphql';

/**
 * The query of a page opened by its address (a bookmark, a reload, a link from elsewhere), started
 * with the app instead of after it: a route's query otherwise starts only once the viewer's query
 * has answered and the route has rendered, and React 19 then shows the route's "Loading…" for at
 * least 300 ms more. The route takes the reference when it mounts (`peekAhead`, `claimAhead`), so
 * the page still makes one request; one no route takes is let go after 30 s.
 */
let ahead: {
  name: string;
  key: string;
  ref: PreloadedQuery<OperationType>;
  timer: ReturnType<typeof setTimeout>;
} | null = null;

export function loadAhead(
  environment: Environment,
  query: ConcreteRequest,
  variables: OperationType['variables'],
): Promise<void> {
  letGo();
  const ref = loadQuery<OperationType>(environment, query, variables, {
    fetchPolicy: 'store-or-network',
  });
  ahead = {
    name: query.params.name,
    key: JSON.stringify(variables),
    ref,
    timer: setTimeout(letGo, 30_000),
  };
  return answered(environment, query, variables);
}

/**
 * The query loaded ahead, if it is this one with these variables in this store. Read while
 * rendering, it stays in its place: React may render a route and throw the render away (a sibling
 * suspended); the route claims it (`claimAhead`) once it has mounted.
 */
export function peekAhead<Q extends OperationType>(
  environment: Environment,
  query: ConcreteRequest,
  variables: Q['variables'],
): PreloadedQuery<Q> | undefined {
  if (
    !ahead ||
    ahead.ref.environment !== environment ||
    ahead.name !== query.params.name ||
    ahead.key !== JSON.stringify(variables)
  )
    return undefined;
  return ahead.ref as PreloadedQuery<Q>;
}

/** The mounted route owns `ref` now (it disposes it): it is no longer let go after 30 s. */
export function claimAhead(ref: PreloadedQuery<OperationType> | undefined): void {
  if (!ahead || ahead.ref !== ref) return;
  clearTimeout(ahead.timer);
  ahead = null;
}

function letGo() {
  if (!ahead) return;
  clearTimeout(ahead.timer);
  ahead.ref.dispose();
  ahead = null;
}

/** Resolves once the query has answered (or failed): joins its request when one is in flight. */
function answered(
  environment: Environment,
  query: ConcreteRequest,
  variables: OperationType['variables'] = {},
): Promise<void> {
  return fetchQuery(environment, query, variables, { fetchPolicy: 'store-or-network' })
    .toPromise()
    .then(
      () => undefined,
      () => undefined,
    );
}

/**
 * A session's first screen, read before it renders: the shell's viewer and then its header counts
 * (the unread notifications of a member, the pending listings of a reviewer), and the page at this
 * address (`page`, from `loadAhead`). The first screen then renders once, with its data, instead
 * of suspending under a *Loading…* that React keeps for at least 300 ms. Resolves when they have
 * answered, or after 3 s on a slow network (the screen then suspends as it would have).
 */
export function loadFirstScreen(environment: Environment, page?: Promise<void>): Promise<void> {
  const shell = fetchQuery<AppViewerQuery>(environment, AppViewerQueryNode, {})
    .toPromise()
    .then(
      (data) =>
        Promise.all([
          data?.viewer?.member && answered(environment, NotificationBellQueryNode),
          data?.viewer?.canReview && answered(environment, ReviewCountQueryNode),
        ]),
      () => undefined,
    );
  return Promise.race([
    Promise.all([shell, page]).then(() => undefined),
    new Promise<void>((done) => setTimeout(done, 3_000)),
  ]);
}
