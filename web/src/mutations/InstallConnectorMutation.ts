import { graphql, useMutation } from 'react-relay';
import type { InstallConnectorMutation } from '../__generated__/InstallConnectorMutation.graphql';

/** Installs a shared connector (a library listing or a private link) as a copy: answers with the
 * copy, which the console then opens. */
export function useInstallConnector() {
  return useMutation<InstallConnectorMutation>(graphql`
    mutation InstallConnectorMutation($input: InstallConnectorInput!) {
      installConnector(input: $input) {
        __typename
        connector {
          id
          title
        }
        userErrors { ...UserErrors_error @relay(mask: false) }
      }
    }
  `);
}
