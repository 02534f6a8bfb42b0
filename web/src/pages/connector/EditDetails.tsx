import { useState } from 'react';
import { graphql, useFragment } from 'react-relay';
import type { EditDetails_connector$key } from '../../__generated__/EditDetails_connector.graphql';
import { ConnectorFields, type ConnectorDetails } from '../../components/ConnectorFields';
import { Outcome, useOutcome } from '../../components/Outcome';
import { useUpdateDetails } from '../../mutations/UpdateDetailsMutation';

/** Edit a connector's title, logo and Markdown description (writers only; the code has its own tab). */
export function EditDetails({ connector }: { connector: EditDetails_connector$key }) {
  const c = useFragment(
    graphql`
      fragment EditDetails_connector on Connector {
        id
        title
        description
        logoUrl
      }
    `,
    connector,
  );
  const fromServer = (): ConnectorDetails => ({
    title: c.title,
    description: c.description ?? '',
    logo: null,
    removeLogo: false,
  });
  const [open, setOpen] = useState(false);
  const [details, setDetails] = useState(fromServer);
  const outcome = useOutcome();
  const [commit, saving] = useUpdateDetails();
  if (!open) {
    return (
      <div className="row">
        <button
          type="button"
          onClick={() => {
            setDetails(fromServer());
            outcome.clear();
            setOpen(true);
          }}
        >
          Edit details
        </button>
        <Outcome {...outcome} />
      </div>
    );
  }
  return (
    <form
      className="stack panel"
      aria-label="Connector details"
      onSubmit={(e) => {
        e.preventDefault();
        const logo = details.logo ?? (details.removeLogo ? '' : undefined);
        outcome.run(
          commit,
          {
            input: {
              id: c.id,
              title: details.title,
              description: details.description || null,
              ...(logo !== undefined && { logo }),
            },
          },
          (r) => r.updateConnector,
          () => {
            setOpen(false);
            return 'Details saved.';
          },
        );
      }}
    >
      <ConnectorFields
        value={details}
        onChange={setDetails}
        idPrefix="edit-"
        currentLogoUrl={c.logoUrl}
      />
      <Outcome {...outcome} />
      <div className="row">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save details'}
        </button>
        <button type="button" onClick={() => setOpen(false)} disabled={saving}>
          Cancel
        </button>
      </div>
    </form>
  );
}
