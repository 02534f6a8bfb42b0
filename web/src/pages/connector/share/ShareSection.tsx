import { type FormEvent, useState } from 'react';
import { graphql, useFragment } from 'react-relay';
import type { ShareSection_connector$key } from '../../../__generated__/ShareSection_connector.graphql';
import type { OutcomeState } from '../../../components/Outcome';
import { useRollbackRollout } from '../../../mutations/RollbackRolloutMutation';
import { useSetRollout } from '../../../mutations/SetRolloutMutation';
import { useShareConnector } from '../../../mutations/ShareConnectorMutation';
import { ChangeSummary } from '../ChangeSummary';

/** Share the released version with installers (what they will get first), and the staged rollout. */
export function ShareSection({
  connector,
  canWrite,
  outcome,
}: {
  connector: ShareSection_connector$key;
  canWrite: boolean;
  outcome: OutcomeState;
}) {
  const c = useFragment(
    graphql`
      fragment ShareSection_connector on Connector {
        id
        latestReleasedVersion
        latestSharedVersion
        rolloutPercent
        rolloutVersion
        sharePreview {
          ...ChangeSummary_report
        }
      }
    `,
    connector,
  );
  const [percent, setPercent] = useState('100');
  const [share, sharing] = useShareConnector();
  const [setRollout] = useSetRollout();
  const [rollback] = useRollbackRollout();
  const id = c.id;
  const nextToShare = c.latestReleasedVersion;

  return (
    <section aria-labelledby="share-heading" className="panel">
      <h2 id="share-heading">Share with installers</h2>
      <p>
        Shared version: {c.latestSharedVersion != null ? `v${c.latestSharedVersion}` : 'none yet'} ·
        latest released: {c.latestReleasedVersion != null ? `v${c.latestReleasedVersion}` : 'none'}
      </p>
      {c.rolloutVersion != null && (
        <p className="warn-box">
          Staged rollout: version {c.rolloutVersion} is offered to {c.rolloutPercent}% of installing
          workspaces.
        </p>
      )}
      {c.sharePreview && c.latestSharedVersion == null ? (
        // The first share: nobody can have installed anything yet, so nothing can break.
        <p className="panel" data-testid="first-share">
          First share: installers will get version {c.latestReleasedVersion}. Nobody has installed
          this connector yet, so no one is affected by what it contains.
        </p>
      ) : c.sharePreview ? (
        <>
          <h3>What installers will get</h3>
          <ChangeSummary report={c.sharePreview} />
        </>
      ) : (
        <p className="muted">
          Nothing new to share: release a version first, or the released version is already shared.
        </p>
      )}
      {/* The form only when it can do something: a share to make or a rollout to change. */}
      {canWrite && (c.sharePreview || c.rolloutVersion != null) && (
        <form
          className="row"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            const p = Number(percent);
            outcome.run(
              share,
              { input: { id, rolloutPercent: p >= 100 ? null : p } },
              (r) => r.shareConnector,
              // The version the button named (with a rollout, the shared version stays the one
              // before until it reaches everyone).
              () =>
                `Version ${nextToShare} is shared${p < 100 ? ` with ${p}% of installers` : ''}.`,
            );
          }}
        >
          <label htmlFor="rollout">Offer to (% of installers)</label>
          <input
            id="rollout"
            type="number"
            min={1}
            max={100}
            value={percent}
            onChange={(e) => setPercent(e.target.value)}
            style={{ width: '6em' }}
          />
          {/* Offered only when there is something new to share (the preview above says what). */}
          {c.sharePreview && (
            <button type="submit" className="primary" disabled={sharing}>
              Share version {nextToShare ?? '—'}
            </button>
          )}
          {c.rolloutVersion != null && (
            <>
              <button
                type="button"
                onClick={() =>
                  outcome.run(
                    setRollout,
                    { input: { id, rolloutPercent: Number(percent) } },
                    (r) => r.setRollout,
                    () => `Rollout set to ${percent}%.`,
                  )
                }
              >
                Set rollout to {percent}%
              </button>
              <button
                type="button"
                className="danger"
                onClick={() =>
                  outcome.run(
                    rollback,
                    { input: { id } },
                    (r) => r.rollbackRollout,
                    () => 'Rollout stopped.',
                  )
                }
              >
                Roll back
              </button>
            </>
          )}
        </form>
      )}
    </section>
  );
}
