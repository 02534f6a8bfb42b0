import { useEffect, useRef } from 'react';
import {
  graphql,
  type PreloadedQuery,
  useLazyLoadQuery,
  usePaginationFragment,
  usePreloadedQuery,
} from 'react-relay';
import { NOTIFICATIONS_PAGE } from '../page-sizes';
import { Link } from 'wouter';
import unreadQuery, {
  type NotificationBellQuery,
} from '../__generated__/NotificationBellQuery.graphql';
import type { NotificationsPage_list$key } from '../__generated__/NotificationsPage_list.graphql';
import type { NotificationsPageQuery } from '../__generated__/NotificationsPageQuery.graphql';
import { LoadMore } from '../components/LoadMore';
import { useMarkNotificationsRead } from '../mutations/MarkNotificationsReadMutation';
import { resultPath, summaryWords } from '../components/TestResults';
import { when } from '../format';
import { useViewer } from '../viewer';

const PAGE = NOTIFICATIONS_PAGE;

/** What taking the update means for the copy, in words (the change report's level). */
const UPDATE_LEVEL: Record<string, string> = {
  BREAKING: 'a breaking change for your copy.',
  NON_BREAKING: 'a compatible change: nothing your copy uses goes away.',
  UNKNOWN: 'compatibility unknown (fields computed at run time).',
  NONE: 'no structural change: the same actions, triggers and fields.',
};

/** A reviewer's decision on one of this workspace's listings, in words. */
const REVIEWED: Record<string, string> = {
  APPROVED: 'its listing was approved and is in the community library.',
  REJECTED: 'its listing was rejected; change it to send it to review again.',
  DISABLED: 'its listing was taken out of the community library.',
};

/** The notifications, their first page loaded by the route (App.tsx). */
export default function NotificationsPage({
  queryRef,
}: {
  queryRef: PreloadedQuery<NotificationsPageQuery>;
}) {
  const viewer = useViewer();
  const query: NotificationsPage_list$key = usePreloadedQuery<NotificationsPageQuery>(
    graphql`
      query NotificationsPageQuery($count: Int!) {
        ...NotificationsPage_list @arguments(count: $count)
      }
    `,
    queryRef,
  );
  const { data, refetch, ...pages } = usePaginationFragment(
    graphql`
      fragment NotificationsPage_list on Query
      @refetchable(queryName: "NotificationsPagePaginationQuery")
      @argumentDefinitions(count: { type: "Int!" }, cursor: { type: "String" }) {
        notifications(first: $count, after: $cursor) @connection(key: "NotificationsPage_notifications") {
          totalCount
          edges {
            node {
              id
              kind
              parentVersion
              note
              listingStatus
              reviewReason
              createdAt
              readAt
              changes {
                level
              }
              testSummary {
                ...TestResults_counts @relay(mask: false)
                results {
                  id
                  status
                  test {
                    name
                  }
                }
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
    query,
  );
  // The bell's unread count is live (subscription); when it grows, a notification arrived: show it.
  const unreadCount = useLazyLoadQuery<NotificationBellQuery>(
    unreadQuery,
    {},
    { fetchPolicy: 'store-or-network' },
  ).unread.totalCount;
  const seenCount = useRef(unreadCount);
  useEffect(() => {
    if (unreadCount > seenCount.current) refetch({ count: PAGE }, { fetchPolicy: 'network-only' });
    seenCount.current = unreadCount;
  }, [unreadCount, refetch]);
  const [mark, marking] = useMarkNotificationsRead();
  const items = data.notifications.edges.map((e) => e.node);
  const unread = items.filter((n) => !n.readAt);
  const markRead = (ids: string[]) =>
    mark({
      variables: { input: { ids } },
      // The answer carries each notification's readAt; the bell's count drops by those that were
      // unread until now (`marked`).
      updater: (store, response) => {
        const marked = response?.markNotificationsRead.marked ?? 0;
        const count = store
          .getRoot()
          .getLinkedRecord('__NotificationBell_unread_connection', { unreadOnly: true });
        if (count)
          count.setValue(
            Math.max(0, ((count.getValue('totalCount') as number) ?? 0) - marked),
            'totalCount',
          );
      },
    });
  return (
    <section aria-labelledby="notes-title">
      <div className="page-head">
        <h1 id="notes-title">Notifications</h1>
        {unread.length > 0 && (
          <button
            type="button"
            onClick={() => markRead(unread.map((n) => n.id))}
            disabled={marking}
          >
            {pages.hasNext ? 'Mark the shown ones read' : 'Mark all read'}
          </button>
        )}
      </div>
      {items.length === 0 ? (
        <p>
          No notifications. When a connector you installed shares a new version, or a reviewer
          decides on one of your listings, it shows up here at once.
        </p>
      ) : (
        <ul className="diagnostics" aria-label="Notifications">
          {items.map((n) => (
            <li key={n.id} className={n.readAt ? 'muted' : ''}>
              {!n.readAt && <span className="tag warn">new</span>}{' '}
              <Link href={`/connectors/${encodeURIComponent(n.connector.id)}`}>
                {n.connector.title}
              </Link>
              {n.kind === 'LISTING_REVIEWED' ? (
                <>
                  : {REVIEWED[n.listingStatus ?? ''] ?? 'a reviewer decided on its listing'}
                  {n.reviewReason ? ` Reason: “${n.reviewReason}”.` : ''}{' '}
                  <Link href={`/connectors/${encodeURIComponent(n.connector.id)}/share`}>
                    See the listing
                  </Link>
                </>
              ) : (
                <>
                  : the parent shared version {n.parentVersion}
                  {n.note ? ` (“${n.note}”)` : ''}
                  {n.changes ? ` — ${UPDATE_LEVEL[n.changes.level] ?? ''}` : ''}
                  {n.testSummary && (
                    <>
                      {' '}
                      · your tests: {summaryWords(n.testSummary)}
                      {viewer.canWrite &&
                        n.testSummary.results
                          .filter((r) => r.status === 'FAILED')
                          .map((r) => (
                            <span key={r.id}>
                              {' '}
                              (
                              <Link href={resultPath(n.connector.id, r.id)}>
                                “{r.test.name}” failed
                              </Link>
                              )
                            </span>
                          ))}
                    </>
                  )}
                </>
              )}{' '}
              · {when(n.createdAt)}{' '}
              {!n.readAt && (
                <button type="button" onClick={() => markRead([n.id])}>
                  Mark read
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <LoadMore pages={pages} size={PAGE} of={data.notifications} what="notifications" />
    </section>
  );
}
