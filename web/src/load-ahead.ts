import { loadQuery, type PreloadedQuery } from 'react-relay';
import type { ConcreteRequest, Environment, OperationType } from 'relay-runtime';

/**
 * The query of a page opened by its address (a bookmark, a reload, a link from elsewhere), started
 * with the app instead of after it: a route's query otherwise starts only once the viewer's query
 * has answered and the route has rendered, and React 19 then shows the route's "Loading…" for at
 * least 300 ms more. The route takes the reference when it renders (`takeAhead`), so the page
 * still makes one request; one no route takes is let go after 30 s.
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
): void {
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
}

/** The query loaded ahead, if it is this one with these variables in this store; the caller owns it now. */
export function takeAhead<Q extends OperationType>(
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
  clearTimeout(ahead.timer);
  const { ref } = ahead;
  ahead = null;
  return ref as PreloadedQuery<Q>;
}

function letGo() {
  if (!ahead) return;
  clearTimeout(ahead.timer);
  ahead.ref.dispose();
  ahead = null;
}
