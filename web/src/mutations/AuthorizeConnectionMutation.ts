import { graphql, useMutation } from 'react-relay';
import type { AuthorizeConnectionMutation } from '../__generated__/AuthorizeConnectionMutation.graphql';

/** Starts an OAuth2 authorization of a connection: answers with where to send the browser. */
export function useAuthorizeConnection() {
  return useMutation<AuthorizeConnectionMutation>(graphql`
    mutation AuthorizeConnectionMutation($input: AuthorizeConnectionInput!) {
      authorizeConnection(input: $input) {
        authorizationUrl
        cookie {
          name
          value
          path
          maxAgeSeconds
        }
        userErrors {
          ...UserErrors_error @relay(mask: false)
        }
      }
    }
  `);
}
