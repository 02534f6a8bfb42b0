import { graphql, useMutation } from 'react-relay';
import { useLocation } from 'wouter';
import type {
  InstallButtonMutation,
  InstallConnectorInput,
} from '../__generated__/InstallButtonMutation.graphql';
import { Outcome, useOutcome } from './Outcome';

/** Installs a shared connector (from a library listing or a private link) as a copy, then opens the copy. */
export function InstallButton({ input, label }: { input: InstallConnectorInput; label: string }) {
  const [, navigate] = useLocation();
  const outcome = useOutcome();
  const [install, installing] = useMutation<InstallButtonMutation>(graphql`
    mutation InstallButtonMutation($input: InstallConnectorInput!) {
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
  return (
    <>
      <Outcome {...outcome} />
      <button
        type="button"
        className="primary"
        disabled={installing}
        onClick={() =>
          outcome.run(
            install,
            { input },
            (r) => r.installConnector,
            (r) =>
              void (r.connector && navigate(`/connectors/${encodeURIComponent(r.connector.id)}`)),
          )
        }
      >
        {label}
      </button>
    </>
  );
}
