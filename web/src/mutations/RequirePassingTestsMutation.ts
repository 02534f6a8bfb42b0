import { graphql, useMutation } from 'react-relay';
import type { RequirePassingTestsMutation } from '../__generated__/RequirePassingTestsMutation.graphql';

/** Sets whether release and share wait for every test to pass: answers with the setting. */
export function useRequirePassingTests() {
  return useMutation<RequirePassingTestsMutation>(graphql`
    mutation RequirePassingTestsMutation($input: UpdateConnectorInput!) {
      updateConnector(input: $input) {
        connector {
          id
          requirePassingTests
        }
        userErrors {
          ...UserErrors_error @relay(mask: false)
        }
      }
    }
  `);
}
