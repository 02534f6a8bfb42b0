import { useState } from 'react';
import { graphql, useLazyLoadQuery, useMutation } from 'react-relay';
import { useLocation } from 'wouter';
import type { LinkInstallMutation } from '../__generated__/LinkInstallMutation.graphql';
import type { ListingPageQuery } from '../__generated__/ListingPageQuery.graphql';
import { SharedConnectorView } from '../components/SharedConnectorView';
import { UserErrors, type UserError } from '../components/UserErrors';
import { refusal } from '../format';
import { useViewer } from '../viewer';
import { installMutation } from './LinkInstall';

export default function ListingPage({ id }: { id: string }) {
  const viewer = useViewer();
  const [, navigate] = useLocation();
  const data = useLazyLoadQuery<ListingPageQuery>(
    graphql`
      query ListingPageQuery($id: ID!) {
        node(id: $id) {
          ... on Listing {
            id
            appName
            categories
            status
            preventDirectInstall
            landingPageUrl
            connector {
              ...SharedConnectorView_connector
            }
          }
        }
      }
    `,
    { id },
  );
  const [errors, setErrors] = useState<UserError[]>([]);
  const [install, installing] = useMutation<LinkInstallMutation>(installMutation);
  const l = data.node;
  if (!l || !l.connector) return <p>This listing is not in the library.</p>;
  return (
    <article>
      <SharedConnectorView connector={l.connector} canLoadMore />
      <p>
        App: {l.appName}
        {(l.categories?.length ?? 0) > 0 && ` · Categories: ${l.categories!.join(', ')}`}
      </p>
      <UserErrors errors={errors} />
      {l.preventDirectInstall ? (
        l.landingPageUrl ? (
          <a className="button primary" href={l.landingPageUrl} rel="noopener noreferrer">
            Get it from the publisher
          </a>
        ) : (
          <p>The publisher does not allow direct installs.</p>
        )
      ) : viewer.canWrite ? (
        <button
          type="button"
          className="primary"
          disabled={installing}
          onClick={() =>
            install({
              variables: { input: { listingId: l.id } },
              onCompleted: ({ installConnector: r }) => {
                const refused = refusal(r);
                if (refused) return setErrors([refused]);
                if (r.connector) navigate(`/connectors/${encodeURIComponent(r.connector!.id)}`);
              },
              onError: (e) => setErrors([{ message: e.message }]),
            })
          }
        >
          Install
        </button>
      ) : null}
    </article>
  );
}
