import { type ComponentType, lazy, Suspense, useMemo, useSyncExternalStore } from 'react';
import {
  graphql,
  type PreloadedQuery,
  RelayEnvironmentProvider,
  useLazyLoadQuery,
} from 'react-relay';
import type { ConcreteRequest, FetchPolicy, OperationType } from 'relay-runtime';
import { Link, Redirect, Route, Switch } from 'wouter';
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
import { ConnectorRoute } from './pages/ConnectorRoute';
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

// Each page's query loads at its route, together with the page's chunk (route-query.tsx).
const NewConnectorPage = lazy(() => import('./pages/NewConnector'));
const loadLibrary = () => import('./pages/Library');
const LibraryPage = lazy(loadLibrary);
const loadListing = () => import('./pages/Listing');
const ListingPage = lazy(loadListing);
const loadLinkInstall = () => import('./pages/LinkInstall');
const LinkInstallPage = lazy(loadLinkInstall);
const loadNotifications = () => import('./pages/Notifications');
const NotificationsPage = lazy(loadNotifications);
const loadReview = () => import('./pages/Review');
const ReviewPage = lazy(loadReview);
const loadWebhooks = () => import('./pages/Webhooks');
const WebhooksPage = lazy(loadWebhooks);
const loadManifests = () => import('./pages/Manifests');
const ManifestsPage = lazy(loadManifests);
const SchemaGeneratorPage = lazy(() => import('./pages/SchemaGenerator'));

/** A route's page with its query (route-query.tsx), typed by the query's operation `Q`. */
function routeQuery<Q extends OperationType>(
  query: ConcreteRequest,
  variables: Q['variables'],
  page: ComponentType<{ queryRef: PreloadedQuery<Q> }>,
  loadChunk?: () => Promise<unknown>,
  fetchPolicy?: FetchPolicy,
) {
  return (
    <RouteQuery<Q>
      key={query.params.name}
      query={query}
      variables={variables}
      loadChunk={loadChunk}
      page={page}
      fetchPolicy={fetchPolicy}
    />
  );
}

export function App() {
  const token = useSyncExternalStore(onTokenChange, getToken);
  // A new store per session: nothing one token read is shown to the next.
  const environment = useMemo(() => createEnvironment(), [token]);
  if (!token) return <SignIn />;
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
      <Route path="/connectors">
        {routeQuery<ConnectorsPageQuery>(
          ConnectorsPageQueryNode,
          { count: CONNECTORS_PAGE },
          ConnectorsPage,
        )}
      </Route>
      <Route path="/connectors/new" component={NewConnectorPage} />
      <Route path="/connectors/:id/versions/:number">
        {(p) => (
          <ConnectorRoute
            id={decodeURIComponent(p.id)}
            tab="history"
            version={Number(p.number) || 0}
          />
        )}
      </Route>
      <Route path="/connectors/:id/:tab?">
        {(p) => <ConnectorRoute id={decodeURIComponent(p.id)} tab={p.tab ?? 'code'} />}
      </Route>
      <Route path="/library">
        {routeQuery<LibraryPageQuery>(
          LibraryPageQueryNode,
          { count: LIBRARY_PAGE },
          LibraryPage,
          loadLibrary,
        )}
      </Route>
      <Route path="/library/:id">
        {(p) =>
          routeQuery<ListingPageQuery>(
            ListingPageQueryNode,
            { id: decodeURIComponent(p.id) },
            ListingPage,
            loadListing,
            'store-or-network',
          )
        }
      </Route>
      <Route path="/install" component={LinkInstallRoute} />
      <Route path="/notifications">
        {routeQuery<NotificationsPageQuery>(
          NotificationsPageQueryNode,
          { count: NOTIFICATIONS_PAGE },
          NotificationsPage,
          loadNotifications,
        )}
      </Route>
      <Route path="/review">
        {viewer.canReview ? (
          routeQuery<ReviewPageQuery>(
            ReviewPageQueryNode,
            { count: REVIEW_PAGE },
            ReviewPage,
            loadReview,
          )
        ) : (
          <p>Only platform reviewers review listings.</p>
        )}
      </Route>
      <Route path="/webhooks">
        {routeQuery<WebhooksPageQuery>(
          WebhooksPageQueryNode,
          { count: WEBHOOKS_PAGE },
          WebhooksPage,
          loadWebhooks,
        )}
      </Route>
      <Route path="/manifests">
        {routeQuery<ManifestsPageQuery>(
          ManifestsPageQueryNode,
          { count: MANIFESTS_PAGE },
          ManifestsPage,
          loadManifests,
        )}
      </Route>
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
  return routeQuery<LinkInstallQuery>(
    LinkInstallQueryNode,
    { token },
    LinkInstallPage,
    loadLinkInstall,
  );
}
