import { graphql, useMutation } from 'react-relay';
import type { DeprecateVersionMutation } from '../__generated__/DeprecateVersionMutation.graphql';

/** Deprecates a shared version with a message: answers with the shared versions. */
export function useDeprecateVersion() {
  return useMutation<DeprecateVersionMutation>(graphql`
    mutation DeprecateVersionMutation($input: DeprecateVersionInput!) {
      deprecateVersion(input: $input) {
        connector {
          id
          ...SharedVersions_connector
        }
        userErrors {
          ...UserErrors_error @relay(mask: false)
        }
      }
    }
  `);
}
