import { graphql, useMutation } from 'react-relay';
import type { CreateConnectorMutation } from '../__generated__/CreateConnectorMutation.graphql';

/** Creates a connector with its first version: answers with its id (the form then opens it; the
 * list reads itself again when it is next shown). */
export function useCreateConnector() {
  return useMutation<CreateConnectorMutation>(graphql`
    mutation CreateConnectorMutation($input: CreateConnectorInput!) {
      createConnector(input: $input) {
        __typename
        connector {
          id
        }
        userErrors { ...UserErrors_error @relay(mask: false) }
      }
    }
  `);
}
