import { useState, useTransition } from 'react';
import {
  ConnectionHandler,
  graphql,
  type PreloadedQuery,
  usePaginationFragment,
  usePreloadedQuery,
  useRelayEnvironment,
} from 'react-relay';
import type { ReviewPage_queue$key } from '../__generated__/ReviewPage_queue.graphql';
import type { ReviewDecision } from '../__generated__/ReviewListingMutation.graphql';
import type { ReviewPageQuery } from '../__generated__/ReviewPageQuery.graphql';
import type { ListingStatus } from '../__generated__/ReviewPagePaginationQuery.graphql';
import { Link } from 'wouter';
import { LoadMore } from '../components/LoadMore';
import { refreshReviewCount } from '../components/ReviewCount';
import { Outcome, useOutcome } from '../components/Outcome';
import { counted, when } from '../format';
import { useReviewListing } from '../mutations/ReviewListingMutation';
import { REVIEW_PAGE as PAGE } from '../page-sizes';

/** What a reviewer may decide on a listing in each status. */
const DECISIONS: {
  decision: ReviewDecision;
  label: string;
  className: string;
  offered: (status: ListingStatus) => boolean;
}[] = [
  { decision: 'APPROVE', label: 'Approve', className: 'primary', offered: (s) => s !== 'APPROVED' },
  { decision: 'REJECT', label: 'Reject', className: 'danger', offered: (s) => s === 'PENDING' },
  { decision: 'DISABLE', label: 'Disable', className: 'danger', offered: (s) => s === 'APPROVED' },
];

/** The review queue, first page loaded by its route (App.tsx; reviewers only). */
export default function ReviewPage({ queryRef }: { queryRef: PreloadedQuery<ReviewPageQuery> }) {
  const query: ReviewPage_queue$key = usePreloadedQuery<ReviewPageQuery>(
    graphql`
      query ReviewPageQuery($count: Int!) {
        ...ReviewPage_queue @arguments(count: $count)
      }
    `,
    queryRef,
  );
  return <Queue query={query} />;
}

function Queue({ query }: { query: ReviewPage_queue$key }) {
  const { data, refetch, ...pages } = usePaginationFragment(
    graphql`
      fragment ReviewPage_queue on Query
      @refetchable(queryName: "ReviewPagePaginationQuery")
      @argumentDefinitions(status: { type: "ListingStatus", defaultValue: PENDING }, count: { type: "Int!" }, cursor: { type: "String" }) {
        listingsForReview(status: $status, first: $count, after: $cursor) @connection(key: "ReviewPage_listingsForReview") {
          __id
          totalCount
          edges {
            node {
              id
              status
              appName
              categories
              reviewReason
              createdAt
              connector {
                title
                description
                publisher {
                  name
                }
                latestSharedVersion {
                  number
                  actions
                  triggers
                }
              }
            }
          }
        }
      }
    `,
    query,
  );
  const [status, setStatus] = useState<ListingStatus>('PENDING');
  const [pending, startTransition] = useTransition();
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const outcome = useOutcome();
  const environment = useRelayEnvironment();
  const [decide, deciding] = useReviewListing();
  const queue = data.listingsForReview;
  const act = (id: string, decision: ReviewDecision, title: string) =>
    outcome.run(
      decide,
      { input: { id, decision, reason: reasons[id] || null } },
      (r) => r.reviewListing,
      (r) => {
        // The header's count of pending listings follows.
        refreshReviewCount(environment);
        return r.listing ? `${title}: ${r.listing.status.toLowerCase()}.` : null;
      },
      {
        // A decided listing leaves the list of its former status; the pages already loaded stay.
        updater: (store, response) => {
          if (!response?.reviewListing.listing) return;
          const connection = store.get(queue.__id);
          if (!connection) return;
          ConnectionHandler.deleteNode(connection, id);
          connection.setValue(
            Math.max(0, ((connection.getValue('totalCount') as number) ?? 1) - 1),
            'totalCount',
          );
        },
      },
    );
  return (
    <section aria-labelledby="review-title">
      <div className="page-head">
        <h1 id="review-title">Review queue</h1>
        <label htmlFor="review-status">Show</label>
        <select
          id="review-status"
          value={status}
          onChange={(e) => {
            const next = e.target.value as ListingStatus;
            setStatus(next);
            startTransition(
              () => void refetch({ status: next, count: PAGE }, { fetchPolicy: 'network-only' }),
            );
          }}
        >
          <option value="PENDING">Pending</option>
          <option value="APPROVED">Approved</option>
          <option value="REJECTED">Rejected</option>
          <option value="DISABLED">Disabled</option>
        </select>
        <span role="status" className="muted">
          {pending ? 'Loading…' : counted(queue.totalCount, 'listing')}
        </span>
      </div>
      <Outcome {...outcome} />
      {queue.edges.length === 0 && <p>Nothing to review.</p>}
      {queue.edges.map(({ node: l }) => (
        <div className="panel" key={l.id} role="region" aria-label={`Listing ${l.connector.title}`}>
          <h2>
            <Link href={`/library/${encodeURIComponent(l.id)}`}>{l.connector.title}</Link>
          </h2>
          <p className="muted">
            by {l.connector.publisher.name} · app {l.appName} ·{' '}
            {l.categories.join(', ') || 'no categories'} · submitted {when(l.createdAt)} ·{' '}
            {l.status.toLowerCase()}
          </p>
          {l.connector.latestSharedVersion && (
            <p>
              Version {l.connector.latestSharedVersion.number}: actions{' '}
              {l.connector.latestSharedVersion.actions.join(', ') || 'none'}; triggers{' '}
              {l.connector.latestSharedVersion.triggers.join(', ') || 'none'}
            </p>
          )}
          {l.reviewReason && <p>Reason given: {l.reviewReason}</p>}
          <p>
            <Link href={`/library/${encodeURIComponent(l.id)}`}>
              Open the listing: description, code and versions
            </Link>
          </p>
          <div className="row">
            <label htmlFor={`reason-${l.id}`}>Reason</label>
            <input
              id={`reason-${l.id}`}
              value={reasons[l.id] ?? ''}
              onChange={(e) => setReasons({ ...reasons, [l.id]: e.target.value })}
            />
            {DECISIONS.filter((d) => d.offered(l.status)).map((d) => (
              <button
                key={d.decision}
                type="button"
                className={d.className}
                disabled={deciding}
                onClick={() => act(l.id, d.decision, l.connector.title)}
              >
                {d.label}
              </button>
            ))}
          </div>
        </div>
      ))}
      <LoadMore pages={pages} size={PAGE} of={queue} what="listings" />
    </section>
  );
}
