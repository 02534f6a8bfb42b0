import { useState } from 'react';
import { graphql, useLazyLoadQuery, useMutation } from 'react-relay';
import type { LifecycleEventType } from '../__generated__/WebhooksRegisterMutation.graphql';
import type { WebhooksPageQuery } from '../__generated__/WebhooksPageQuery.graphql';
import { UserErrors, type UserError } from '../components/UserErrors';
import { refusal, when } from '../format';
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

export default function WebhooksPage() {
  const viewer = useViewer();
  const [fetchKey, setFetchKey] = useState(0);
  const data = useLazyLoadQuery<WebhooksPageQuery>(
    graphql`
      query WebhooksPageQuery {
        webhooks(first: 20) {
          nodes {
          id
          url
          events
          createdAt
          deliveries(first: 20) {
            nodes {
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
      }
    `,
    {},
    { fetchPolicy: 'network-only', fetchKey },
  );
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<Set<LifecycleEventType>>(new Set(['VERSION_RELEASED', 'VERSION_SHARED']));
  const [secret, setSecret] = useState<string | null>(null);
  const [errors, setErrors] = useState<UserError[]>([]);
  const [register, registering] = useMutation(graphql`
    mutation WebhooksRegisterMutation($input: RegisterWebhookInput!) {
      registerWebhook(input: $input) {
        __typename
        secret
        userErrors { code message field detail latestVersion }
      }
    }
  `);
  const [remove] = useMutation(graphql`
    mutation WebhooksRemoveMutation($input: RemoveWebhookInput!) {
      removeWebhook(input: $input) {
        __typename
        userErrors { code message field detail latestVersion }
      }
    }
  `);
  const done = (key: string, then?: (r: any) => void) => ({
    onCompleted: (resp: any) => {
      const refused = refusal(resp[key]);
      if (refused) return setErrors([refused]);
      then?.(resp[key]);
      setFetchKey((k) => k + 1);
    },
    onError: (e: Error) => setErrors([{ message: e.message }]),
  });
  return (
    <section aria-labelledby="hooks-title">
      <h1 id="hooks-title">Webhooks</h1>
      <UserErrors errors={errors} />
      {secret && (
        <div className="warn-box" role="region" aria-label="Signing secret">
          <p>The signing secret, shown once (deliveries carry X-Registry-Signature: sha256=HMAC of “timestamp.body”):</p>
          <p className="secret">{secret}</p>
        </div>
      )}
      {viewer.canWrite && (
        <form
          className="stack panel"
          onSubmit={(e) => {
            e.preventDefault();
            setErrors([]);
            register({ variables: { input: { url, events: [...events] } }, ...done('registerWebhook', (r) => setSecret(r.secret)) });
          }}
        >
          <div>
            <label htmlFor="hook-url">HTTPS endpoint</label>
            <input id="hook-url" type="url" required value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/hooks/registry" />
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
      {data.webhooks.nodes.length === 0 && <p>No webhooks.</p>}
      {data.webhooks.nodes.map((w) => (
        <div className="panel" key={w.id}>
          {/* OPERATORs are not shown targets (a URL may carry a secret): say so rather than an empty heading. */}
          <h2 className={w.url ? 'mono' : undefined}>{w.url ?? 'Endpoint not shown to your role'}</h2>
          <p className="muted">
            {w.events.map(eventName).join(', ')} · since {when(w.createdAt)}{' '}
            {viewer.canWrite && (
              <button type="button" className="danger" onClick={() => remove({ variables: { input: { id: w.id } }, ...done('removeWebhook') })}>
                Remove
              </button>
            )}
          </p>
          {w.deliveries.nodes.length > 0 ? (
            <table className="list" aria-label={`Deliveries to ${w.url ?? 'this webhook'}`}>
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last answer</th>
                  <th scope="col">When</th>
                </tr>
              </thead>
              <tbody>
                {w.deliveries.nodes.map((d) => (
                  <tr key={d.id}>
                    <td>{eventName(d.event)}</td>
                    <td>{d.status.toLowerCase()}</td>
                    <td>{d.attempts}</td>
                    <td>{d.lastStatus ?? d.lastError ?? '—'}</td>
                    <td>{when(d.deliveredAt ?? d.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">No deliveries yet.</p>
          )}
        </div>
      ))}
    </section>
  );
}
