import { useEffect, useRef, useState } from 'react';
import { graphql, useLazyLoadQuery, useMutation } from 'react-relay';
import { Link } from 'wouter';
import unreadQuery, { type NotificationBellQuery } from '../__generated__/NotificationBellQuery.graphql';
import type { NotificationsPageQuery } from '../__generated__/NotificationsPageQuery.graphql';
import { when } from '../format';

export default function NotificationsPage() {
  const [fetchKey, setFetchKey] = useState(0);
  const data = useLazyLoadQuery<NotificationsPageQuery>(
    graphql`
      query NotificationsPageQuery {
        notifications(first: 50) {
          totalCount
          edges {
            node {
              id
              parentVersion
              note
              createdAt
              readAt
              changes {
                level
              }
              connector {
                id
                title
              }
            }
          }
        }
      }
    `,
    {},
    { fetchPolicy: 'store-and-network', fetchKey },
  );
  // The bell's unread count is live (subscription); when it grows, a notification arrived: show it.
  const unreadCount = useLazyLoadQuery<NotificationBellQuery>(unreadQuery, {}, { fetchPolicy: 'store-or-network' }).unread.totalCount;
  const seenCount = useRef(unreadCount);
  useEffect(() => {
    if (unreadCount > seenCount.current) setFetchKey((k) => k + 1);
    seenCount.current = unreadCount;
  }, [unreadCount]);
  const [mark, marking] = useMutation(graphql`
    mutation NotificationsMarkReadMutation($input: MarkNotificationsReadInput!) {
      markNotificationsRead(input: $input) {
        __typename
        marked
        userErrors { code message field detail latestVersion }
      }
    }
  `);
  const items = data.notifications.edges.map((e) => e.node);
  const unread = items.filter((n) => !n.readAt);
  const markRead = (ids: string[]) =>
    mark({
      variables: { input: { ids } },
      updater: (store) => {
        const now = new Date().toISOString();
        for (const id of ids) store.get(id)?.setValue(now, 'readAt');
        const count = store.getRoot().getLinkedRecord('__NotificationBell_unread_connection', { unreadOnly: true });
        if (count) count.setValue(Math.max(0, ((count.getValue('totalCount') as number) ?? 0) - ids.length), 'totalCount');
      },
      onCompleted: () => setFetchKey((k) => k + 1),
    });
  return (
    <section aria-labelledby="notes-title">
      <div className="page-head">
        <h1 id="notes-title">Notifications</h1>
        {unread.length > 0 && (
          <button type="button" onClick={() => markRead(unread.map((n) => n.id))} disabled={marking}>
            Mark all read
          </button>
        )}
      </div>
      {items.length === 0 ? (
        <p>No notifications. When a connector you installed shares a new version, it shows up here at once.</p>
      ) : (
        <ul className="diagnostics">
          {items.map((n) => (
            <li key={n.id} className={n.readAt ? 'muted' : ''}>
              {!n.readAt && <span className="tag warn">new</span>} <Link href={`/connectors/${encodeURIComponent(n.connector.id)}`}>{n.connector.title}</Link>: the parent shared
              version {n.parentVersion}
              {n.note ? ` (“${n.note}”)` : ''} · {n.changes.level.toLowerCase().replace('_', '-')} · {when(n.createdAt)}{' '}
              {!n.readAt && (
                <button type="button" onClick={() => markRead([n.id])}>
                  Mark read
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
