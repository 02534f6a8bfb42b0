import { graphql, useMutation } from 'react-relay';
import type { UpdateFromParentMutation } from '../__generated__/UpdateFromParentMutation.graphql';

/** Takes the parent's update into an installed copy (or answers with the conflicts to resolve): answers
 * with the banner's fragment and the Code tab's, so both show the new version. */
export function useUpdateFromParent() {
  return useMutation<UpdateFromParentMutation>(graphql`
    mutation UpdateFromParentMutation($input: UpdateFromParentInput!) {
      updateFromParent(input: $input) {
        __typename
        connector {
            id
            latestVersion
            latestVersionNote
            ...InstalledBanner_connector
            # The code tab shows the new latest version at once.
            ...CodeTab_connector
          }
        conflicts {
            ours {
              start
              end
              text
            }
            base {
              start
              end
              text
            }
            theirs {
              start
              end
              text
            }
          }

        userErrors { ...UserErrors_error @relay(mask: false) }
      }
    }
  `);
}
