import { graphql, useMutation } from 'react-relay';
import type { RemoveWebhookMutation } from '../__generated__/RemoveWebhookMutation.graphql';

/** Removes a webhook: answers with its id, which leaves the lists named in `connections`. */
export function useRemoveWebhook() {
  return useMutation<RemoveWebhookMutation>(graphql`
    mutation RemoveWebhookMutation($input: RemoveWebhookInput!, $connections: [ID!]!) {
      removeWebhook(input: $input) {
        __typename
        deletedWebhookId @deleteEdge(connections: $connections)
        userErrors { ...UserErrors_error @relay(mask: false) }
      }
    }
  `);
}
