import { useCallback, useEffect, useState } from 'react';
import {
  ConnectionHandler,
  fetchQuery,
  graphql,
  type PreloadedQuery,
  usePaginationFragment,
  usePreloadedQuery,
  useRelayEnvironment,
} from 'react-relay';
import { ROOT_ID } from 'relay-runtime';
import type { LifecycleEventType } from '../__generated__/RegisterWebhookMutation.graphql';
import type { WebhooksPageQuery } from '../__generated__/WebhooksPageQuery.graphql';
import type { Webhooks_list$key } from '../__generated__/Webhooks_list.graphql';
import type { Webhooks_webhook$key } from '../__generated__/Webhooks_webhook.graphql';
import { CopyButton } from '../components/CopyButton';
import { ListTable } from '../components/ListTable';
import { LoadMore } from '../components/LoadMore';
import { Outcome, useOutcome } from '../components/Outcome';
import { when } from '../format';
import { useRegisterWebhook } from '../mutations/RegisterWebhookMutation';
import { useRemoveWebhook } from '../mutations/RemoveWebhookMutation';
import { WEBHOOKS_PAGE as PAGE } from '../page-sizes';
import { useViewer } from '../viewer';

const EVENTS: [LifecycleEventType, string][] = [
  ['VERSION_CREATED', 'version.created'],
  ['VERSION_RELEASED', 'version.released'],
  ['VERSION_SHARED', 'version.shared'],
  ['CONNECTOR_INSTALLED', 'connector.installed'],
  ['UPDATE_AVAILABLE', 'update.available'],
  ['LISTING_REVIEWED', 'listing.reviewed'],
];
const eventName = (e: string) => EVENTS.find(([value]) => value === e)?.[1] ?? e;

// Deliveries change by themselves (sent, retried): the page reads them again this often while it
// is visible, and at once when it becomes visible again. One query of at most PAGE webhooks with
// PAGE deliveries each, and none while the tab is hidden.
const REFRESH_MS = 10_000;

const pageQuery = graphql`
  query WebhooksPageQuery($count: Int!) {
    ...Webhooks_list @arguments(count: $count)
  }
`;
/** The list's connection in the store, which a registered webhook joins and a removed one leaves. */
const connections = [ConnectionHandler.getConnectionID(ROOT_ID, 'Webhooks_webhooks')];

/**
 * Reads the first pages again in the background (the list stays on screen): on a timer while the
 * page is visible, on return to it, and on demand. Paused once more was loaded by hand, so that
 * a refresh does not take those rows away; the Refresh button still works then.
 */
function useDeliveriesRefresh(paged: boolean, onError: (e: Error) => void) {
  const environment = useRelayEnvironment();
  const [refreshing, setRefreshing] = useState(false);
  const [refreshedAt, setRefreshedAt] = useState(() => new Date());
  const refresh = useCallback(() => {
    setRefreshing(true);
    fetchQuery<WebhooksPageQuery>(
      environment,
      pageQuery,
      { count: PAGE },
      { fetchPolicy: 'network-only' },
    ).subscribe({
      complete: () => {
        setRefreshing(false);
        setRefreshedAt(new Date());
      },
      error: (e: Error) => {
        setRefreshing(false);
        onError(e);
      },
    });
  }, [environment, onError]);
  useEffect(() => {
    if (paged) return;
    let timer: ReturnType<typeof setInterval> | undefined;
    const start = () => {
      clearInterval(timer);
      timer = document.visibilityState === 'visible' ? setInterval(refresh, REFRESH_MS) : undefined;
    };
    const onVisibility = () => {
      if (document.visibilityState === 'visible') refresh();
      start();
    };
    start();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [paged, refresh]);
  return { refresh, refreshing, refreshedAt };
}

/** The workspace's webhooks with their deliveries, first pages loaded by the route (App.tsx). */
export default function WebhooksPage({
  queryRef,
}: {
  queryRef: PreloadedQuery<WebhooksPageQuery>;
}) {
  const viewer = useViewer();
  const data = usePreloadedQuery<WebhooksPageQuery>(pageQuery, queryRef);
  const [paged, setPaged] = useState(false);
  const outcome = useOutcome();
  const { refresh, refreshing, refreshedAt } = useDeliveriesRefresh(paged, outcome.fail);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<Set<LifecycleEventType>>(
    new Set(['VERSION_RELEASED', 'VERSION_SHARED']),
  );
  const [secret, setSecret] = useState<string | null>(null);
  // Each answer carries the change (the new webhook's edge, the removed one's id): nothing is
  // read again after it.
  const [register, registering] = useRegisterWebhook();
  const [remove] = useRemoveWebhook();
  const onRegister = () =>
    outcome.run(
      register,
      { input: { url, events: [...events] }, connections },
      (r) => r.registerWebhook,
      (r) => {
        setSecret(r.secret ?? null);
        return r.targetWarning;
      },
    );
  const onRemove = (id: string) =>
    outcome.run(
      remove,
      { input: { id }, connections },
      (r) => r.removeWebhook,
      () => 'Webhook removed.',
    );
  return (
    <section aria-labelledby="hooks-title">
      <h1 id="hooks-title">Webhooks</h1>
      <Outcome {...outcome} />
      {secret && (
        <div className="warn-box" role="region" aria-label="Signing secret">
          <p>
            The signing secret, shown once (deliveries carry X-Registry-Signature: sha256=HMAC of
            “timestamp.body”):
          </p>
          <p className="secret">{secret}</p>
          <CopyButton text={secret} label="Copy secret" />
        </div>
      )}
      {viewer.canWrite && (
        <form
          className="stack panel"
          onSubmit={(e) => {
            e.preventDefault();
            onRegister();
          }}
        >
          <div>
            <label htmlFor="hook-url">HTTPS endpoint</label>
            <input
              id="hook-url"
              type="url"
              required
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              placeholder="https://example.com/hooks/registry"
            />
          </div>
          <fieldset>
            <legend>Events</legend>
            {EVENTS.map(([value, label]) => (
              <label key={value} style={{ fontWeight: 'normal', marginRight: '1rem' }}>
                <input
                  type="checkbox"
                  checked={events.has(value)}
                  onChange={(e) => {
                    const next = new Set(events);
                    if (e.target.checked) next.add(value);
                    else next.delete(value);
                    setEvents(next);
                  }}
                />{' '}
                {label}
              </label>
            ))}
          </fieldset>
          <div>
            <button type="submit" className="primary" disabled={registering}>
              Register webhook
            </button>
          </div>
        </form>
      )}
      <div className="row">
        {/* Back to the first pages (what Load more added goes), and the timer runs again. */}
        <button
          type="button"
          onClick={() => {
            setPaged(false);
            refresh();
          }}
          disabled={refreshing}
        >
          {refreshing ? 'Refreshing…' : 'Refresh'}
        </button>
        <span className="muted small">
          Deliveries as of {refreshedAt.toLocaleTimeString()}
          {paged ? '' : `; refreshed every ${REFRESH_MS / 1000} seconds while this page is open`}.
        </span>
      </div>
      <WebhookList
        query={data}
        onPaged={() => setPaged(true)}
        onRemove={viewer.canWrite ? onRemove : undefined}
      />
    </section>
  );
}

function WebhookList({
  query,
  onRemove,
  onPaged,
}: {
  query: Webhooks_list$key;
  onRemove?: (id: string) => void;
  onPaged: () => void;
}) {
  const { data, ...pages } = usePaginationFragment(
    graphql`
      fragment Webhooks_list on Query
      @refetchable(queryName: "WebhooksListPaginationQuery")
      @argumentDefinitions(count: { type: "Int!" }, cursor: { type: "String" }) {
        webhooks(first: $count, after: $cursor) @connection(key: "Webhooks_webhooks") {
          edges {
            node {
              id
              ...Webhooks_webhook
            }
          }
        }
      }
    `,
    query,
  );
  const hooks = data.webhooks.edges.map((e) => e.node);
  return (
    <>
      {hooks.length === 0 && <p>No webhooks.</p>}
      {hooks.map((w) => (
        <Webhook key={w.id} webhook={w} onRemove={onRemove} onPaged={onPaged} />
      ))}
      <LoadMore pages={pages} size={PAGE} of={data.webhooks} what="webhooks" onLoad={onPaged} />
    </>
  );
}

/** One webhook and its delivery log, a page at a time. */
function Webhook({
  webhook,
  onRemove,
  onPaged,
}: {
  webhook: Webhooks_webhook$key;
  onRemove?: (id: string) => void;
  onPaged: () => void;
}) {
  const { data: w, ...pages } = usePaginationFragment(
    graphql`
      fragment Webhooks_webhook on Webhook
      @refetchable(queryName: "WebhookDeliveriesPaginationQuery")
      @argumentDefinitions(count: { type: "Int", defaultValue: 10 }, cursor: { type: "String" }) {
        id
        url
        events
        createdAt
        deliveries(first: $count, after: $cursor) @connection(key: "Webhooks_deliveries") {
          edges {
            node {
              id
              event
              status
              attempts
              lastStatus
              lastError
              createdAt
              deliveredAt
              nextAttemptAt
            }
          }
        }
      }
    `,
    webhook,
  );
  const deliveries = w.deliveries.edges.map((e) => e.node);
  return (
    <div className="panel">
      {/* OPERATORs are not shown targets (a URL may carry a secret): say so rather than an empty heading. */}
      <h2 className={w.url ? 'mono' : undefined}>{w.url ?? 'Endpoint not shown to your role'}</h2>
      <p className="muted">
        {w.events.map(eventName).join(', ')} · since {when(w.createdAt)}{' '}
        {onRemove && (
          <button type="button" className="danger" onClick={() => onRemove(w.id)}>
            Remove
          </button>
        )}
      </p>
      {deliveries.length > 0 ? (
        <ListTable
          label={`Deliveries to ${w.url ?? 'this webhook'}`}
          columns={['Event', 'Status', 'Attempts', 'Last answer', 'When']}
        >
          {deliveries.map((d) => (
            <tr key={d.id}>
              <td>{eventName(d.event)}</td>
              <td>{d.status.toLowerCase()}</td>
              <td>{d.attempts}</td>
              <td>{d.lastStatus ?? d.lastError ?? '—'}</td>
              <td>{when(d.deliveredAt ?? d.createdAt)}</td>
            </tr>
          ))}
        </ListTable>
      ) : (
        <p className="muted">No deliveries yet.</p>
      )}
      <LoadMore pages={pages} size={PAGE} of={w.deliveries} what="deliveries" onLoad={onPaged} />
    </div>
  );
}
