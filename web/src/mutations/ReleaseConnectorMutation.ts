import { graphql, useMutation } from 'react-relay';
import type { ReleaseConnectorMutation } from '../__generated__/ReleaseConnectorMutation.graphql';

/** Releases the latest version: answers with the released version, shown in the header and the Code tab. */
export function useReleaseConnector() {
  return useMutation<ReleaseConnectorMutation>(graphql`
    mutation ReleaseConnectorMutation($input: ReleaseConnectorInput!) {
      releaseConnector(input: $input) {
        __typename
        connector {
            id
            latestReleasedVersion
            latestReleasedVersionNote
          }

        userErrors { ...UserErrors_error @relay(mask: false) }
      }
    }
  `);
}
