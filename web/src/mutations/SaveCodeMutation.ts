import { graphql, useMutation } from 'react-relay';
import type { SaveCodeMutation } from '../__generated__/SaveCodeMutation.graphql';

/** Saves the editor's code as a new version (refused as stale when a newer one exists): answers
 * with the Code tab's fragment, so the tab shows the new version. */
export function useSaveCode() {
  return useMutation<SaveCodeMutation>(graphql`
    mutation SaveCodeMutation($input: UpdateConnectorInput!) {
      updateConnector(input: $input) {
        __typename
        connector {
          id
          latestVersion
          latestVersionNote
          ...CodeTab_connector
        }
        version { number }
        userErrors { ...UserErrors_error @relay(mask: false) }
      }
    }
  `);
}
