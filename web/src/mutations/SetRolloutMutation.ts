import { graphql, useMutation } from 'react-relay';
import type { SetRolloutMutation } from '../__generated__/SetRolloutMutation.graphql';

/** Widens or narrows a staged rollout: answers with the rollout it set. */
export function useSetRollout() {
  return useMutation<SetRolloutMutation>(graphql`
    mutation SetRolloutMutation($input: SetRolloutInput!) {
      setRollout(input: $input) {
        connector {
          id
          ...ShareSection_connector
        }
        userErrors {
          ...UserErrors_error @relay(mask: false)
        }
      }
    }
  `);
}
