import { Suspense, useState, type FormEvent } from 'react';
import {
  fetchQuery,
  graphql,
  useLazyLoadQuery,
  useMutation,
  useRelayEnvironment,
} from 'react-relay';
import type { ShareTabQuery } from '../../__generated__/ShareTabQuery.graphql';
import { CatalogAppInput, findCatalogApp } from '../../components/CatalogAppInput';
import { Outcome, useOutcome } from '../../components/Outcome';
import { refusal, when } from '../../format';
import { ChangeSummary } from './ChangeSummary';
import { LinkUses } from './LinkUses';
import { SharedVersions, type Run } from './SharedVersions';

const REVOKE_QUESTION =
  'Revoke the private link? Nobody can view or install the connector through it any more. This cannot be undone: a new link has a new address.';

// Every mutation on this tab answers with the whole tab's data, so the page shows the new state.
graphql`
  fragment ShareTab_connector on Connector {
    id
    latestVersion
    latestReleasedVersion
    latestSharedVersion
    rolloutPercent
    rolloutVersion
    sharePreview {
      ...ChangeSummary_report
    }
    ...SharedVersions_connector
    shareLink {
      prefix
      createdAt
      expiresAt
      maxInstalls
      id
      installCount
    }
    listing {
      id
      status
      reviewReason
      appName
      categories
      preventDirectInstall
      landingPageUrl
    }
  }
`;

type Result = Parameters<typeof refusal>[0];

/** Share, staged rollout, deprecate and yank, the private link and the community listing. */
const shareTabQuery = graphql`
  query ShareTabQuery($id: ID!) {
    connector(id: $id) {
      ...ShareTab_connector @relay(mask: false)
    }
  }
`;

export function ShareTab({ id, canWrite }: { id: string; canWrite: boolean }) {
  const environment = useRelayEnvironment();
  const data = useLazyLoadQuery<ShareTabQuery>(
    shareTabQuery,
    { id },
    { fetchPolicy: 'store-and-network' },
  );
  // Listing changes answer with the listing only: read the tab again so the connector points at it.
  const refresh = () =>
    fetchQuery(environment, shareTabQuery, { id }, { fetchPolicy: 'network-only' }).subscribe({});
  const c = data.connector;
  const outcome = useOutcome();
  const [secret, setSecret] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [percent, setPercent] = useState('100');
  const [expiresAt, setExpiresAt] = useState('');
  const [maxInstalls, setMaxInstalls] = useState('');
  const [appName, setAppName] = useState(c?.listing?.appName ?? '');
  const [categories, setCategories] = useState(c?.listing?.categories.join(', ') ?? '');
  const [prevent, setPrevent] = useState(c?.listing?.preventDirectInstall ?? false);
  const [landing, setLanding] = useState(c?.listing?.landingPageUrl ?? '');

  const [share, sharing] = useMutation(graphql`
    mutation ShareTabShareMutation($input: ShareConnectorInput!) {
      shareConnector(input: $input) {
        __typename
        connector { ...ShareTab_connector latestSharedVersionNote }
        
        userErrors { ...UserErrors_error @relay(mask: false) }
      }
    }
  `);
  const [setRollout] = useMutation(graphql`
    mutation ShareTabSetRolloutMutation($input: SetRolloutInput!) {
      setRollout(input: $input) {
        __typename
        connector { ...ShareTab_connector }
        userErrors { ...UserErrors_error @relay(mask: false) }
      }
    }
  `);
  const [rollback] = useMutation(graphql`
    mutation ShareTabRollbackMutation($input: RollbackRolloutInput!) {
      rollbackRollout(input: $input) {
        __typename
        connector { ...ShareTab_connector }
        userErrors { ...UserErrors_error @relay(mask: false) }
      }
    }
  `);
  const [createLink] = useMutation(graphql`
    mutation ShareTabCreateLinkMutation($input: CreateShareLinkInput!) {
      createShareLink(input: $input) {
        __typename
        token connector { ...ShareTab_connector }
        userErrors { ...UserErrors_error @relay(mask: false) }
      }
    }
  `);
  const [revokeLink] = useMutation(graphql`
    mutation ShareTabRevokeLinkMutation($input: RevokeShareLinkInput!) {
      revokeShareLink(input: $input) {
        __typename
        revoked connector { ...ShareTab_connector }
        userErrors { ...UserErrors_error @relay(mask: false) }
      }
    }
  `);
  const [list] = useMutation(graphql`
    mutation ShareTabListMutation($input: ListConnectorInput!) {
      listConnector(input: $input) {
        __typename
        listing { id status reviewReason appName categories preventDirectInstall landingPageUrl }
        userErrors { ...UserErrors_error @relay(mask: false) }
      }
    }
  `);
  const [unlist] = useMutation(graphql`
    mutation ShareTabUnlistMutation($input: UnlistConnectorInput!) {
      unlistConnector(input: $input) {
        __typename
        connector { ...ShareTab_connector }
        userErrors { ...UserErrors_error @relay(mask: false) }
      }
    }
  `);

  if (!c) return <p>Connector not found.</p>;

  /** Runs a mutation and says what happened, in words. */
  const run: Run = (commit, field, input, done) =>
    outcome.run(
      commit,
      { input },
      (resp) => (resp as Record<string, Result>)[field],
      (r) => {
        if (field === 'listConnector' || field === 'unlistConnector') refresh();
        return done(r);
      },
    );

  const nextToShare = c.latestReleasedVersion;
  const linkUrl = (token: string) => `${location.origin}/install#link=${encodeURIComponent(token)}`;

  return (
    <>
      <Outcome {...outcome} />
      <section aria-labelledby="share-heading" className="panel">
        <h2 id="share-heading">Share with installers</h2>
        <p>
          Shared version: {c.latestSharedVersion != null ? `v${c.latestSharedVersion}` : 'none yet'}{' '}
          · latest released:{' '}
          {c.latestReleasedVersion != null ? `v${c.latestReleasedVersion}` : 'none'}
        </p>
        {c.rolloutVersion != null && (
          <p className="warn-box">
            Staged rollout: version {c.rolloutVersion} is offered to {c.rolloutPercent}% of
            installing workspaces.
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
            Nothing new to share: release a version first, or the released version is already
            shared.
          </p>
        )}
        {/* The form only when it can do something: a share to make or a rollout to change. */}
        {canWrite && (c.sharePreview || c.rolloutVersion != null) && (
          <form
            className="row"
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              const p = Number(percent);
              run(
                share,
                'shareConnector',
                { id, rolloutPercent: p >= 100 ? null : p },
                (r) =>
                  `Version ${r.connector.latestSharedVersion ?? nextToShare} is shared${p < 100 ? ` with ${p}% of installers` : ''}.`,
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
                    run(
                      setRollout,
                      'setRollout',
                      { id, rolloutPercent: Number(percent) },
                      () => `Rollout set to ${percent}%.`,
                    )
                  }
                >
                  Set rollout to {percent}%
                </button>
                <button
                  type="button"
                  className="danger"
                  onClick={() => run(rollback, 'rollbackRollout', { id }, () => 'Rollout stopped.')}
                >
                  Roll back
                </button>
              </>
            )}
          </form>
        )}
      </section>

      {c.latestSharedVersion != null && (
        <SharedVersions connector={c} canWrite={canWrite} run={run} />
      )}

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
              run(
                createLink,
                'createShareLink',
                {
                  id,
                  expiresAt: expiresAt ? new Date(expiresAt).toISOString() : null,
                  maxInstalls: maxInstalls ? Number(maxInstalls) : null,
                },
                (r) => {
                  setSecret(r.token);
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
                  run(
                    revokeLink,
                    'revokeShareLink',
                    { id },
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

      <section aria-labelledby="listing-heading" className="panel">
        <h2 id="listing-heading">Community library</h2>
        {c.listing ? (
          <p>
            Listing: <strong data-testid="listing-status">{c.listing.status.toLowerCase()}</strong>{' '}
            · app {c.listing.appName}
            {c.listing.categories.length > 0 && ` · ${c.listing.categories.join(', ')}`}
            {c.listing.reviewReason && <> · reviewer said: “{c.listing.reviewReason}”</>}
          </p>
        ) : (
          <p className="muted">Not listed.</p>
        )}
        {canWrite && (
          <form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              void findCatalogApp(environment, appName).then((known) =>
                run(
                  list,
                  'listConnector',
                  {
                    id,
                    // A catalog app's name typed in any case is that app.
                    ...(known ? { appId: known.id } : { appName: appName.trim() }),
                    categories: categories
                      .split(',')
                      .map((s) => s.trim())
                      .filter(Boolean),
                    preventDirectInstall: prevent,
                    landingPageUrl: landing || null,
                  },
                  () => 'Listing sent to review.',
                ),
              );
            }}
          >
            <div>
              <label htmlFor="listing-app">App (required; from the catalog, or type a name)</label>
              <CatalogAppInput id="listing-app" value={appName} onChange={setAppName} />
            </div>
            <div>
              <label htmlFor="listing-categories">Categories (required; comma separated)</label>
              {/* At least one category: something other than commas and spaces. */}
              <input
                id="listing-categories"
                required
                aria-required="true"
                pattern=".*[^,\s].*"
                title="At least one category, e.g. Sales, CRM"
                value={categories}
                onChange={(e) => setCategories(e.target.value)}
              />
            </div>
            <div className="row">
              <input
                id="listing-prevent"
                type="checkbox"
                checked={prevent}
                onChange={(e) => setPrevent(e.target.checked)}
              />
              <label htmlFor="listing-prevent">
                Prevent direct install (send people to a landing page)
              </label>
            </div>
            {prevent && (
              <div>
                <label htmlFor="listing-landing">Landing page URL (required)</label>
                <input
                  id="listing-landing"
                  type="url"
                  required
                  aria-required="true"
                  value={landing}
                  onChange={(e) => setLanding(e.target.value)}
                />
              </div>
            )}
            <div className="row">
              <button type="submit">
                {c.listing ? 'Update listing' : 'List in the community library'}
              </button>
              {c.listing && (
                <button
                  type="button"
                  className="danger"
                  onClick={() => run(unlist, 'unlistConnector', { id }, () => 'Unlisted.')}
                >
                  Unlist
                </button>
              )}
            </div>
          </form>
        )}
      </section>
    </>
  );
}
