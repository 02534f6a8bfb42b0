import { useState } from 'react';
import { graphql, useLazyLoadQuery } from 'react-relay';
import type { LinkInstallQuery } from '../__generated__/LinkInstallQuery.graphql';
import { SharedConnectorView } from '../components/SharedConnectorView';
import { InstallButton } from '../components/InstallButton';
import { useViewer } from '../viewer';

/** A private share link opened in the console: what it shares, and Install. The secret stays in the URL fragment. */
export default function LinkInstallPage() {
  const viewer = useViewer();
  const [token] = useState(() => new URLSearchParams(location.hash.slice(1)).get('link') ?? '');
  const data = useLazyLoadQuery<LinkInstallQuery>(
    graphql`
      query LinkInstallQuery($token: String!) {
        sharedConnector(token: $token) {
          ...SharedConnectorView_connector
        }
      }
    `,
    { token },
  );
  if (!data.sharedConnector) return <p className="error-box">This link is unknown or was revoked.</p>;
  return (
    <article>
      <SharedConnectorView connector={data.sharedConnector} canLoadMore={false} />
      {viewer.canWrite ? (
        <InstallButton input={{ linkToken: token }} label={`Install into ${viewer.workspace?.name}`} />
      ) : (
        <p className="muted">Your role cannot install connectors.</p>
      )}
    </article>
  );
}
