import { Suspense, useState } from 'react';
import { graphql, useFragment } from 'react-relay';
import type { LinkSection_connector$key } from '../../../__generated__/LinkSection_connector.graphql';
import type { OutcomeState } from '../../../components/Outcome';
import { when } from '../../../format';
import { useCreateShareLink } from '../../../mutations/CreateShareLinkMutation';
import { useRevokeShareLink } from '../../../mutations/RevokeShareLinkMutation';
import { LinkUses } from './LinkUses';

const REVOKE_QUESTION =
  'Revoke the private link? Nobody can view or install the connector through it any more. This cannot be undone: a new link has a new address.';

const linkUrl = (token: string) => `${location.origin}/install#link=${encodeURIComponent(token)}`;

/** The private link: shown once when made, its expiry, install cap and use log; regenerate, revoke. */
export function LinkSection({
  connector,
  canWrite,
  outcome,
}: {
  connector: LinkSection_connector$key;
  canWrite: boolean;
  outcome: OutcomeState;
}) {
  const c = useFragment(
    graphql`
      fragment LinkSection_connector on Connector {
        id
        shareLink {
          id
          prefix
          createdAt
          expiresAt
          maxInstalls
          installCount
        }
      }
    `,
    connector,
  );
  const [secret, setSecret] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [expiresAt, setExpiresAt] = useState('');
  const [maxInstalls, setMaxInstalls] = useState('');
  const [createLink] = useCreateShareLink();
  const [revokeLink] = useRevokeShareLink();
  const id = c.id;

  return (
    <section aria-labelledby="link-heading" className="panel">
      <h2 id="link-heading">Private link</h2>
      {secret && (
        <div className="warn-box" role="region" aria-label="New private link">
          <p>
            Copy this link now: it is shown only once. Anyone holding it can install the shared
            version.
          </p>
          <p className="secret" data-testid="share-link-url">
            {linkUrl(secret)}
          </p>
          <button
            type="button"
            onClick={() =>
              void navigator.clipboard?.writeText(linkUrl(secret)).then(() => {
                outcome.setMessage('Link copied.');
                // Feedback on the control itself, where the person is looking.
                setCopied(true);
                setTimeout(() => setCopied(false), 2000);
              })
            }
          >
            {copied ? 'Copied' : 'Copy link'}
          </button>
        </div>
      )}
      {c.shareLink ? (
        <>
          <dl className="facts">
            <dt>Link</dt>
            <dd className="mono">{c.shareLink.prefix}…</dd>
            <dt>Created</dt>
            <dd>{when(c.shareLink.createdAt)}</dd>
            <dt>Expires</dt>
            <dd>{c.shareLink.expiresAt ? when(c.shareLink.expiresAt) : 'never'}</dd>
            <dt>Installs</dt>
            <dd>
              {c.shareLink.installCount}
              {c.shareLink.maxInstalls != null ? ` of at most ${c.shareLink.maxInstalls}` : ''}
            </dd>
          </dl>
          <Suspense fallback={<p className="loading">Loading the use log…</p>}>
            <LinkUses linkId={c.shareLink.id} />
          </Suspense>
        </>
      ) : (
        <p className="muted">No active private link.</p>
      )}
      {canWrite && (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            outcome.run(
              createLink,
              {
                input: {
                  id,
                  expiresAt: expiresAt ? new Date(expiresAt).toISOString() : null,
                  maxInstalls: maxInstalls ? Number(maxInstalls) : null,
                },
              },
              (r) => r.createShareLink,
              (r) => {
                setSecret(r.token ?? null);
                return 'A new private link was created; the previous one (if any) stopped working.';
              },
            );
          }}
        >
          <label htmlFor="link-expires">Expires</label>
          <input
            id="link-expires"
            type="datetime-local"
            value={expiresAt}
            onChange={(e) => setExpiresAt(e.target.value)}
          />
          <label htmlFor="link-max">Install cap</label>
          <input
            id="link-max"
            type="number"
            min={1}
            value={maxInstalls}
            onChange={(e) => setMaxInstalls(e.target.value)}
            style={{ width: '6em' }}
          />
          <button type="submit">{c.shareLink ? 'Regenerate link' : 'Create private link'}</button>
          {c.shareLink && (
            <button
              type="button"
              className="danger"
              onClick={() => {
                // Irreversible: a new link is a new address, so those who had this one lose it.
                if (!window.confirm(REVOKE_QUESTION)) return;
                outcome.run(
                  revokeLink,
                  { input: { id } },
                  (r) => r.revokeShareLink,
                  () => 'The private link stopped working.',
                );
              }}
            >
              Revoke link
            </button>
          )}
        </form>
      )}
    </section>
  );
}
