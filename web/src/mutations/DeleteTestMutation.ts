import { graphql, useMutation } from 'react-relay';
import type { DeleteTestMutation } from '../__generated__/DeleteTestMutation.graphql';

/** Deletes a test case and its results: answers with its id. */
export function useDeleteTest() {
  return useMutation<DeleteTestMutation>(graphql`
    mutation DeleteTestMutation($input: DeleteConnectorTestInput!) {
      deleteConnectorTest(input: $input) {
        deletedTestId
        userErrors {
          ...UserErrors_error @relay(mask: false)
        }
      }
    }
  `);
}
