import type { Environment, MutationConfig } from 'relay-runtime';
import { commitMutation, graphql, useMutation } from 'react-relay';
import type { RunConnectorMutation } from '../__generated__/RunConnectorMutation.graphql';

const runConnector = graphql`
  mutation RunConnectorMutation($input: RunConnectorInput!) {
    runConnector(input: $input) {
      run {
        id
        status
      }
      userErrors {
        ...UserErrors_error @relay(mask: false)
      }
    }
  }
`;

/** Starts a run of the connector on the executor: answers with the run, followed until it ends. */
export function useRunConnector() {
  return useMutation<RunConnectorMutation>(runConnector);
}

/** The same outside a component (the input form's runs that evaluate its fields). */
export function commitRunConnector(
  environment: Environment,
  config: Omit<MutationConfig<RunConnectorMutation>, 'mutation'>,
) {
  return commitMutation<RunConnectorMutation>(environment, { ...config, mutation: runConnector });
}
