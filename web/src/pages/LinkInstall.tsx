import { useState } from 'react';
import { graphql, useLazyLoadQuery, useMutation } from 'react-relay';
import { useLocation } from 'wouter';
import type { LinkInstallMutation } from '../__generated__/LinkInstallMutation.graphql';
import type { LinkInstallQuery } from '../__generated__/LinkInstallQuery.graphql';
import { SharedConnectorView } from '../components/SharedConnectorView';
import { UserErrors, type UserError } from '../components/UserErrors';
import { refusal } from '../format';
import { useViewer } from '../viewer';

export const installMutation = graphql`
  mutation LinkInstallMutation($input: InstallConnectorInput!) {
    installConnector(input: $input) {
      __typename
      connector {
          id
          title
        }
      
      userErrors { code message field detail latestVersion }
    }
  }
`;

/** A private share link opened in the console: what it shares, and Install. The secret stays in the URL fragment. */
export default function LinkInstallPage() {
  const viewer = useViewer();
  const [, navigate] = useLocation();
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
  const [errors, setErrors] = useState<UserError[]>([]);
  const [install, installing] = useMutation<LinkInstallMutation>(installMutation);
  if (!data.sharedConnector) return <p className="error-box">This link is unknown or was revoked.</p>;
  return (
    <article>
      <SharedConnectorView connector={data.sharedConnector} canLoadMore={false} />
      <UserErrors errors={errors} />
      {viewer.canWrite ? (
        <button
          type="button"
          className="primary"
          disabled={installing}
          onClick={() =>
            install({
              variables: { input: { linkToken: token } },
              onCompleted: ({ installConnector: r }) => {
                const refused = refusal(r);
                if (refused) return setErrors([refused]);
                if (r.connector) navigate(`/connectors/${encodeURIComponent(r.connector!.id)}`);
              },
              onError: (e) => setErrors([{ message: e.message }]),
            })
          }
        >
          Install into {viewer.workspace?.name}
        </button>
      ) : (
        <p className="muted">Your role cannot install connectors.</p>
      )}
    </article>
  );
}
