import { startTransition, Suspense, useEffect, useRef, useState } from 'react';
import { loadQuery, type PreloadedQuery, useRelayEnvironment } from 'react-relay';
import type { ConcreteRequest, Environment, OperationType } from 'relay-runtime';
import ConnectorCodeQuery from '../__generated__/ConnectorCodeQuery.graphql';
import ConnectorHistoryQuery from '../__generated__/ConnectorHistoryQuery.graphql';
import ConnectorPageQuery from '../__generated__/ConnectorPageQuery.graphql';
import ConnectorShareQuery from '../__generated__/ConnectorShareQuery.graphql';
import ConnectorTestQuery from '../__generated__/ConnectorTestQuery.graphql';
import ConnectorVersionQuery from '../__generated__/ConnectorVersionQuery.graphql';
import { loadCodeEditor } from '../components/lazy';
import { lazyChunk } from '../lazy-chunk';
import { claimAhead, loadAhead, peekAhead } from '../load-ahead';
import { useViewer } from '../viewer';

// The connector page's data loads at the route, not after its chunk renders: when the route
// matches (or a link to it is pointed at), the query for the shown tab (the page's header and that
// tab's fragment, see Connector.tsx) and the page's chunk start together.
const ConnectorPage = lazyChunk(() => import('./Connector'));
const loadPage = ConnectorPage.load;

/** Where on a connector's page: its id, the tab, and a version's number on a version's own page. */
export interface ConnectorLocation {
  id: string;
  tab: string;
  version?: number;
}

const QUERIES = {
  code: ConnectorCodeQuery,
  history: ConnectorHistoryQuery,
  version: ConnectorVersionQuery,
  share: ConnectorShareQuery,
  test: ConnectorTestQuery,
  /** A tab this viewer does not have (or no such tab): the header only. */
  page: ConnectorPageQuery,
} satisfies Record<string, ConcreteRequest>;

/** The route's query as loaded: which one, for which tab, and its reference. */
export interface LoadedConnector extends ConnectorLocation {
  kind: keyof typeof QUERIES;
  ref: PreloadedQuery<OperationType>;
}

function routeQuery({ id, tab, version }: ConnectorLocation, canWrite: boolean) {
  const kind: keyof typeof QUERIES =
    tab === 'history'
      ? version != null
        ? 'version'
        : 'history'
      : tab === 'code' || tab === 'share' || (tab === 'test' && canWrite)
        ? tab
        : 'page';
  const variables = kind === 'version' ? { id, number: version } : { id };
  return { kind, query: QUERIES[kind], variables };
}

function load(environment: Environment, where: ConnectorLocation, canWrite: boolean) {
  const { kind, query, variables } = routeQuery(where, canWrite);
  // Every visit reads again: what the store has shows at once, the network's answer after it.
  // Called from an effect: the mounted route claims what was loaded ahead.
  const ahead = peekAhead(environment, query, variables);
  claimAhead(ahead);
  const ref =
    ahead ??
    loadQuery<OperationType>(environment, query, variables, { fetchPolicy: 'store-and-network' });
  return { kind, ...where, ref } satisfies LoadedConnector;
}

/**
 * The page opened by its address: its chunk and its query (and the Code tab's editor) start with
 * the app (load-ahead.ts). The viewer is not known yet; the Test tab's query is a writer's, and a
 * viewer who may not write gets the header's query when the route renders.
 */
export function loadConnectorAhead(environment: Environment, where: ConnectorLocation) {
  void loadPage();
  if (where.tab === 'code') void loadCodeEditor();
  const { query, variables } = routeQuery(where, true);
  return loadAhead(environment, query, variables);
}

/**
 * Starts reading a connector's page before it is opened (a link under the pointer or focused): its
 * chunk, and its query, kept a little while; the route's own load then finds the answer in the
 * store, or joins the request still in flight.
 */
export function preloadConnector(
  environment: Environment,
  where: ConnectorLocation,
  canWrite: boolean,
) {
  void loadPage();
  const { query, variables } = routeQuery(where, canWrite);
  const ref = loadQuery(environment, query, variables, { fetchPolicy: 'store-or-network' });
  setTimeout(() => ref.dispose(), 30_000);
}

/** `preloadConnector` for this session's store and viewer. */
export function usePreloadConnector() {
  const environment = useRelayEnvironment();
  const { canWrite } = useViewer();
  return (where: ConnectorLocation) => preloadConnector(environment, where, canWrite);
}

export function ConnectorRoute({ id, tab, version }: ConnectorLocation) {
  const environment = useRelayEnvironment();
  const { canWrite } = useViewer();
  const [loaded, setLoaded] = useState<LoadedConnector | null>(null);
  // Loads in the order they started; one is let go once a later one is on screen.
  const loads = useRef<LoadedConnector[]>([]);
  const shownId = useRef<string | null>(null);
  useEffect(() => {
    void loadPage();
    const next = load(environment, { id, tab, version }, canWrite);
    loads.current.push(next);
    // Another tab of the same connector keeps the page on screen (the tab's place says
    // "Loading…") while the tab's data arrives; another connector waits under "Loading…".
    if (shownId.current === id) startTransition(() => setLoaded(next));
    else setLoaded(next);
    shownId.current = id;
  }, [environment, id, tab, version, canWrite]);
  useEffect(() => {
    const shown = loaded ? loads.current.indexOf(loaded) : -1;
    if (shown > 0) for (const old of loads.current.splice(0, shown)) old.ref.dispose();
  }, [loaded]);
  useEffect(
    () => () => {
      for (const l of loads.current.splice(0)) l.ref.dispose();
    },
    [],
  );
  // Another connector's page is not shown under this one's address, not even for a moment.
  if (!loaded || loaded.id !== id) return <p className="loading">Loading…</p>;
  return (
    <Suspense fallback={<p className="loading">Loading…</p>}>
      <ConnectorPage loaded={loaded} tab={tab} version={version} />
    </Suspense>
  );
}
