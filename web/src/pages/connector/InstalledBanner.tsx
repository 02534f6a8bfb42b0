import { Suspense, useEffect, useState } from 'react';
import { graphql, useFragment, useLazyLoadQuery, useRelayEnvironment } from 'react-relay';
import type { InstalledBanner_connector$key } from '../../__generated__/InstalledBanner_connector.graphql';
import type { InstalledBannerChangesQuery } from '../../__generated__/InstalledBannerChangesQuery.graphql';
import type { UpdateFromParentMutation$data } from '../../__generated__/UpdateFromParentMutation.graphql';
import { ConflictSides } from '../../components/ConflictSides';
import { refreshUnreadCount } from '../../components/NotificationBell';
import { Outcome, useOutcome } from '../../components/Outcome';
import { when } from '../../format';
import { useViewer } from '../../viewer';
import { ChangeSummary } from './ChangeSummary';
import { UpdateTests } from './UpdateTests';
import { useUpdateFromParent } from '../../mutations/UpdateFromParentMutation';

type Conflicts = NonNullable<UpdateFromParentMutation$data['updateFromParent']['conflicts']>;

/** Where a copy came from, and the update its parent offers (live: the subscription updates the store). */
export function InstalledBanner({ connector }: { connector: InstalledBanner_connector$key }) {
  const viewer = useViewer();
  const c = useFragment(
    graphql`
      fragment InstalledBanner_connector on Connector {
        id
        latestVersion
        latestReleasedVersion
        installedFrom {
          id
          source
          baseVersion
          initialVersion
          createdAt
          updatedAt
          updateAvailable
          parent {
            title
            publisher {
              name
            }
            latestSharedVersion {
              number
              note
            }
          }
          ...UpdateTests_install
        }
      }
    `,
    connector,
  );
  const outcome = useOutcome();
  const environment = useRelayEnvironment();
  const [conflicts, setConflicts] = useState<Conflicts | null>(null);
  const [update, updating] = useUpdateFromParent();
  const i = c.installedFrom;
  // A newer version on offer (live, from the subscription) makes the last update's message old news.
  const offered = i?.updateAvailable ? (i.parent.latestSharedVersion?.number ?? null) : null;
  const { clear } = outcome;
  useEffect(() => {
    if (offered != null) clear();
  }, [offered, clear]);
  if (!i) return null;

  const onUpdate = (resolve: 'OURS' | 'THEIRS' | null) => {
    // A refusal with conflicts shows them side by side, to be resolved by choosing a side.
    const payload = (r: UpdateFromParentMutation$data) => {
      setConflicts(r.updateFromParent.conflicts.length > 0 ? r.updateFromParent.conflicts : null);
      return r.updateFromParent;
    };
    outcome.run(update, { input: { id: c.id, resolve } }, payload, (r) => {
      if (!r.connector) return null;
      // The update marked this copy's notifications about it read: the unread count drops.
      refreshUnreadCount(environment);
      return `Updated: the parent's changes are in version ${r.connector.latestVersion} (not released yet).`;
    });
  };

  return (
    <section aria-label="Installed copy" className="panel">
      <p>
        A copy of <strong>{i.parent.title}</strong> by {i.parent.publisher.name}, installed{' '}
        {i.source === 'LINK' ? 'through a private link' : 'from the community library'} on{' '}
        {when(i.createdAt)} (parent version {i.initialVersion}; now based on the parent's version{' '}
        {i.baseVersion}).
      </p>
      {/* A copy is not used until it is released in this workspace: say so, not just "installed". */}
      {c.latestReleasedVersion == null ? (
        <p className="warn-box" data-testid="copy-unreleased">
          Not released yet: your workspace cannot use this copy until you release it (on the Code
          tab, <em>Release version {c.latestVersion}</em>).
        </p>
      ) : (
        c.latestReleasedVersion < c.latestVersion && (
          <p className="muted small" data-testid="copy-unreleased">
            Your workspace uses version {c.latestReleasedVersion} until you release version{' '}
            {c.latestVersion}.
          </p>
        )
      )}
      {i.updateAvailable && i.parent.latestSharedVersion && (
        <div className="warn-box" role="status" data-testid="update-banner">
          <p>
            <strong>Update available:</strong> version {i.parent.latestSharedVersion.number} of the
            parent
            {i.parent.latestSharedVersion.note ? ` (“${i.parent.latestSharedVersion.note}”)` : ''}.
          </p>
          {/* Its own boundary: reading the change report must not blank the whole page. */}
          <Suspense fallback={<p className="loading small">Reading what changed…</p>}>
            <UpdateChanges connectorId={c.id} parentVersion={i.parent.latestSharedVersion.number} />
          </Suspense>
          <UpdateTests install={i} connectorId={c.id} />
          {viewer.canWrite && (
            <button
              type="button"
              className="primary"
              onClick={() => onUpdate(null)}
              disabled={updating}
            >
              Update from parent
            </button>
          )}
        </div>
      )}
      {conflicts && (
        <div role="region" aria-label="Merge conflicts">
          <p>
            Your copy and the parent changed the same lines. Choose which side wins where they
            overlap (the rest merges either way):
          </p>
          <ConflictSides conflicts={conflicts} oursLabel="Ours" theirsLabel="Theirs" />
          <div className="row">
            <button type="button" onClick={() => onUpdate('OURS')} disabled={updating}>
              Keep ours
            </button>
            <button type="button" onClick={() => onUpdate('THEIRS')} disabled={updating}>
              Take theirs
            </button>
          </div>
        </div>
      )}
      <Outcome {...outcome} />
    </section>
  );
}

/**
 * The breaking-change level of the offered update, from its notification. Its own query: the
 * update arrives live (the subscription), after the page's query, and each new parent version
 * reads its notification again.
 */
function UpdateChanges({
  connectorId,
  parentVersion,
}: {
  connectorId: string;
  parentVersion: number;
}) {
  const data = useLazyLoadQuery<InstalledBannerChangesQuery>(
    graphql`
      query InstalledBannerChangesQuery($connector: ID!) {
        notifications(first: 5, connector: $connector) {
          edges {
            node {
              id
              parentVersion
              connector {
                id
              }
              changes {
                ...ChangeSummary_report
              }
            }
          }
        }
      }
    `,
    { connector: connectorId },
    { fetchPolicy: 'network-only', fetchKey: parentVersion },
  );
  // The newest update notification about this copy is about the version on offer (unless it is
  // older); a review decision on a listing of the copy is about something else.
  const n = data.notifications.edges.find((e) => e.node.parentVersion === parentVersion)?.node;
  return n?.changes ? <ChangeSummary report={n.changes} /> : null;
}
