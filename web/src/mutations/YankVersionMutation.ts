import { graphql, useMutation } from 'react-relay';
import type { YankVersionMutation } from '../__generated__/YankVersionMutation.graphql';

/** Yanks a shared version (or takes the yank back): answers with the shared versions and what a
 * share would offer now. */
export function useYankVersion() {
  return useMutation<YankVersionMutation>(graphql`
    mutation YankVersionMutation($input: YankVersionInput!) {
      yankVersion(input: $input) {
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
