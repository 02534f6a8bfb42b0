import { graphql, useMutation } from 'react-relay';
import type { RevokeShareLinkMutation } from '../__generated__/RevokeShareLinkMutation.graphql';

/** Revokes the private link: answers with the connector, now without a link. */
export function useRevokeShareLink() {
  return useMutation<RevokeShareLinkMutation>(graphql`
    mutation RevokeShareLinkMutation($input: RevokeShareLinkInput!) {
      revokeShareLink(input: $input) {
        revoked
        connector {
          id
          ...LinkSection_connector
        }
        userErrors {
          ...UserErrors_error @relay(mask: false)
        }
      }
    }
  `);
}
