import { graphql, useLazyLoadQuery } from 'react-relay';
import { Link } from 'wouter';
import type { ListingPageQuery } from '../__generated__/ListingPageQuery.graphql';
import { SharedConnectorView } from '../components/SharedConnectorView';
import { InstallButton } from '../components/InstallButton';
import { useViewer } from '../viewer';

export default function ListingPage({ id }: { id: string }) {
  const viewer = useViewer();
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
              yourCopy {
                id
                title
              }
            }
          }
        }
      }
    `,
    { id },
  );
  const l = data.node;
  if (!l || !l.connector) return <p>This listing is not in the library.</p>;
  return (
    <article>
      <SharedConnectorView connector={l.connector} canLoadMore />
      <p>
        App: {l.appName}
        {(l.categories?.length ?? 0) > 0 && ` · Categories: ${l.categories!.join(', ')}`}
      </p>
      {l.preventDirectInstall ? (
        l.landingPageUrl ? (
          <a className="button primary" href={l.landingPageUrl} rel="noopener noreferrer">
            Get it from the publisher
          </a>
        ) : (
          <p>The publisher does not allow direct installs.</p>
        )
      ) : l.connector.yourCopy ? (
        // Installing again would make a second, identical copy: point to the one there is.
        <p className="ok-box">
          Installed in your workspace as{' '}
          <Link href={`/connectors/${encodeURIComponent(l.connector.yourCopy.id)}`}>
            {l.connector.yourCopy.title}
          </Link>
          .
        </p>
      ) : viewer.canWrite ? (
        <InstallButton input={{ listingId: l.id }} label="Install" />
      ) : null}
    </article>
  );
}
