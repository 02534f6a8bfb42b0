import { type ReactNode, Suspense } from 'react';
import { graphql, type PreloadedQuery, usePreloadedQuery } from 'react-relay';
import { Link } from 'wouter';
import type { ConnectorHeader_connector$key } from '../__generated__/ConnectorHeader_connector.graphql';
import type { ConnectorCodeQuery } from '../__generated__/ConnectorCodeQuery.graphql';
import type { ConnectorHistoryQuery } from '../__generated__/ConnectorHistoryQuery.graphql';
import type { ConnectorPageQuery } from '../__generated__/ConnectorPageQuery.graphql';
import type { ConnectorShareQuery } from '../__generated__/ConnectorShareQuery.graphql';
import type { ConnectorTestQuery } from '../__generated__/ConnectorTestQuery.graphql';
import type { ConnectorVersionQuery } from '../__generated__/ConnectorVersionQuery.graphql';
import { CodeTab } from './connector/CodeTab';
import { ConnectorHeader } from './connector/ConnectorHeader';
import { HistoryTab } from './connector/HistoryTab';
import { ShareTab } from './connector/ShareTab';
import { TestTab } from './connector/TestTab';
import { VersionView } from './connector/VersionView';
import type { LoadedConnector } from './ConnectorRoute';

// One query per tab, each the page's header and that tab's fragment, loaded by the route
// (ConnectorRoute.tsx) as it matches: one request for what the page shows.
const pageQuery = graphql`
  query ConnectorPageQuery($id: ID!) {
    connector(id: $id) {
      ...ConnectorHeader_connector
    }
  }
`;
const codeQuery = graphql`
  query ConnectorCodeQuery($id: ID!) {
    connector(id: $id) {
      ...ConnectorHeader_connector
      ...CodeTab_connector
    }
  }
`;
const historyQuery = graphql`
  query ConnectorHistoryQuery($id: ID!) {
    connector(id: $id) {
      ...ConnectorHeader_connector
      ...HistoryTab_versions
    }
  }
`;
const versionQuery = graphql`
  query ConnectorVersionQuery($id: ID!, $number: Int!) {
    connector(id: $id) {
      ...ConnectorHeader_connector
      ...VersionView_connector @arguments(number: $number)
    }
  }
`;
const shareQuery = graphql`
  query ConnectorShareQuery($id: ID!) {
    connector(id: $id) {
      ...ConnectorHeader_connector
      ...ShareTab_connector
    }
  }
`;
const testQuery = graphql`
  query ConnectorTestQuery($id: ID!) {
    connector(id: $id) {
      ...ConnectorHeader_connector
      ...TestTab_connector
    }
  }
`;

interface PartProps {
  /** The tab the address names. */
  tab: string;
  /** Whether the loaded query is the one for that tab (not yet, just after picking another tab). */
  ready: boolean;
}

/** The connector page: the header of the loaded query, and its tab once that is the tab asked for. */
export default function ConnectorPage({
  loaded,
  tab,
  version,
}: {
  loaded: LoadedConnector;
  tab: string;
  /** A version shown on its own page (`/connectors/:id/versions/:number`), under the Versions tab. */
  version?: number;
}) {
  const ready = loaded.tab === tab && loaded.version === version;
  const p = { tab, ready };
  switch (loaded.kind) {
    case 'code':
      return <CodePart queryRef={loaded.ref as PreloadedQuery<ConnectorCodeQuery>} {...p} />;
    case 'history':
      return <HistoryPart queryRef={loaded.ref as PreloadedQuery<ConnectorHistoryQuery>} {...p} />;
    case 'version':
      return <VersionPart queryRef={loaded.ref as PreloadedQuery<ConnectorVersionQuery>} {...p} />;
    case 'share':
      return <SharePart queryRef={loaded.ref as PreloadedQuery<ConnectorShareQuery>} {...p} />;
    case 'test':
      return <TestPart queryRef={loaded.ref as PreloadedQuery<ConnectorTestQuery>} {...p} />;
    default:
      return <HeaderPart queryRef={loaded.ref as PreloadedQuery<ConnectorPageQuery>} {...p} />;
  }
}

function Frame({
  connector,
  tab,
  ready,
  children,
}: PartProps & {
  connector: ConnectorHeader_connector$key | null | undefined;
  children?: ReactNode;
}) {
  if (!connector) {
    return (
      <>
        <h1>Connector not found</h1>
        <p>
          It does not exist in your workspace.{' '}
          <Link href="/connectors">Back to the connectors</Link>
        </p>
      </>
    );
  }
  return (
    <ConnectorHeader connector={connector} tab={tab}>
      <Suspense fallback={<p className="loading">Loading…</p>}>
        {ready ? children : <p className="loading">Loading…</p>}
      </Suspense>
    </ConnectorHeader>
  );
}

const pathOf = (id: string) => `/connectors/${encodeURIComponent(id)}`;

function HeaderPart({
  queryRef,
  ...p
}: PartProps & { queryRef: PreloadedQuery<ConnectorPageQuery> }) {
  const { connector: c } = usePreloadedQuery<ConnectorPageQuery>(pageQuery, queryRef);
  return <Frame connector={c} {...p} />;
}

function CodePart({
  queryRef,
  ...p
}: PartProps & { queryRef: PreloadedQuery<ConnectorCodeQuery> }) {
  const { connector: c } = usePreloadedQuery<ConnectorCodeQuery>(codeQuery, queryRef);
  return (
    <Frame connector={c} {...p}>
      {c && <CodeTab connector={c} />}
    </Frame>
  );
}

function HistoryPart({
  queryRef,
  ...p
}: PartProps & { queryRef: PreloadedQuery<ConnectorHistoryQuery> }) {
  const { connector: c } = usePreloadedQuery<ConnectorHistoryQuery>(historyQuery, queryRef);
  return (
    <Frame connector={c} {...p}>
      {c && <HistoryTab connector={c} />}
    </Frame>
  );
}

function VersionPart({
  queryRef,
  ...p
}: PartProps & { queryRef: PreloadedQuery<ConnectorVersionQuery> }) {
  const { connector: c } = usePreloadedQuery<ConnectorVersionQuery>(versionQuery, queryRef);
  return (
    <Frame connector={c} {...p}>
      {c && (
        <VersionView
          connector={c}
          number={queryRef.variables.number}
          connectorPath={pathOf(queryRef.variables.id)}
        />
      )}
    </Frame>
  );
}

function SharePart({
  queryRef,
  ...p
}: PartProps & { queryRef: PreloadedQuery<ConnectorShareQuery> }) {
  const { connector: c } = usePreloadedQuery<ConnectorShareQuery>(shareQuery, queryRef);
  return (
    <Frame connector={c} {...p}>
      {c && <ShareTab connector={c} />}
    </Frame>
  );
}

function TestPart({
  queryRef,
  ...p
}: PartProps & { queryRef: PreloadedQuery<ConnectorTestQuery> }) {
  const { connector: c } = usePreloadedQuery<ConnectorTestQuery>(testQuery, queryRef);
  return (
    <Frame connector={c} {...p}>
      {c && <TestTab connector={c} connectorPath={pathOf(queryRef.variables.id)} />}
    </Frame>
  );
}
