import { graphql, useMutation } from 'react-relay';
import type { MarkNotificationsReadMutation } from '../__generated__/MarkNotificationsReadMutation.graphql';

/** Marks notifications read: answers with each as it is now (`readAt` set), so the list updates. */
export function useMarkNotificationsRead() {
  return useMutation<MarkNotificationsReadMutation>(graphql`
    mutation MarkNotificationsReadMutation($input: MarkNotificationsReadInput!) {
      markNotificationsRead(input: $input) {
        __typename
        marked
        notifications {
          id
          readAt
        }
        userErrors { ...UserErrors_error @relay(mask: false) }
      }
    }
  `);
}
