import type { ReactNode } from 'react';
import { graphql, useFragment } from 'react-relay';
import { Link } from 'wouter';
import type { ConnectorHeader_connector$key } from '../../__generated__/ConnectorHeader_connector.graphql';
import { Logo } from '../../components/Logo';
import { useViewer } from '../../viewer';
import { EditDetails } from './EditDetails';
import { InstalledBanner } from './InstalledBanner';

const TABS = [
  ['code', 'Code'],
  ['history', 'Versions'],
  ['share', 'Share'],
  ['test', 'Test'],
] as const;

/** The connector page around its tabs: title, versions, details, the installed copy's banner, the tabs. */
export function ConnectorHeader({
  connector,
  tab,
  children,
}: {
  connector: ConnectorHeader_connector$key;
  /** The tab the address names (marked current at once, before its data has arrived). */
  tab: string;
  children: ReactNode;
}) {
  const viewer = useViewer();
  const c = useFragment(
    graphql`
      fragment ConnectorHeader_connector on Connector {
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
    `,
    connector,
  );
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
      {children}
    </article>
  );
}
