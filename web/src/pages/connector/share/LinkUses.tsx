import { graphql, useLazyLoadQuery, usePaginationFragment } from 'react-relay';
import type { LinkUses_link$key } from '../../../__generated__/LinkUses_link.graphql';
import type { LinkUsesQuery } from '../../../__generated__/LinkUsesQuery.graphql';
import { ListTable } from '../../../components/ListTable';
import { LoadMore } from '../../../components/LoadMore';
import { when } from '../../../format';

const PAGE = 20;

/**
 * The private link's use log: who installed through it, a page at a time. Its own query, not a
 * fragment of the page's: a new link starts a new log, and the link's mutations answer with the
 * link only (with the log they would nest too deep for the gateway's limit).
 */
export function LinkUses({ linkId }: { linkId: string }) {
  const query = useLazyLoadQuery<LinkUsesQuery>(
    graphql`
      query LinkUsesQuery($id: ID!) {
        node(id: $id) {
          ...LinkUses_link @alias(as: "link")
        }
      }
    `,
    { id: linkId },
    { fetchPolicy: 'store-and-network' },
  );
  if (!query.node?.link) return null;
  return <Uses link={query.node.link} />;
}

function Uses({ link }: { link: LinkUses_link$key }) {
  const { data, ...pages } = usePaginationFragment(
    graphql`
      fragment LinkUses_link on ShareLink
      @refetchable(queryName: "LinkUsesPaginationQuery")
      @argumentDefinitions(count: { type: "Int", defaultValue: 20 }, cursor: { type: "String" }) {
        uses(first: $count, after: $cursor) @connection(key: "LinkUses_uses") {
          totalCount
          edges {
            node {
              id
              workspace
              member {
                handle
              }
              usedAt
            }
          }
        }
      }
    `,
    link,
  );
  const uses = data.uses.edges.map((e) => e.node);
  if (uses.length === 0) return null;
  return (
    <>
      <ListTable label="Installs through the link" columns={['Workspace', 'By', 'When']}>
        {uses.map((u) => (
          <tr key={u.id}>
            <td>{u.workspace}</td>
            <td>{u.member?.handle ?? '—'}</td>
            <td>{when(u.usedAt)}</td>
          </tr>
        ))}
      </ListTable>
      <LoadMore pages={pages} size={PAGE} of={data.uses} what="installs" />
    </>
  );
}
