import { graphql, useMutation } from 'react-relay';
import type { CreateConnectionMutation } from '../__generated__/CreateConnectionMutation.graphql';

/** Creates a connection for the Test tab: answers with it. */
export function useCreateConnection() {
  return useMutation<CreateConnectionMutation>(graphql`
    mutation CreateConnectionMutation($input: CreateConnectionInput!) {
      createConnection(input: $input) {
        connection {
          id
        }
        userErrors {
          ...UserErrors_error @relay(mask: false)
        }
      }
    }
  `);
}
