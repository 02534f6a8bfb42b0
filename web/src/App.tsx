import {
  type ComponentType,
  lazy,
  Suspense,
  useEffect,
  useState,
  useSyncExternalStore,
} from 'react';
import {
  graphql,
  type PreloadedQuery,
  RelayEnvironmentProvider,
  useLazyLoadQuery,
} from 'react-relay';
import type { ConcreteRequest, Environment, FetchPolicy, OperationType } from 'relay-runtime';
import { Link, matchRoute, type Parser, Redirect, Route, Switch, useRouter } from 'wouter';
import type { AppViewerQuery } from './__generated__/AppViewerQuery.graphql';
import ConnectorsPageQueryNode, {
  type ConnectorsPageQuery,
} from './__generated__/ConnectorsPageQuery.graphql';
import LinkInstallQueryNode, {
  type LinkInstallQuery,
} from './__generated__/LinkInstallQuery.graphql';
import ReviewPageQueryNode, { type ReviewPageQuery } from './__generated__/ReviewPageQuery.graphql';
import WebhooksPageQueryNode, {
  type WebhooksPageQuery,
} from './__generated__/WebhooksPageQuery.graphql';
import LibraryPageQueryNode, {
  type LibraryPageQuery,
} from './__generated__/LibraryPageQuery.graphql';
import ManifestsPageQueryNode, {
  type ManifestsPageQuery,
} from './__generated__/ManifestsPageQuery.graphql';
import NotificationsPageQueryNode, {
  type NotificationsPageQuery,
} from './__generated__/NotificationsPageQuery.graphql';
import ListingPageQueryNode, {
  type ListingPageQuery,
} from './__generated__/ListingPageQuery.graphql';
import { ErrorBoundary } from './components/ErrorBoundary';
import { NavLink } from './components/NavLink';
import { NotificationBell } from './components/NotificationBell';
import { ReviewQueueLink } from './components/ReviewCount';
import { createEnvironment } from './relay/environment';
import { getToken, onTokenChange, setIdentity, setToken, signOut } from './session';
import { SignIn } from './pages/SignIn';
import { ViewerContext, type Viewer } from './viewer';
import { ConnectorsPage } from './pages/Connectors';
import { type ConnectorLocation, ConnectorRoute, loadConnectorAhead } from './pages/ConnectorRoute';
import { lazyChunk } from './lazy-chunk';
import { loadAhead, loadFirstScreen } from './load-ahead';
import { ThemePicker } from './theme';
import { RouteQuery } from './route-query';
import { linkInHash, onHashChange } from './link-hash';
import {
  CONNECTORS_PAGE,
  LIBRARY_PAGE,
  MANIFESTS_PAGE,
  NOTIFICATIONS_PAGE,
  REVIEW_PAGE,
  WEBHOOKS_PAGE,
} from './page-sizes';

// Each page's query loads at its route, together with the page's chunk (route-query.tsx); a page
// opened by its address starts both with the app (load-ahead.ts).
const NewConnectorPage = lazy(() => import('./pages/NewConnector'));
const LibraryPage = lazyChunk(() => import('./pages/Library'));
const ListingPage = lazyChunk(() => import('./pages/Listing'));
const LinkInstallPage = lazyChunk(() => import('./pages/LinkInstall'));
const NotificationsPage = lazyChunk(() => import('./pages/Notifications'));
const ReviewPage = lazyChunk(() => import('./pages/Review'));
const WebhooksPage = lazyChunk(() => import('./pages/Webhooks'));
const ManifestsPage = lazyChunk(() => import('./pages/Manifests'));
const SchemaGeneratorPage = lazy(() => import('./pages/SchemaGenerator'));

/**
 * A page with a query of its own, typed by the query's operation `Q`: what its route renders
 * (route-query.tsx), and what opening it by its address loads with the app.
 */
function queryPage<Q extends OperationType>(
  query: ConcreteRequest,
  variables: Q['variables'],
  page: ComponentType<{ queryRef: PreloadedQuery<Q> }> & { load?: () => Promise<unknown> },
  fetchPolicy?: FetchPolicy,
) {
  return {
    render: () => (
      <RouteQuery<Q>
        key={query.params.name}
        query={query}
        variables={variables}
        loadChunk={page.load}
        page={page}
        fetchPolicy={fetchPolicy}
      />
    ),
    loadAhead: (environment: Environment) => {
      void page.load?.();
      return loadAhead(environment, query, variables);
    },
  };
}

/** The list pages, by their paths. */
const LIST_PAGES = {
  '/connectors': queryPage<ConnectorsPageQuery>(
    ConnectorsPageQueryNode,
    { count: CONNECTORS_PAGE },
    ConnectorsPage,
  ),
  '/library': queryPage<LibraryPageQuery>(
    LibraryPageQueryNode,
    { count: LIBRARY_PAGE },
    LibraryPage,
  ),
  '/notifications': queryPage<NotificationsPageQuery>(
    NotificationsPageQueryNode,
    { count: NOTIFICATIONS_PAGE },
    NotificationsPage,
  ),
  '/review': queryPage<ReviewPageQuery>(ReviewPageQueryNode, { count: REVIEW_PAGE }, ReviewPage),
  '/webhooks': queryPage<WebhooksPageQuery>(
    WebhooksPageQueryNode,
    { count: WEBHOOKS_PAGE },
    WebhooksPage,
  ),
  '/manifests': queryPage<ManifestsPageQuery>(
    ManifestsPageQueryNode,
    { count: MANIFESTS_PAGE },
    ManifestsPage,
  ),
};
const listingPage = (id: string) =>
  queryPage<ListingPageQuery>(ListingPageQueryNode, { id }, ListingPage, 'store-or-network');
const linkInstallPage = (token: string) =>
  queryPage<LinkInstallQuery>(LinkInstallQueryNode, { token }, LinkInstallPage);

const PATHS = {
  listing: '/library/:id',
  newConnector: '/connectors/new',
  connectorVersion: '/connectors/:id/versions/:number',
  connector: '/connectors/:id/:tab?',
} as const;

/** Where on a connector's page the parameters of its two routes point (ids arrive %-encoded). */
const versionAt = (p: { id: string; number: string }): ConnectorLocation => ({
  id: decodeURIComponent(p.id),
  tab: 'history',
  version: Number(p.number) || 0,
});
const tabAt = (p: { id: string; tab?: string }): ConnectorLocation => ({
  id: decodeURIComponent(p.id),
  tab: p.tab ?? 'code',
});

/**
 * Starts the query and chunk of the page at this address, with the app instead of after it;
 * resolves when the query has answered (none for a page without a query of its own).
 */
function loadPageAhead(
  environment: Environment,
  parser: Parser,
  path: string,
): Promise<void> | undefined {
  const at = <P extends string>(pattern: P) => matchRoute(parser, pattern, path);
  if (path in LIST_PAGES) return LIST_PAGES[path as keyof typeof LIST_PAGES].loadAhead(environment);
  if (path === '/install') return linkInstallPage(linkInHash()).loadAhead(environment);
  const [listing, l] = at(PATHS.listing);
  if (listing) return listingPage(decodeURIComponent(l.id)).loadAhead(environment);
  if (at(PATHS.newConnector)[0]) return;
  const [version, v] = at(PATHS.connectorVersion);
  if (version) return loadConnectorAhead(environment, versionAt(v));
  const [connector, c] = at(PATHS.connector);
  if (connector) return loadConnectorAhead(environment, tabAt(c));
}

/**
 * The session of a token: a new store (nothing one token read is shown to the next), and its first
 * screen (the shell and the page at this address) read before it renders (load-ahead.ts). Made once
 * per token, even when React renders twice (StrictMode, in development).
 */
let session: {
  token: string | null;
  environment: Environment;
  firstScreen?: Promise<void>;
} | null = null;
function sessionFor(token: string | null, parser: Parser) {
  if (session?.token === token) return session;
  const environment = createEnvironment();
  let page: Promise<void> | undefined;
  try {
    page = token ? loadPageAhead(environment, parser, location.pathname) : undefined;
  } catch {
    // A malformed address (a bad %-escape): nothing loads ahead, and its route says what is wrong.
  }
  session = {
    token,
    environment,
    firstScreen: token ? loadFirstScreen(environment, page) : undefined,
  };
  return session;
}

export function App() {
  const token = useSyncExternalStore(onTokenChange, getToken);
  const { parser } = useRouter();
  const current = sessionFor(token, parser);
  const [ready, setReady] = useState<Environment | null>(null);
  useEffect(() => {
    let live = true;
    void current.firstScreen?.then(() => live && setReady(current.environment));
    return () => {
      live = false;
    };
  }, [current]);
  const environment = current.environment;
  if (!token) return <SignIn />;
  // Not a Suspense fallback: what the shell then shows is not held back another 300 ms.
  if (ready !== environment) return <p className="loading">Loading…</p>;
  return (
    <RelayEnvironmentProvider environment={environment}>
      <ErrorBoundary>
        <Suspense fallback={<p className="loading">Loading…</p>}>
          <Shell />
        </Suspense>
      </ErrorBoundary>
    </RelayEnvironmentProvider>
  );
}

function Shell() {
  const data = useLazyLoadQuery<AppViewerQuery>(
    graphql`
      query AppViewerQuery {
        viewer {
          member {
            handle
            role
          }
          workspace {
            name
            slug
          }
          reviewerHandle
          canWrite
          canViewSource
          canReview
        }
      }
    `,
    {},
  );
  if (!data.viewer) {
    queueMicrotask(() =>
      setToken(null, 'The registry did not accept the token (unknown or revoked): sign in again.'),
    );
    return null;
  }
  const viewer = data.viewer;
  setIdentity(
    viewer.member
      ? { workspace: viewer.workspace?.slug ?? null, handle: viewer.member.handle }
      : { workspace: null, handle: viewer.reviewerHandle ?? 'reviewer' },
  );
  return (
    <ViewerContext.Provider value={viewer}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Connector registry</span>
        <Nav viewer={viewer} />
        <div className="who">
          {viewer.member ? (
            <span
              title={`${viewer.member.handle} · ${viewer.member.role.toLowerCase()} in ${viewer.workspace?.name ?? ''}`}
            >
              <span>{viewer.member.handle}</span>
              <span className="ws">
                {' '}
                · {viewer.member.role.toLowerCase()} in <strong>{viewer.workspace?.name}</strong>
              </span>
            </span>
          ) : (
            <span>reviewer {viewer.reviewerHandle}</span>
          )}
          <ThemePicker />
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <ErrorBoundary resetKey={typeof location !== 'undefined' ? location.pathname : ''}>
          <Suspense fallback={<p className="loading">Loading…</p>}>
            <Routes viewer={viewer} />
          </Suspense>
        </ErrorBoundary>
      </main>
    </ViewerContext.Provider>
  );
}

/** A nav label shortened at mid widths (the link's aria-label keeps the full name). */
function Short({ full, short }: { full: string; short: string }) {
  return (
    <>
      <span className="wide-only">{full}</span>
      <span className="narrow-only">{short}</span>
    </>
  );
}

function Nav({ viewer }: { viewer: Viewer }) {
  return (
    <nav aria-label="Main">
      {viewer.member && <NavLink href="/connectors">Connectors</NavLink>}
      <NavLink href="/library" label="Community library">
        <Short full="Community library" short="Library" />
      </NavLink>
      {viewer.member && <NotificationBell />}
      {viewer.canReview && <ReviewQueueLink />}
      {viewer.member && <NavLink href="/webhooks">Webhooks</NavLink>}
      {viewer.member && <NavLink href="/manifests">Manifests</NavLink>}
      {/* The generator works for workspace members (the API refuses reviewers). */}
      {viewer.member && (
        <NavLink href="/schema" label="Schema generator">
          <Short full="Schema generator" short="Schema" />
        </NavLink>
      )}
    </nav>
  );
}

function Routes({ viewer }: { viewer: Viewer }) {
  return (
    <Switch>
      <Route path="/">
        {viewer.member ? <Redirect to="/connectors" /> : <Redirect to="/library" />}
      </Route>
      <Route path="/sign-in">
        <Redirect to="/" />
      </Route>
      <Route path="/connectors">{LIST_PAGES['/connectors'].render()}</Route>
      <Route path={PATHS.newConnector} component={NewConnectorPage} />
      <Route path={PATHS.connectorVersion}>{(p) => <ConnectorRoute {...versionAt(p)} />}</Route>
      <Route path={PATHS.connector}>{(p) => <ConnectorRoute {...tabAt(p)} />}</Route>
      <Route path="/library">{LIST_PAGES['/library'].render()}</Route>
      <Route path={PATHS.listing}>{(p) => listingPage(decodeURIComponent(p.id)).render()}</Route>
      <Route path="/install" component={LinkInstallRoute} />
      <Route path="/notifications">{LIST_PAGES['/notifications'].render()}</Route>
      <Route path="/review">
        {viewer.canReview ? (
          LIST_PAGES['/review'].render()
        ) : (
          <p>Only platform reviewers review listings.</p>
        )}
      </Route>
      <Route path="/webhooks">{LIST_PAGES['/webhooks'].render()}</Route>
      <Route path="/manifests">{LIST_PAGES['/manifests'].render()}</Route>
      <Route path="/schema" component={SchemaGeneratorPage} />
      <Route>
        <h1>Not found</h1>
        <p>
          Nothing here. <Link href="/">Go to the start page</Link>.
        </p>
      </Route>
    </Switch>
  );
}

/** A private link's page: its query follows the token in the URL fragment (another link pasted
 * into the same tab changes only the hash). */
function LinkInstallRoute() {
  const token = useSyncExternalStore(onHashChange, linkInHash);
  return linkInstallPage(token).render();
}
