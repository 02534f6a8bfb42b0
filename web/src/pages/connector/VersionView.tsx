import { useRef } from 'react';
import { graphql, useFragment } from 'react-relay';
import { Link } from 'wouter';
import type { VersionView_connector$key } from '../../__generated__/VersionView_connector.graphql';
import { Definitions } from '../../components/Definitions';
import { CodeEditor } from '../../components/lazy';
import type { CodeEditorHandle } from '../../components/CodeEditor';
import { ProblemList } from '../../components/Problems';
import { when } from '../../format';
import { useViewer } from '../../viewer';

/** One version on its own page (an old one too): its note, state, code and findings, read-only. */
export function VersionView({
  connector,
  number,
  connectorPath,
}: {
  connector: VersionView_connector$key;
  number: number;
  connectorPath: string;
}) {
  const viewer = useViewer();
  const editor = useRef<CodeEditorHandle>(null);
  const c = useFragment(
    graphql`
      fragment VersionView_connector on Connector
      @argumentDefinitions(number: { type: "Int!" }) {
        latestVersion
        latestReleasedVersion
        latestSharedVersion
        version(number: $number) {
          number
          note
          code
          hasErrors
          createdAt
          createdBy {
            handle
          }
          releasedAt
          sharedAt
          yankedAt
          diagnostics {
            ...Problems_diagnostic @relay(mask: false)
          }
          actions
          triggers
        }
      }
    `,
    connector,
  );
  const v = c.version;
  const back = (
    <p>
      <Link href={`${connectorPath}/history`}>All versions</Link>
    </p>
  );
  if (!v)
    return (
      <>
        <p>This connector has no version {number}.</p>
        {back}
      </>
    );
  return (
    <section aria-labelledby="version-heading">
      {back}
      <h2 id="version-heading">
        Version {v.number}
        {v.number === c.latestVersion && <span className="tag">latest</span>}
        {v.number === c.latestReleasedVersion && <span className="tag ok">released</span>}
        {v.number === c.latestSharedVersion && <span className="tag ok">shared</span>}
        {v.hasErrors && <span className="tag danger">has errors</span>}
        {v.yankedAt && <span className="tag danger">yanked</span>}
      </h2>
      <p className="muted small">
        {v.note ? `“${v.note}” · ` : ''}saved {when(v.createdAt)}
        {v.createdBy ? ` by ${v.createdBy.handle}` : ''}
        {v.releasedAt ? ` · released ${when(v.releasedAt)}` : ''}
        {v.sharedAt ? ` · shared ${when(v.sharedAt)}` : ''}
      </p>
      {v.number !== c.latestVersion && (
        <p className="muted small">
          An old version, shown as it was saved. To work from it, restore it on the{' '}
          <Link href={`${connectorPath}/history`}>Versions</Link> tab; the editor is on the{' '}
          <Link href={connectorPath}>Code</Link> tab.
        </p>
      )}
      {viewer.canViewSource && v.code != null ? (
        <CodeEditor
          value={v.code}
          readOnly
          diagnostics={v.diagnostics}
          label={`Code of version ${v.number}`}
          handle={editor}
        />
      ) : (
        <p className="panel">Your role does not show connector code.</p>
      )}
      <ProblemList
        problems={v.diagnostics}
        heading="Problems"
        onPick={(p) => editor.current?.goTo(p.line, p.column)}
      />
      <h3>Actions and triggers</h3>
      <Definitions actions={v.actions} triggers={v.triggers} />
    </section>
  );
}
