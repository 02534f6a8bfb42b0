import { graphql, useMutation } from 'react-relay';
import type { RollbackRolloutMutation } from '../__generated__/RollbackRolloutMutation.graphql';

/** Stops a staged rollout: answers with the share it leaves and the shared versions. */
export function useRollbackRollout() {
  return useMutation<RollbackRolloutMutation>(graphql`
    mutation RollbackRolloutMutation($input: RollbackRolloutInput!) {
      rollbackRollout(input: $input) {
        connector {
          id
          latestSharedVersion
          ...ShareSection_connector
          ...SharedVersions_connector
        }
        userErrors {
          ...UserErrors_error @relay(mask: false)
        }
      }
    }
  `);
}
