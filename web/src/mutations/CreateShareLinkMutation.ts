import { graphql, useMutation } from 'react-relay';
import type { CreateShareLinkMutation } from '../__generated__/CreateShareLinkMutation.graphql';

/** Creates the private link (the previous one stops working): answers with its token, shown once,
 * and the link as the Share tab shows it. */
export function useCreateShareLink() {
  return useMutation<CreateShareLinkMutation>(graphql`
    mutation CreateShareLinkMutation($input: CreateShareLinkInput!) {
      createShareLink(input: $input) {
        token
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
