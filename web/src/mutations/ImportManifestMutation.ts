import { graphql, useMutation } from 'react-relay';
import type { ImportManifestMutation } from '../__generated__/ImportManifestMutation.graphql';

/** Imports a manifest (or, with `dryRun`, plans it): answers with what each entry did or would do. */
export function useImportManifest() {
  return useMutation<ImportManifestMutation>(graphql`
    mutation ImportManifestMutation($input: ImportManifestInput!) {
      importManifest(input: $input) {
        __typename
        dryRun
        entries {
          action
          name
          title
          version
        }
        userErrors { ...UserErrors_error @relay(mask: false) }
      }
    }
  `);
}
