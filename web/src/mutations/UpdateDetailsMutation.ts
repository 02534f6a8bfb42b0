import { graphql, useMutation } from 'react-relay';
import type { UpdateDetailsMutation } from '../__generated__/UpdateDetailsMutation.graphql';

/** Changes a connector's title, logo or description: answers with them. */
export function useUpdateDetails() {
  return useMutation<UpdateDetailsMutation>(graphql`
    mutation UpdateDetailsMutation($input: UpdateConnectorInput!) {
      updateConnector(input: $input) {
        __typename
        connector {
          id
          title
          description
          logoUrl
        }
        userErrors { ...UserErrors_error @relay(mask: false) }
      }
    }
  `);
}
