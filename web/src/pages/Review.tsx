import { useState } from 'react';
import { graphql, useLazyLoadQuery, useMutation } from 'react-relay';
import type { ReviewPageQuery, ListingStatus } from '../__generated__/ReviewPageQuery.graphql';
import type { ReviewPageDecideMutation, ReviewDecision } from '../__generated__/ReviewPageDecideMutation.graphql';
import { UserErrors, type UserError } from '../components/UserErrors';
import { refusal, when } from '../format';
import { useViewer } from '../viewer';

export default function ReviewPage() {
  const viewer = useViewer();
  const [status, setStatus] = useState<ListingStatus>('PENDING');
  const [fetchKey, setFetchKey] = useState(0);
  const data = useLazyLoadQuery<ReviewPageQuery>(
    graphql`
      query ReviewPageQuery($status: ListingStatus!) {
        listingsForReview(first: 50, status: $status) {
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
    { status },
    { fetchPolicy: 'network-only', fetchKey },
  );
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<UserError[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [decide, deciding] = useMutation<ReviewPageDecideMutation>(graphql`
    mutation ReviewPageDecideMutation($input: ReviewListingInput!) {
      reviewListing(input: $input) {
        __typename
        listing {
            id
            status
            reviewReason
          }
        
        userErrors { code message field detail latestVersion }
      }
    }
  `);
  if (!viewer.canReview) return <p>Only platform reviewers review listings.</p>;
  const act = (id: string, decision: ReviewDecision, title: string) => {
    setErrors([]);
    setMessage(null);
    decide({
      variables: { input: { id, decision, reason: reasons[id] || null } },
      onCompleted: ({ reviewListing: r }) => {
        const refused = refusal(r);
        if (refused) return setErrors([refused]);
        if (r.listing) setMessage(`${title}: ${r.listing!.status.toLowerCase()}.`);
        setFetchKey((k) => k + 1);
      },
      onError: (e) => setErrors([{ message: e.message }]),
    });
  };
  const edges = data.listingsForReview.edges;
  return (
    <section aria-labelledby="review-title">
      <div className="page-head">
        <h1 id="review-title">Review queue</h1>
        <label htmlFor="review-status">Show</label>
        <select id="review-status" value={status} onChange={(e) => setStatus(e.target.value as ListingStatus)}>
          <option value="PENDING">Pending</option>
          <option value="APPROVED">Approved</option>
          <option value="REJECTED">Rejected</option>
          <option value="DISABLED">Disabled</option>
        </select>
      </div>
      <UserErrors errors={errors} />
      {message && (
        <p role="status" className="ok-box">
          {message}
        </p>
      )}
      {edges.length === 0 && <p>Nothing to review.</p>}
      {edges.map(({ node: l }) => (
        <div className="panel" key={l.id} role="region" aria-label={`Listing ${l.connector.title}`}>
          <h2>{l.connector.title}</h2>
          <p className="muted">
            by {l.connector.publisher.name} · app {l.appName} · {l.categories.join(', ') || 'no categories'} · submitted {when(l.createdAt)} · {l.status.toLowerCase()}
          </p>
          {l.connector.latestSharedVersion && (
            <p>
              Version {l.connector.latestSharedVersion.number}: actions {l.connector.latestSharedVersion.actions.join(', ') || 'none'}; triggers{' '}
              {l.connector.latestSharedVersion.triggers.join(', ') || 'none'}
            </p>
          )}
          {l.reviewReason && <p>Reason given: {l.reviewReason}</p>}
          <div className="row">
            <label htmlFor={`reason-${l.id}`}>Reason</label>
            <input id={`reason-${l.id}`} value={reasons[l.id] ?? ''} onChange={(e) => setReasons({ ...reasons, [l.id]: e.target.value })} />
            {l.status !== 'APPROVED' && (
              <button type="button" className="primary" disabled={deciding} onClick={() => act(l.id, 'APPROVE', l.connector.title)}>
                Approve
              </button>
            )}
            {l.status === 'PENDING' && (
              <button type="button" className="danger" disabled={deciding} onClick={() => act(l.id, 'REJECT', l.connector.title)}>
                Reject
              </button>
            )}
            {l.status === 'APPROVED' && (
              <button type="button" className="danger" disabled={deciding} onClick={() => act(l.id, 'DISABLE', l.connector.title)}>
                Disable
              </button>
            )}
          </div>
        </div>
      ))}
    </section>
  );
}
