import { graphql, useMutation } from 'react-relay';
import type { UseMutationConfig } from 'react-relay';
import type { ListConnectorMutation } from '../__generated__/ListConnectorMutation.graphql';

/**
 * Sends the connector's listing to review (a new one, or the listing changed): answers with the
 * listing. The payload has no connector, so `connectorListed` points the connector at it.
 */
export function useListConnector() {
  return useMutation<ListConnectorMutation>(graphql`
    mutation ListConnectorMutation($input: ListConnectorInput!) {
      listConnector(input: $input) {
        listing {
          id
          ...ListingSection_listing
        }
        userErrors {
          ...UserErrors_error @relay(mask: false)
        }
      }
    }
  `);
}

/** The store update of a listing sent for `connectorId`: the connector's `listing` is that listing. */
export function connectorListed(
  connectorId: string,
): UseMutationConfig<ListConnectorMutation>['updater'] {
  return (store) => {
    const listing = store.getRootField('listConnector')?.getLinkedRecord('listing');
    if (listing) store.get(connectorId)?.setLinkedRecord(listing, 'listing');
  };
}
