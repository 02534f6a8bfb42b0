import { graphql, useMutation } from 'react-relay';
import type { RestoreVersionMutation } from '../__generated__/RestoreVersionMutation.graphql';

/** Restores an old version as a new one (and releases it): answers with the new version, prepended to
 * the history's connection (`connections`), and the connector's latest and released versions. */
export function useRestoreVersion() {
  return useMutation<RestoreVersionMutation>(graphql`
    mutation RestoreVersionMutation($input: RestoreVersionInput!, $connections: [ID!]!) {
      restoreVersion(input: $input) {
        __typename
        connector {
          id
          latestVersion
          latestReleasedVersion
          versions(first: 1) {
            edges @prependEdge(connections: $connections) {
              cursor
              node {
                id
                number
                hasErrors
                ...HistoryTab_row
              }
            }
          }
        }
        userErrors { ...UserErrors_error @relay(mask: false) }
      }
    }
  `);
}
