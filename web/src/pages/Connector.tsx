import { type ReactNode, Suspense } from 'react';
import { graphql, type PreloadedQuery, usePreloadedQuery } from 'react-relay';
import type { GraphQLTaggedNode, OperationType } from 'relay-runtime';
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
  const p = { tab, ready: loaded.tab === tab && loaded.version === version, queryRef: loaded.ref };
  switch (loaded.kind) {
    case 'code':
      return (
        <Part<ConnectorCodeQuery> query={codeQuery} {...p}>
          {(c) => <CodeTab connector={c} />}
        </Part>
      );
    case 'history':
      return (
        <Part<ConnectorHistoryQuery> query={historyQuery} {...p}>
          {(c) => <HistoryTab connector={c} />}
        </Part>
      );
    case 'version':
      return (
        <Part<ConnectorVersionQuery> query={versionQuery} {...p}>
          {(c, v) => <VersionView connector={c} number={v.number} connectorPath={pathOf(v.id)} />}
        </Part>
      );
    case 'share':
      return (
        <Part<ConnectorShareQuery> query={shareQuery} {...p}>
          {(c) => <ShareTab connector={c} />}
        </Part>
      );
    case 'test':
      return (
        <Part<ConnectorTestQuery> query={testQuery} {...p}>
          {(c, v) => <TestTab connector={c} connectorPath={pathOf(v.id)} />}
        </Part>
      );
    default:
      return <Part<ConnectorPageQuery> query={pageQuery} {...p} />;
  }
}

/** A query of this page: its connector, which spreads the header's fragment (and a tab's). */
type PageQuery = OperationType & {
  response: { readonly connector: (ConnectorHeader_connector$key & object) | null | undefined };
};

/** The loaded query's connector in its frame, and the tab `children` draws from it. */
function Part<Q extends PageQuery>({
  query,
  queryRef,
  children,
  ...p
}: PartProps & {
  query: GraphQLTaggedNode;
  queryRef: PreloadedQuery<OperationType>;
  children?: (
    connector: NonNullable<Q['response']['connector']>,
    variables: Q['variables'],
  ) => ReactNode;
}) {
  const ref = queryRef as PreloadedQuery<Q>;
  const { connector } = usePreloadedQuery<Q>(query, ref);
  return (
    <Frame connector={connector} {...p}>
      {connector && children?.(connector, ref.variables)}
    </Frame>
  );
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
