import { useLocation } from 'wouter';
import type { InstallConnectorInput } from '../__generated__/InstallConnectorMutation.graphql';
import { useInstallConnector } from '../mutations/InstallConnectorMutation';
import { Outcome, useOutcome } from './Outcome';

/** Installs a shared connector (from a library listing or a private link) as a copy, then opens the copy. */
export function InstallButton({ input, label }: { input: InstallConnectorInput; label: string }) {
  const [, navigate] = useLocation();
  const outcome = useOutcome();
  const [install, installing] = useInstallConnector();
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
