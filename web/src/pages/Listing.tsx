import { graphql, type PreloadedQuery, usePreloadedQuery } from 'react-relay';
import { Link } from 'wouter';
import type { ListingPageQuery } from '../__generated__/ListingPageQuery.graphql';
import { SharedConnectorView } from '../components/SharedConnectorView';
import { InstallButton } from '../components/InstallButton';
import { CodeEditor } from '../components/lazy';
import { useViewer } from '../viewer';

const STATUS_WORDS: Record<string, string> = {
  PENDING: 'waiting for review.',
  REJECTED: 'rejected.',
  DISABLED: 'disabled (taken out of the library).',
};

/** A listing's page, its query loaded by its route (App.tsx). */
export default function ListingPage({ queryRef }: { queryRef: PreloadedQuery<ListingPageQuery> }) {
  const viewer = useViewer();
  const data = usePreloadedQuery<ListingPageQuery>(
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
            reviewReason
            connector {
              ...SharedConnectorView_connector
              latestSharedVersion {
                number
                sourceVisible
                code
              }
              yourCopy {
                id
                title
              }
            }
          }
        }
      }
    `,
    queryRef,
  );
  const l = data.node;
  if (!l || !l.connector) return <p>This listing is not in the library.</p>;
  const v = l.connector.latestSharedVersion;
  return (
    <article>
      {l.status !== 'APPROVED' && (
        // Reviewers (and the publisher) open listings that are not in the library yet.
        <p className="warn-box" data-testid="listing-review-status">
          Not in the library: this listing is {STATUS_WORDS[l.status ?? ''] ?? l.status}
          {l.reviewReason ? ` Reason given: “${l.reviewReason}”.` : ''}
          {viewer.canReview && (
            <>
              {' '}
              <Link href="/review">Back to the review queue</Link>
            </>
          )}
        </p>
      )}
      <SharedConnectorView connector={l.connector} canLoadMore />
      {v?.sourceVisible && v.code != null && (
        <section aria-labelledby="listing-code">
          <h2 id="listing-code">Code of version {v.number}</h2>
          <CodeEditor value={v.code} readOnly label={`Code of version ${v.number}`} />
        </section>
      )}
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
      ) : viewer.canWrite && l.status === 'APPROVED' ? (
        <InstallButton input={{ listingId: l.id }} label="Install" />
      ) : null}
    </article>
  );
}
