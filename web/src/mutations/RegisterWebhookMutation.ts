import { graphql, useMutation } from 'react-relay';
import type { RegisterWebhookMutation } from '../__generated__/RegisterWebhookMutation.graphql';

/** Registers a webhook: answers with its signing secret (shown once) and the new webhook, which
 * joins the end of the lists named in `connections` (the list is oldest first). */
export function useRegisterWebhook() {
  return useMutation<RegisterWebhookMutation>(graphql`
    mutation RegisterWebhookMutation($input: RegisterWebhookInput!, $connections: [ID!]!) {
      registerWebhook(input: $input) {
        __typename
        secret
        targetWarning
        webhookEdge @appendEdge(connections: $connections) {
          cursor
          node {
            id
            ...Webhooks_webhook
          }
        }
        userErrors { ...UserErrors_error @relay(mask: false) }
      }
    }
  `);
}
