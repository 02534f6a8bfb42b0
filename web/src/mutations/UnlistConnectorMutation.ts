import { graphql, useMutation } from 'react-relay';
import type { UnlistConnectorMutation } from '../__generated__/UnlistConnectorMutation.graphql';

/** Takes the connector out of the community library: answers with the connector, now unlisted. */
export function useUnlistConnector() {
  return useMutation<UnlistConnectorMutation>(graphql`
    mutation UnlistConnectorMutation($input: UnlistConnectorInput!) {
      unlistConnector(input: $input) {
        connector {
          id
          ...ListingSection_connector
        }
        userErrors {
          ...UserErrors_error @relay(mask: false)
        }
      }
    }
  `);
}
