import { graphql, type PreloadedQuery, usePreloadedQuery } from 'react-relay';
import type { LinkInstallQuery } from '../__generated__/LinkInstallQuery.graphql';
import { SharedConnectorView } from '../components/SharedConnectorView';
import { InstallButton } from '../components/InstallButton';
import { useViewer } from '../viewer';

const LINK_REFUSED: Record<string, string> = {
  LINK_EXPIRED: 'This link has expired: ask the publisher for a new one.',
  LINK_EXHAUSTED:
    'This link has been used for as many installs as it allows: ask the publisher for a new one.',
};

/**
 * A private share link opened in the console: what it shares, and Install. The secret stays in the
 * URL fragment; the route reads it (link-hash.ts) and loads this query with it (App.tsx).
 */
export default function LinkInstallPage({
  queryRef,
}: {
  queryRef: PreloadedQuery<LinkInstallQuery>;
}) {
  const viewer = useViewer();
  const { token } = queryRef.variables;
  const data = usePreloadedQuery<LinkInstallQuery>(
    graphql`
      query LinkInstallQuery($token: String!) {
        sharedConnector(token: $token) @catch(to: RESULT) {
          ...SharedConnectorView_connector
        }
      }
    `,
    queryRef,
  );
  const shared = data.sharedConnector;
  // An expired or used-up link is a field error (its code in extensions): say which, in words.
  if (!shared.ok) {
    const code = (shared.errors[0] as { extensions?: { code?: string } } | undefined)?.extensions
      ?.code;
    return (
      <p className="error-box">{LINK_REFUSED[code ?? ''] ?? 'This link cannot be used now.'}</p>
    );
  }
  if (!shared.value) return <p className="error-box">This link is unknown or was revoked.</p>;
  return (
    <article>
      <SharedConnectorView connector={shared.value} canLoadMore={false} />
      {viewer.canWrite ? (
        <InstallButton
          key={token}
          input={{ linkToken: token }}
          label={`Install into ${viewer.workspace?.name}`}
        />
      ) : (
        <p className="muted">Your role cannot install connectors.</p>
      )}
    </article>
  );
}
