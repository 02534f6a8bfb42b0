import { graphql, useMutation } from 'react-relay';
import type { ReviewListingMutation } from '../__generated__/ReviewListingMutation.graphql';

/** Approves, rejects or disables a listing: answers with its status and the reason given. */
export function useReviewListing() {
  return useMutation<ReviewListingMutation>(graphql`
    mutation ReviewListingMutation($input: ReviewListingInput!) {
      reviewListing(input: $input) {
        __typename
        listing {
          id
          status
          reviewReason
        }
        userErrors { ...UserErrors_error @relay(mask: false) }
      }
    }
  `);
}
