import { graphql, useMutation } from 'react-relay';
import type { CreateTestMutation } from '../__generated__/CreateTestMutation.graphql';

/** Saves a run as a test case: answers with the test. */
export function useCreateTest() {
  return useMutation<CreateTestMutation>(graphql`
    mutation CreateTestMutation($input: CreateConnectorTestInput!) {
      createConnectorTest(input: $input) {
        test {
          id
          name
          exchangeCount
        }
        userErrors {
          ...UserErrors_error @relay(mask: false)
        }
      }
    }
  `);
}
