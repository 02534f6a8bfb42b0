import { graphql, useMutation } from 'react-relay';
import type { RunTestsMutation } from '../__generated__/RunTestsMutation.graphql';

/** Replays a connector's tests against a version: answers with the results started (pending). They end
 * on the executor, so the views that show them read them again as runs end. */
export function useRunTests() {
  return useMutation<RunTestsMutation>(graphql`
    mutation RunTestsMutation($input: RunConnectorTestsInput!) {
      runConnectorTests(input: $input) {
        results {
          id
          status
        }
        userErrors {
          ...UserErrors_error @relay(mask: false)
        }
      }
    }
  `);
}
