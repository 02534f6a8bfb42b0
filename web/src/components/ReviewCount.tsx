import { fetchQuery, graphql, useLazyLoadQuery } from 'react-relay';
import type { Environment } from 'relay-runtime';
import type { ReviewCountQuery } from '../__generated__/ReviewCountQuery.graphql';
import { NavLink } from './NavLink';

const countQuery = graphql`
  query ReviewCountQuery {
    pending: listingsForReview(status: PENDING, first: 1) {
      totalCount
    }
  }
`;

/** Reads the pending count again after a decision, so the header follows at once. */
export function refreshReviewCount(environment: Environment): void {
  fetchQuery<ReviewCountQuery>(
    environment,
    countQuery,
    {},
    { fetchPolicy: 'network-only' },
  ).subscribe({});
}

/** The reviewers' nav item, with how many listings wait for review. */
export function ReviewQueueLink() {
  const data = useLazyLoadQuery<ReviewCountQuery>(
    countQuery,
    {},
    // Read with the first screen (load-ahead.ts), before the shell rendered: the store has it.
    { fetchPolicy: 'store-or-network' },
  );
  const count = data.pending.totalCount;
  return (
    <NavLink href="/review" label={`Review queue, ${count} pending`}>
      Review queue{' '}
      {count > 0 && (
        <span className="badge" aria-hidden="true">
          {count}
        </span>
      )}
    </NavLink>
  );
}
