import { useMemo } from 'react';
import { fetchQuery, graphql, useLazyLoadQuery, useSubscription } from 'react-relay';
import type { Environment } from 'relay-runtime';
import { NavLink } from './NavLink';
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

const unreadQuery = graphql`
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
`;

/**
 * Reads the unread count again, after something this tab did marked notifications read on the
 * server (an update from the parent reads that copy's notifications): the bell follows at once.
 */
export function refreshUnreadCount(environment: Environment): void {
  fetchQuery<NotificationBellQuery>(
    environment,
    unreadQuery,
    {},
    { fetchPolicy: 'network-only' },
  ).subscribe({});
}

/** The unread count, kept live by the notificationAdded subscription (SSE). */
export function NotificationBell() {
  const data = useLazyLoadQuery<NotificationBellQuery>(
    unreadQuery,
    {},
    // Read with the first screen (load-ahead.ts), before the shell rendered: the store has it.
    { fetchPolicy: 'store-or-network' },
  );
  const config = useMemo(
    () => ({
      subscription,
      variables: {},
      updater: (store: import('relay-runtime').RecordSourceSelectorProxy) => {
        // One more unread: bump every unread count the store holds.
        const root = store.getRoot();
        const unread = root.getLinkedRecord('__NotificationBell_unread_connection', {
          unreadOnly: true,
        });
        if (unread)
          unread.setValue(((unread.getValue('totalCount') as number) ?? 0) + 1, 'totalCount');
      },
    }),
    [],
  );
  useSubscription<NotificationBellSubscription>(config);
  const count = data.unread.totalCount;
  return (
    <NavLink href="/notifications" label={`Notifications, ${count} unread`}>
      Notifications{' '}
      {count > 0 && (
        <span className="badge" aria-hidden="true">
          {count}
        </span>
      )}
    </NavLink>
  );
}
