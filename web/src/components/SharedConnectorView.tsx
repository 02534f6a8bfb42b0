import { graphql, useFragment } from 'react-relay';
import type { SharedConnectorView_connector$key } from '../__generated__/SharedConnectorView_connector.graphql';
import { counted, when } from '../format';
import { Markdown } from './lazy';
import { Logo } from './Logo';

/** A shared connector as another workspace sees it: the shared version only. */
export function SharedConnectorView({ connector }: { connector: SharedConnectorView_connector$key }) {
  const c = useFragment(
    graphql`
      fragment SharedConnectorView_connector on SharedConnector {
        title
        logoUrl
        description
        totalInstalls
        publisher {
          name
          workspace
          listedConnectors
          totalInstalls
        }
        latestSharedVersion {
          number
          note
          actions
          triggers
          sharedAt
          deprecationMessage
        }
        sharedVersions(first: 10) {
          nodes {
            number
            note
            sharedAt
            yanked
          }
        }
      }
    `,
    connector,
  );
  const v = c.latestSharedVersion;
  return (
    <>
      <div className="page-head">
        <Logo url={c.logoUrl} title={c.title} size={48} />
        <h1>{c.title}</h1>
      </div>
      <p className="muted">
        By {c.publisher.name} ({c.publisher.workspace}: {counted(c.publisher.listedConnectors, 'listed connector')}, {counted(c.publisher.totalInstalls, 'install')}) ·{' '}
        {counted(c.totalInstalls, 'install')} of this connector
      </p>
      {c.description && <Markdown source={c.description} />}
      {v && (
        <>
          <h2>Version {v.number}</h2>
          {v.deprecationMessage && <p className="warn-box">Deprecated: {v.deprecationMessage}</p>}
          <div className="grid2">
            <div>
              <h3>Actions</h3>
              {v.actions.length ? <ul>{v.actions.map((a) => <li key={a}>{a}</li>)}</ul> : <p className="muted">None</p>}
            </div>
            <div>
              <h3>Triggers</h3>
              {v.triggers.length ? <ul>{v.triggers.map((a) => <li key={a}>{a}</li>)}</ul> : <p className="muted">None</p>}
            </div>
          </div>
        </>
      )}
      {c.sharedVersions.nodes.length > 0 && (
        <>
          <h2>Version notes</h2>
          <ul>
            {c.sharedVersions.nodes.map((s) => (
              <li key={s.number}>
                v{s.number} ({when(s.sharedAt)}){s.yanked ? ' — yanked' : ''}: {s.note ?? '—'}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
