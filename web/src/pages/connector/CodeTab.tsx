import { useEffect, useRef, useState } from 'react';
import { fetchQuery, graphql, useLazyLoadQuery, useMutation, useRelayEnvironment } from 'react-relay';
import type { CodeTabQuery } from '../../__generated__/CodeTabQuery.graphql';
import type { CodeTabReleaseMutation } from '../../__generated__/CodeTabReleaseMutation.graphql';
import type { CodeTabSaveMutation } from '../../__generated__/CodeTabSaveMutation.graphql';
import { CodeEditor, DiffView, Markdown } from '../../components/lazy';
import { Outcome, useOutcome } from '../../components/Outcome';
import { refusal, when } from '../../format';
import { useViewer } from '../../viewer';
import { Definitions } from '../../components/Definitions';

// What the tab shows of the latest version; every operation that reads it selects all of it, so a
// later read never leaves the store with a partial version.
graphql`
  fragment CodeTab_version on Version {
    id
    number
    note
    code
    hasErrors
    createdAt
    createdBy {
      handle
    }
    diagnostics {
      line
      column
      message
      severity
      kind
    }
    actions
    triggers
  }
`;

const codeTabQuery = graphql`
  query CodeTabQuery($id: ID!) {
    connector(id: $id) {
      id
      description
      latestVersion
      latestReleasedVersion
      versions(first: 1) {
        edges {
          node {
            ...CodeTab_version @relay(mask: false)
          }
        }
      }
    }
  }
`;

/** The latest version: its code in the editor with the server's diagnostics, save and release. */
export function CodeTab({ id }: { id: string }) {
  const viewer = useViewer();
  const data = useLazyLoadQuery<CodeTabQuery>(codeTabQuery, { id }, { fetchPolicy: 'store-and-network' });
  const c = data.connector;
  const latest = c?.versions.edges[0]?.node;
  const [code, setCode] = useState(latest?.code ?? '');
  const [base, setBase] = useState(latest?.number ?? 0);
  const [note, setNote] = useState('');
  const outcome = useOutcome();
  const { setErrors, setMessage } = outcome;
  const [conflict, setConflict] = useState<{ number: number; code: string } | null>(null);
  const environment = useRelayEnvironment();

  // The text last loaded from the server: a newer latest version replaces the editor's text only
  // while the user has not edited it (an edit is never thrown away; saving it may then conflict).
  const loaded = useRef(latest?.code ?? '');
  useEffect(() => {
    if (latest && latest.number !== base && !conflict && code === loaded.current) {
      loaded.current = latest.code ?? '';
      setBase(latest.number);
      setCode(loaded.current);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [latest?.number]);

  const [save, saving] = useMutation<CodeTabSaveMutation>(graphql`
    mutation CodeTabSaveMutation($input: UpdateConnectorInput!) {
      updateConnector(input: $input) {
        __typename
        connector {
            id
            latestVersion
            latestVersionNote
            versions(first: 1) {
              edges {
                node {
                  ...CodeTab_version @relay(mask: false)
                }
              }
            }
          }
        version { number }
        userErrors { ...UserErrors_error @relay(mask: false) }
      }
    }
  `);
  const [release, releasing] = useMutation<CodeTabReleaseMutation>(graphql`
    mutation CodeTabReleaseMutation($input: ReleaseConnectorInput!) {
      releaseConnector(input: $input) {
        __typename
        connector {
            id
            latestReleasedVersion
            latestReleasedVersionNote
          }
        
        userErrors { ...UserErrors_error @relay(mask: false) }
      }
    }
  `);

  if (!c || !latest) return <p>Connector not found.</p>;
  const dirty = code !== (latest.code ?? '') || base !== latest.number;

  const onSave = () => {
    setErrors([]);
    setMessage(null);
    save({
      variables: { input: { id, code, note: note || null, expectedLatestVersion: base } },
      onCompleted: ({ updateConnector: r }) => void (async () => {
        if (r.userErrors.some((e) => e.code === 'VERSION_CONFLICT')) {
          // Someone saved in between: show their version next to this edit.
          const fresh = await fetchQuery<CodeTabQuery>(environment, codeTabQuery, { id }, { fetchPolicy: 'network-only' }).toPromise();
          const v = fresh?.connector?.versions.edges[0]?.node;
          if (v) setConflict({ number: v.number, code: v.code ?? '' });
          setErrors([refusal(r)!]);
          return;
        }
        const refused = refusal(r);
        if (refused) return setErrors([refused]);
        if (r.connector) {
          loaded.current = code;
          // The version this save made, not connector.latestVersion: that is read after the commit
          // and may already be someone else's next save, which must still conflict.
          if (r.version) setBase(r.version.number);
          setNote('');
          setMessage(r.version ? `Saved as version ${r.version.number}.` : 'Nothing changed: the code and note are those of the latest version.');
        }
      })(),
      onError: (e) => setErrors([{ message: e.message }]),
    });
  };

  const onRelease = () =>
    outcome.run(release, { input: { id } }, (r) => r.releaseConnector, (r) => r.connector && `Version ${r.connector.latestReleasedVersion} is released.`);

  const errorsOnly = latest.diagnostics.filter((d) => d.severity.toLowerCase() === 'error');
  return (
    <>
      <section aria-labelledby="code-heading">
        <h2 id="code-heading">
          Version {latest.number}
          {c.latestReleasedVersion === latest.number && <span className="tag ok">released</span>}
          {latest.hasErrors && <span className="tag danger">has errors</span>}
        </h2>
        <p className="muted small">
          {latest.note ? `“${latest.note}” · ` : ''}saved {when(latest.createdAt)}
          {latest.createdBy ? ` by ${latest.createdBy.handle}` : ''}
        </p>
        {viewer.canViewSource ? (
          <CodeEditor value={code} onChange={viewer.canWrite ? setCode : undefined} readOnly={!viewer.canWrite} diagnostics={dirty ? [] : latest.diagnostics} label={`Code of version ${base}`} />
        ) : (
          <p className="panel">Your role does not show connector code.</p>
        )}
        {latest.diagnostics.length > 0 && (
          <>
            <h3>{dirty ? `Problems in version ${latest.number} (save to check this edit)` : 'Problems'}</h3>
            <ul className="diagnostics" aria-label="Code problems">
              {latest.diagnostics.map((d, i) => (
                <li key={i} className={d.severity.toLowerCase()}>
                  Line {d.line}, column {d.column}: {d.message} <span className="muted">({d.severity.toLowerCase()}, {d.kind})</span>
                </li>
              ))}
            </ul>
          </>
        )}
        {conflict && (
          <div className="warn-box" role="region" aria-label="Save conflict">
            <p>
              Version {conflict.number} was saved by someone else while you edited version {base}. Your edit is on the left, version {conflict.number} on the right.
            </p>
            <DiffView left={code} right={conflict.code} leftLabel="Your edit" rightLabel={`Version ${conflict.number}`} />
            <div className="row">
              <button
                type="button"
                onClick={() => {
                  setBase(conflict.number);
                  setConflict(null);
                  setErrors([]);
                }}
              >
                Keep my edit on top of version {conflict.number}
              </button>
              <button
                type="button"
                onClick={() => {
                  setBase(conflict.number);
                  loaded.current = conflict.code;
                  setCode(conflict.code);
                  setConflict(null);
                  setErrors([]);
                }}
              >
                Discard my edit, take version {conflict.number}
              </button>
            </div>
          </div>
        )}
        <Outcome {...outcome} />
        {viewer.canWrite && (
          <div className="row">
            <label htmlFor="version-note">Version note</label>
            <input id="version-note" value={note} onChange={(e) => setNote(e.target.value)} placeholder="What changed" />
            <button type="button" className="primary" onClick={onSave} disabled={saving || !!conflict || (!dirty && !note)}>
              {saving ? 'Saving…' : 'Save as new version'}
            </button>
            <button type="button" onClick={onRelease} disabled={releasing || dirty}>
              Release version {latest.number}
            </button>
            {errorsOnly.length > 0 && <span className="muted small">A version with code errors cannot be released.</span>}
          </div>
        )}
      </section>
      <section aria-labelledby="defs-heading">
        <h2 id="defs-heading">Actions and triggers of version {latest.number}</h2>
        <Definitions actions={latest.actions} triggers={latest.triggers} />
      </section>
      {c.description && (
        <section aria-labelledby="desc-heading">
          <h2 id="desc-heading">Description</h2>
          <Markdown source={c.description} />
        </section>
      )}
    </>
  );
}
