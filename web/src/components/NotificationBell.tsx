import { useMemo } from 'react';
import { graphql, useLazyLoadQuery, useSubscription } from 'react-relay';
import { Link } from 'wouter';
import type { NotificationBellQuery } from '../__generated__/NotificationBellQuery.graphql';
import type { NotificationBellSubscription } from '../__generated__/NotificationBellSubscription.graphql';

const subscription = graphql`
  subscription NotificationBellSubscription {
    notificationAdded {
      id
      parentVersion
      readAt
      connector {
        id
        ...InstalledBanner_connector
      }
    }
  }
`;

/** The unread count, kept live by the notificationAdded subscription (SSE). */
export function NotificationBell() {
  const data = useLazyLoadQuery<NotificationBellQuery>(
    graphql`
      query NotificationBellQuery {
        unread: notifications(first: 1, unreadOnly: true) @connection(key: "NotificationBell_unread") {
          totalCount
          edges {
            node {
              id
            }
          }
        }
      }
    `,
    {},
    { fetchPolicy: 'store-and-network' },
  );
  const config = useMemo(
    () => ({
      subscription,
      variables: {},
      updater: (store: import('relay-runtime').RecordSourceSelectorProxy) => {
        // One more unread: bump every unread count the store holds.
        const root = store.getRoot();
        const unread = root.getLinkedRecord('__NotificationBell_unread_connection', { unreadOnly: true });
        if (unread) unread.setValue(((unread.getValue('totalCount') as number) ?? 0) + 1, 'totalCount');
      },
    }),
    [],
  );
  useSubscription<NotificationBellSubscription>(config);
  const count = data.unread.totalCount;
  return (
    <Link href="/notifications" aria-label={`Notifications, ${count} unread`}>
      Notifications {count > 0 && <span className="badge" aria-hidden="true">{count}</span>}
    </Link>
  );
}
