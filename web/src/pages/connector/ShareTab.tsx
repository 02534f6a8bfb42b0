import { graphql, useFragment } from 'react-relay';
import type { ShareTab_connector$key } from '../../__generated__/ShareTab_connector.graphql';
import { Outcome, useOutcome } from '../../components/Outcome';
import { useViewer } from '../../viewer';
import { LinkSection } from './share/LinkSection';
import { ListingSection } from './share/ListingSection';
import { SharedVersions } from './share/SharedVersions';
import { ShareSection } from './share/ShareSection';

/**
 * Share, staged rollout, deprecate and yank, the private link and the community listing: a section
 * each, each with its fragment (in `share/`). Their mutations (`web/src/mutations/`) answer with
 * the fragments they change, so the store, and every section, shows the new state. One message
 * line for the tab says what the last action came to.
 */
export function ShareTab({ connector }: { connector: ShareTab_connector$key }) {
  const { canWrite } = useViewer();
  const c = useFragment(
    graphql`
      fragment ShareTab_connector on Connector {
        latestSharedVersion
        ...ShareSection_connector
        ...SharedVersions_connector
        ...LinkSection_connector
        ...ListingSection_connector
      }
    `,
    connector,
  );
  const outcome = useOutcome();
  return (
    <>
      <Outcome {...outcome} />
      <ShareSection connector={c} canWrite={canWrite} outcome={outcome} />
      {c.latestSharedVersion != null && (
        <SharedVersions connector={c} canWrite={canWrite} outcome={outcome} />
      )}
      <LinkSection connector={c} canWrite={canWrite} outcome={outcome} />
      <ListingSection connector={c} canWrite={canWrite} outcome={outcome} />
    </>
  );
}
