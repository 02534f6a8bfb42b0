import { Suspense } from 'react';
import { graphql, useLazyLoadQuery } from 'react-relay';
import { Link } from 'wouter';
import type { ConnectorPageQuery } from '../__generated__/ConnectorPageQuery.graphql';
import { Logo } from '../components/Logo';
import { useViewer } from '../viewer';
import { CodeTab } from './connector/CodeTab';
import { EditDetails } from './connector/EditDetails';
import { HistoryTab } from './connector/HistoryTab';
import { InstalledBanner } from './connector/InstalledBanner';
import { ShareTab } from './connector/ShareTab';
import { TestTab } from './connector/TestTab';
import { VersionView } from './connector/VersionView';

const TABS = [
  ['code', 'Code'],
  ['history', 'Versions'],
  ['share', 'Share'],
  ['test', 'Test'],
] as const;

export default function ConnectorPage({
  id,
  tab,
  version,
}: {
  id: string;
  tab: string;
  /** A version shown on its own page (`/connectors/:id/versions/:number`), under the Versions tab. */
  version?: number;
}) {
  const viewer = useViewer();
  const data = useLazyLoadQuery<ConnectorPageQuery>(
    graphql`
      query ConnectorPageQuery($id: ID!) {
        connector(id: $id) {
          id
          title
          name
          logoUrl
          latestVersion
          latestReleasedVersion
          latestSharedVersion
          installedFrom {
            source
          }
          ...InstalledBanner_connector
          ...EditDetails_connector
        }
      }
    `,
    { id },
    { fetchPolicy: 'store-and-network' },
  );
  const c = data.connector;
  if (!c) {
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
  const base = `/connectors/${encodeURIComponent(c.id)}`;
  return (
    <article aria-labelledby="connector-title">
      <div className="page-head">
        <Logo url={c.logoUrl} title={c.title} size={48} />
        <h1 id="connector-title">{c.title}</h1>
      </div>
      <p className="muted small">
        {c.name} · latest v{c.latestVersion} · released{' '}
        {c.latestReleasedVersion != null ? `v${c.latestReleasedVersion}` : 'none'} · shared{' '}
        {c.latestSharedVersion != null ? `v${c.latestSharedVersion}` : 'none'}
      </p>
      {viewer.canWrite && <EditDetails connector={c} />}
      {c.installedFrom && <InstalledBanner connector={c} />}
      <nav className="tabs" aria-label="Connector sections">
        {TABS.filter(([key]) => key !== 'test' || viewer.canWrite).map(([key, label]) => (
          <Link
            key={key}
            href={key === 'code' ? base : `${base}/${key}`}
            aria-current={tab === key ? 'page' : undefined}
          >
            {label}
          </Link>
        ))}
      </nav>
      <Suspense fallback={<p className="loading">Loading…</p>}>
        {tab === 'code' && <CodeTab id={c.id} />}
        {tab === 'history' &&
          (version != null ? (
            <VersionView id={c.id} number={version} connectorPath={base} />
          ) : (
            <HistoryTab id={c.id} />
          ))}
        {tab === 'share' && <ShareTab id={c.id} canWrite={viewer.canWrite} />}
        {tab === 'test' && viewer.canWrite && <TestTab id={c.id} connectorPath={base} />}
      </Suspense>
    </article>
  );
}
