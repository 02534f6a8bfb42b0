import { graphql, useMutation } from 'react-relay';
import type { ShareConnectorMutation } from '../__generated__/ShareConnectorMutation.graphql';

/** Shares the latest released version, to all installers or a percentage of them (a staged rollout):
 * answers with the Share tab's sections it changes and the header's shared version. */
export function useShareConnector() {
  return useMutation<ShareConnectorMutation>(graphql`
    mutation ShareConnectorMutation($input: ShareConnectorInput!) {
      shareConnector(input: $input) {
        connector {
          id
          latestSharedVersion
          latestSharedVersionNote
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
