import { useState } from 'react';
import {
  fetchQuery,
  graphql,
  type PreloadedQuery,
  usePaginationFragment,
  usePreloadedQuery,
  useRelayEnvironment,
} from 'react-relay';
import { MANIFESTS_PAGE } from '../page-sizes';
import type { ManifestsExportQuery } from '../__generated__/ManifestsExportQuery.graphql';
import type { ImportManifestMutation$data } from '../__generated__/ImportManifestMutation.graphql';
import type { ManifestsPageQuery } from '../__generated__/ManifestsPageQuery.graphql';
import type { Manifests_connectors$key } from '../__generated__/Manifests_connectors.graphql';
import { ListTable } from '../components/ListTable';
import { LoadMore } from '../components/LoadMore';
import { useImportManifest } from '../mutations/ImportManifestMutation';
import { UserErrors, type UserError } from '../components/UserErrors';
import { counted, refusal } from '../format';
import { useViewer } from '../viewer';

const PAGE = MANIFESTS_PAGE;

type Entries = NonNullable<ImportManifestMutation$data['importManifest']['entries']>;

/** Export released connectors to a manifest file; import one, after a dry run that writes nothing. */
export default function ManifestsPage({
  queryRef,
}: {
  queryRef: PreloadedQuery<ManifestsPageQuery>;
}) {
  const viewer = useViewer();
  const environment = useRelayEnvironment();
  const data = usePreloadedQuery<ManifestsPageQuery>(
    graphql`
      query ManifestsPageQuery($count: Int!) {
        ...Manifests_connectors @arguments(count: $count)
      }
    `,
    queryRef,
  );
  const [picked, setPicked] = useState<Set<string>>(new Set());
  // Each section says its own refusals, beside the control that caused them.
  const [exportErrors, setExportErrors] = useState<UserError[]>([]);
  const [errors, setErrors] = useState<UserError[]>([]);
  const [text, setText] = useState('');
  const [plan, setPlan] = useState<Entries | null>(null);
  const [imported, setImported] = useState<Entries | null>(null);
  const [run, running] = useImportManifest();

  const download = async () => {
    setExportErrors([]);
    try {
      const r = await fetchQuery<ManifestsExportQuery>(
        environment,
        graphql`
          query ManifestsExportQuery($ids: [ID!]!) {
            exportManifest(ids: $ids)
          }
        `,
        { ids: [...picked] },
        { fetchPolicy: 'network-only' },
      ).toPromise();
      const blob = new Blob([JSON.stringify(r?.exportManifest, null, 2)], {
        type: 'application/json',
      });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `manifest-${viewer.workspace?.slug ?? 'registry'}.json`;
      a.click();
      URL.revokeObjectURL(a.href);
    } catch (e) {
      setExportErrors([{ message: (e as Error).message }]);
    }
  };

  const importIt = (dryRun: boolean) => {
    // A new attempt: the tables of earlier ones no longer apply (not under a new error either).
    setErrors([]);
    setImported(null);
    if (dryRun) setPlan(null);
    let manifest: unknown;
    try {
      manifest = JSON.parse(text);
    } catch {
      setPlan(null);
      return setErrors([{ message: 'The manifest is not valid JSON.' }]);
    }
    run({
      variables: { input: { manifest, dryRun } },
      onCompleted: ({ importManifest: r }) => {
        const refused = refusal(r);
        if (refused) {
          setPlan(null);
          return setErrors([
            {
              ...refused,
              message: `${refused.message}${refused.field ? ` (${refused.field.join('.')})` : ''}`,
            },
          ]);
        }
        if (!r.entries) return;
        if (dryRun) setPlan(r.entries ?? []);
        else {
          setImported(r.entries ?? []);
          setPlan(null);
        }
      },
      onError: (e) => setErrors([{ message: e.message }]),
    });
  };

  return (
    <section aria-labelledby="manifests-title">
      <h1 id="manifests-title">Manifests</h1>
      <section className="panel" aria-labelledby="export-heading">
        <h2 id="export-heading">Export</h2>
        {/* A manifest carries code: not offered to roles that may not read it (OPERATOR). */}
        {viewer.canViewSource ? (
          <>
            <ExportPicker query={data} picked={picked} onPick={setPicked} />
            <button type="button" onClick={download} disabled={picked.size === 0}>
              Download manifest
            </button>
            <UserErrors errors={exportErrors} />
          </>
        ) : (
          <p className="muted">Your role cannot export manifests: they carry connector code.</p>
        )}
      </section>
      {viewer.canWrite && (
        <section className="panel" aria-labelledby="import-heading">
          <h2 id="import-heading">Import</h2>
          <label htmlFor="manifest-file">Manifest file</label>{' '}
          <input
            id="manifest-file"
            type="file"
            accept="application/json,.json"
            onChange={async (e) => {
              setText((await e.target.files?.[0]?.text()) ?? '');
              setPlan(null);
              setImported(null);
              setErrors([]);
            }}
          />
          <label htmlFor="manifest-text" style={{ display: 'block', marginTop: '0.5rem' }}>
            or paste it
          </label>
          <textarea
            id="manifest-text"
            rows={6}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setPlan(null);
              setImported(null);
            }}
            className="mono"
          />
          <div className="row">
            <button type="button" onClick={() => importIt(true)} disabled={!text || running}>
              Preview (dry run)
            </button>
            <button
              type="button"
              className="primary"
              onClick={() => importIt(false)}
              disabled={!plan || running}
            >
              Import {plan ? counted(plan.length, 'connector') : ''}
            </button>
          </div>
          <UserErrors errors={errors} />
          {plan && <EntryTable caption="Dry run: nothing written yet" entries={plan} would />}
          {imported && <EntryTable caption="Imported and released" entries={imported} />}
        </section>
      )}
    </section>
  );
}

function EntryTable({
  caption,
  entries,
  would = false,
}: {
  caption: string;
  entries: Entries;
  would?: boolean;
}) {
  return (
    <ListTable caption={caption} columns={['Connector', would ? 'Would' : 'Did', 'Version']}>
      {entries.map((e) => (
        <tr key={e.name}>
          <td>{e.title}</td>
          <td>
            {e.action === 'CREATE'
              ? 'create'
              : e.action === 'UNCHANGED'
                ? 'no change (same code)'
                : 'add a version'}
          </td>
          <td>v{e.version}</td>
        </tr>
      ))}
    </ListTable>
  );
}

/** The released connectors to pick for an export, a page at a time. */
function ExportPicker({
  query,
  picked,
  onPick,
}: {
  query: Manifests_connectors$key;
  picked: Set<string>;
  onPick: (next: Set<string>) => void;
}) {
  const { data, ...pages } = usePaginationFragment(
    graphql`
      fragment Manifests_connectors on Query
      @refetchable(queryName: "ManifestsConnectorsPaginationQuery")
      @argumentDefinitions(count: { type: "Int!" }, cursor: { type: "String" }) {
        connectors(first: $count, after: $cursor) @connection(key: "Manifests_connectors") {
          edges {
            node {
              id
              title
              latestReleasedVersion
            }
          }
        }
      }
    `,
    query,
  );
  const released = data.connectors.edges
    .map((e) => e.node)
    .filter((c) => c.latestReleasedVersion != null);
  return (
    <>
      {released.length === 0 && !pages.hasNext ? (
        <p className="muted">No released connectors to export.</p>
      ) : (
        <fieldset>
          <legend>Released connectors</legend>
          {released.map((c) => (
            <label key={c.id} style={{ display: 'block', fontWeight: 'normal' }}>
              <input
                type="checkbox"
                checked={picked.has(c.id)}
                onChange={(e) => {
                  const next = new Set(picked);
                  if (e.target.checked) next.add(c.id);
                  else next.delete(c.id);
                  onPick(next);
                }}
              />{' '}
              {c.title} (v{c.latestReleasedVersion})
            </label>
          ))}
        </fieldset>
      )}
      <LoadMore
        pages={pages}
        size={PAGE}
        of={data.connectors}
        shown={released.length}
        what="connectors"
      />
    </>
  );
}
