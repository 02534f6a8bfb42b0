import { useEffect, useRef, useState } from 'react';
import { fetchQuery, graphql, useFragment, useRelayEnvironment } from 'react-relay';
import type {
  CodeTab_connector$data,
  CodeTab_connector$key,
} from '../../__generated__/CodeTab_connector.graphql';
import type { CodeTabLatestQuery } from '../../__generated__/CodeTabLatestQuery.graphql';
import type { CodeEditorHandle } from '../../components/CodeEditor';
import { CodeEditor, DiffView, Markdown } from '../../components/lazy';
import { ProblemList, useCodeCheck } from '../../components/Problems';
import { clearDraft, readDraft, writeDraft } from '../../drafts';
import { useLeaveGuard, useSaveShortcut } from '../../leave-guard';
import { mergeCode, type MergeOutcome } from '../../merge';
import { Outcome, useOutcome } from '../../components/Outcome';
import { counted, refusal, when } from '../../format';
import { useViewer } from '../../viewer';
import { ConflictSides } from '../../components/ConflictSides';
import { Definitions } from '../../components/Definitions';
import { summaryWords, TestBadge } from '../../components/TestResults';
import { useSaveCode } from '../../mutations/SaveCodeMutation';
import { useReleaseConnector } from '../../mutations/ReleaseConnectorMutation';

type Summary = CodeTab_connector$data['newest']['edges'][number]['node']['testSummary'];

/** Which tests have not passed, by name: "get task 1 failed", "1 test not run". */
function notPassing(s: Summary): string {
  const words = s.results
    .filter((r) => r.status !== 'PASSED')
    .map((r) => `“${r.test.name}” ${r.status === 'FAILED' ? 'failed' : 'is still running'}`);
  if (s.notRun > 0)
    words.push(`${counted(s.notRun, 'test')} ${s.notRun === 1 ? 'has' : 'have'} not run`);
  return words.join(', ') || 'not every test passed';
}

// What the tab shows: the latest version and what its Release needs. The save and an update from
// the parent answer with this fragment, so the tab shows the new version at once.
const codeTabFragment = graphql`
  fragment CodeTab_connector on Connector {
    id
    description
    latestVersion
    latestReleasedVersion
    requirePassingTests
    newest: versions(first: 1) {
      edges {
        node {
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
            ...Problems_diagnostic @relay(mask: false)
          }
          actions
          triggers
          testSummary {
            ...TestResults_counts @relay(mask: false)
            allPassed
            results {
              id
              status
              test {
                name
              }
            }
          }
        }
      }
    }
  }
`;

/** The latest version as the server has it now: read when a save is refused as stale. */
const latestQuery = graphql`
  query CodeTabLatestQuery($id: ID!) {
    connector(id: $id) {
      ...CodeTab_connector
      newest: versions(first: 1) {
        edges {
          node {
            number
            code
            note
            createdBy {
              handle
            }
          }
        }
      }
    }
  }
`;

/** An unsaved edit as this tab keeps it (sessionStorage): the version it started from, and its text. */
interface Draft {
  base: number;
  baseCode: string;
  code: string;
  note: string;
}

/** A save refused because a newer version exists: that version, who made it, and the three-way merge. */
interface Conflict {
  number: number;
  code: string;
  note: string | null;
  by: string | null;
  merge: MergeOutcome;
}

/** The latest version: its code in the editor, live diagnostics while editing, save and release. */
export function CodeTab({ connector }: { connector: CodeTab_connector$key }) {
  const viewer = useViewer();
  const c = useFragment(codeTabFragment, connector);
  const id = c.id;
  const latest = c.newest.edges[0]?.node;
  const draftKey = `code:${id}`;
  // A draft this tab kept (a reload, or leaving and coming back) is restored as it was.
  const [restored] = useState(() => (viewer.canWrite ? readDraft<Draft>(draftKey) : null));
  const [code, setCode] = useState(restored?.code ?? latest?.code ?? '');
  const [base, setBase] = useState(restored?.base ?? latest?.number ?? 0);
  const [note, setNote] = useState(restored?.note ?? '');
  const [showRestored, setShowRestored] = useState(!!restored);
  const outcome = useOutcome();
  const { setErrors, setMessage } = outcome;
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const environment = useRelayEnvironment();
  const editor = useRef<CodeEditorHandle>(null);

  // `#L<n>` (the Test tab's link to a run's error): the editor, however long it takes to load,
  // opens with the cursor on that line.
  const [hashLine] = useState(
    () => Number(/^#L(\d{1,7})$/.exec(window.location.hash)?.[1] ?? 0) || undefined,
  );

  // The text of version `base`, the version the edit started from (the base of a three-way merge).
  // A newer latest version replaces the editor's text only while the user has not edited it.
  const baseCode = useRef(restored?.baseCode ?? latest?.code ?? '');
  // The version the shown outcome message is about ("Saved as version 2"): a newer latest version
  // (an update from the parent, another tab's save) makes it stale, so it goes.
  const messageFor = useRef<number | null>(null);
  useEffect(() => {
    if (latest && messageFor.current !== null && latest.number !== messageFor.current) {
      messageFor.current = null;
      setMessage(null);
    }
    if (latest && latest.number !== base && !conflict && code === baseCode.current) {
      baseCode.current = latest.code ?? '';
      setBase(latest.number);
      setCode(baseCode.current);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [latest?.number]);

  const edited = code !== baseCode.current || note !== '';
  useEffect(() => {
    if (!viewer.canWrite) return;
    if (edited)
      writeDraft(draftKey, { base, baseCode: baseCode.current, code, note } satisfies Draft);
    else clearDraft(draftKey);
  }, [edited, base, code, note, draftKey, viewer.canWrite]);
  useLeaveGuard(viewer.canWrite && edited);

  const codeChanged = !!latest && code !== (latest.code ?? '');
  const live = useCodeCheck(code, viewer.canWrite && codeChanged);

  const [save, saving] = useSaveCode();
  const [release, releasing] = useReleaseConnector();

  const dirty = !!latest && (code !== (latest.code ?? '') || base !== latest.number);
  const canSave = viewer.canWrite && !saving && !conflict && (dirty || !!note);

  const onSave = () => {
    if (!canSave) return;
    setErrors([]);
    setMessage(null);
    setShowRestored(false);
    const sent = code;
    save({
      variables: { input: { id, code: sent, note: note || null, expectedLatestVersion: base } },
      onCompleted: ({ updateConnector: r }) =>
        void (async () => {
          if (r.userErrors.some((e) => e.code === 'VERSION_CONFLICT')) {
            // A newer version exists: merge this edit into it (base: the version the edit started from).
            const fresh = await fetchQuery<CodeTabLatestQuery>(
              environment,
              latestQuery,
              { id },
              { fetchPolicy: 'network-only' },
            ).toPromise();
            const v = fresh?.connector?.newest.edges[0]?.node;
            if (v) {
              const theirs = v.code ?? '';
              setConflict({
                number: v.number,
                code: theirs,
                note: v.note ?? null,
                by: v.createdBy?.handle ?? null,
                merge: mergeCode(baseCode.current, sent, theirs),
              });
            }
            setErrors([refusal(r)!]);
            return;
          }
          const refused = refusal(r);
          if (refused) return setErrors([refused]);
          if (r.connector) {
            baseCode.current = sent;
            // The version this save made, not connector.latestVersion: that is read after the commit
            // and may already be someone else's next save, which must still conflict.
            if (r.version) setBase(r.version.number);
            setNote('');
            messageFor.current = r.version?.number ?? latest?.number ?? null;
            setMessage(
              r.version
                ? `Saved as version ${r.version.number}.`
                : 'Nothing changed: the code and note are those of the latest version.',
            );
          }
        })(),
      onError: (e) => setErrors([{ message: e.message }]),
    });
  };
  useSaveShortcut(onSave);

  if (!latest) return <p>Connector not found.</p>;

  /** Puts `next` in the editor as an edit on top of the conflicting version. */
  const onTopOf = (k: Conflict, next: string, said: string | null) => {
    baseCode.current = k.code;
    setBase(k.number);
    setCode(next);
    setConflict(null);
    setErrors([]);
    messageFor.current = k.number;
    setMessage(said);
  };
  // Merged line by line onto the newer version; where both changed a line, `side` wins.
  const mergedOnTop = (k: Conflict, side: 'OURS' | 'THEIRS') =>
    onTopOf(
      k,
      mergeCode(baseCode.current, code, k.code, side).code!,
      `Merged into version ${k.number}; ${side === 'OURS' ? 'your' : 'its'} lines won where you both changed them. Check it, then save.`,
    );

  // Offer only what can succeed: the reason stands beside the disabled button.
  const tests = latest.testSummary;
  const releaseBlocked = latest.hasErrors
    ? `Version ${latest.number} has code errors: fix them and save a new version to release.`
    : c.latestReleasedVersion === latest.number
      ? `Version ${latest.number} is already released.`
      : c.requirePassingTests && tests.total > 0 && !tests.allPassed
        ? `This connector requires passing tests, and ${notPassing(tests)} against version ${latest.number}: run them in the Test tab.`
        : null;
  const onRelease = () =>
    outcome.run(
      release,
      { input: { id } },
      (r) => r.releaseConnector,
      (r) => {
        if (!r.connector) return null;
        messageFor.current = r.connector.latestReleasedVersion ?? null;
        return `Version ${r.connector.latestReleasedVersion} is released.`;
      },
    );

  const who = (handle: string | null) =>
    handle && handle === viewer.member?.handle ? 'you' : (handle ?? 'someone');
  // The heading names the version whose text the editor holds (not a newer one saved meanwhile).
  const isLatest = base === latest.number;
  const checked = live.checkedCode != null && live.check ? live.check : null;
  const problems = codeChanged ? (checked?.diagnostics ?? []) : latest.diagnostics;
  const marks = codeChanged
    ? live.checkedCode === code && checked
      ? checked.diagnostics
      : []
    : latest.diagnostics;
  const errorsOnly = latest.diagnostics.filter((d) => d.severity.toLowerCase() === 'error');
  return (
    <>
      <section aria-labelledby="code-heading">
        <h2 id="code-heading">
          Version {base}
          {isLatest && c.latestReleasedVersion === latest.number && (
            <span className="tag ok">released</span>
          )}
          {isLatest && latest.hasErrors && <span className="tag danger">has errors</span>}
          {edited && <span className="tag warn">unsaved edit</span>}
        </h2>
        {isLatest ? (
          <p className="muted small">
            {latest.note ? `“${latest.note}” · ` : ''}saved {when(latest.createdAt)}
            {latest.createdBy ? ` by ${who(latest.createdBy.handle)}` : ''}
          </p>
        ) : (
          <p className="warn-box small" data-testid="newer-version">
            This edit started from version {base}. Version {latest.number} is newer (saved{' '}
            {when(latest.createdAt)} by {who(latest.createdBy?.handle ?? null)}
            {latest.note ? `: “${latest.note}”` : ''}); saving will merge your edit into it.
          </p>
        )}
        {showRestored && restored && (
          <div className="ok-box row" role="status">
            <span>
              Your unsaved edit of version {restored.base} was kept in this tab and is back in the
              editor.
            </span>
            <button
              type="button"
              onClick={() => {
                baseCode.current = latest.code ?? '';
                setBase(latest.number);
                setCode(baseCode.current);
                setNote('');
                setShowRestored(false);
              }}
            >
              Discard the edit
            </button>
          </div>
        )}
        {viewer.canViewSource ? (
          <CodeEditor
            value={code}
            onChange={viewer.canWrite ? setCode : undefined}
            readOnly={!viewer.canWrite}
            diagnostics={marks}
            label={`Code of version ${base}`}
            handle={editor}
            cursorLine={hashLine}
          />
        ) : (
          <p className="panel">Your role does not show connector code.</p>
        )}
        <ProblemList
          problems={problems}
          heading={
            codeChanged
              ? live.checking
                ? 'Problems in this edit (checking…)'
                : 'Problems in this edit'
              : 'Problems'
          }
          onPick={(p) => editor.current?.goTo(p.line, p.column)}
        />
        {codeChanged &&
          checked &&
          live.checkedCode === code &&
          checked.diagnostics.length === 0 && (
            <p className="muted small" role="status">
              Checked: no problems in this edit.
            </p>
          )}
        {conflict && (
          <div className="warn-box" role="region" aria-label="Save conflict">
            <p>
              Version {conflict.number} was saved by {who(conflict.by)}
              {conflict.note ? ` (“${conflict.note}”)` : ''} after your edit started from version{' '}
              {base}.{' '}
              {conflict.merge.conflicts.length === 0
                ? `Your changes and those of version ${conflict.number} touch different lines: they merge.`
                : `You both changed the same lines in ${conflict.merge.conflicts.length === 1 ? 'one place' : `${conflict.merge.conflicts.length} places`}; the rest merges.`}
            </p>
            {conflict.merge.conflicts.length === 0 ? (
              <DiffView
                left={code}
                right={conflict.code}
                leftLabel="Your edit"
                rightLabel={`Version ${conflict.number}`}
              />
            ) : (
              <div role="group" aria-label="Overlapping changes">
                <ConflictSides
                  conflicts={conflict.merge.conflicts}
                  oursLabel="Your edit"
                  theirsLabel={`Version ${conflict.number}`}
                />
              </div>
            )}
            <div className="row">
              {conflict.merge.code != null ? (
                <button
                  type="button"
                  onClick={() =>
                    onTopOf(
                      conflict,
                      conflict.merge.code!,
                      `Your edit is now on top of version ${conflict.number}, with its changes merged in. Check it, then save.`,
                    )
                  }
                >
                  Keep my edit on top of version {conflict.number}
                </button>
              ) : (
                <>
                  <button type="button" onClick={() => mergedOnTop(conflict, 'OURS')}>
                    Keep my lines where both changed
                  </button>
                  <button type="button" onClick={() => mergedOnTop(conflict, 'THEIRS')}>
                    Take version {conflict.number}'s lines where both changed
                  </button>
                </>
              )}
              <button type="button" onClick={() => onTopOf(conflict, conflict.code, null)}>
                Discard my edit, take version {conflict.number}
              </button>
            </div>
          </div>
        )}
        <Outcome {...outcome} />
        {viewer.canWrite && (
          <div className="row">
            <label htmlFor="version-note">Version note</label>
            <input
              id="version-note"
              value={note}
              onChange={(e) => setNote(e.target.value)}
              placeholder="What changed"
            />
            <button
              type="button"
              className="primary"
              onClick={onSave}
              disabled={!canSave}
              aria-keyshortcuts="Control+S Meta+S"
            >
              {saving ? 'Saving…' : 'Save as new version'}
            </button>
            <button
              type="button"
              onClick={onRelease}
              disabled={releasing || dirty || releaseBlocked !== null}
              aria-describedby={releaseBlocked ? 'release-blocked' : undefined}
            >
              Release version {latest.number}
            </button>
            {tests.total > 0 && (
              <span className="muted small" data-testid="release-tests">
                <TestBadge summary={tests} /> Tests of version {latest.number}:{' '}
                {summaryWords(tests)}
              </span>
            )}
            {releaseBlocked ? (
              <span id="release-blocked" className="muted small">
                {releaseBlocked}
              </span>
            ) : (
              errorsOnly.length > 0 && (
                <span className="muted small">A version with code errors cannot be released.</span>
              )
            )}
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
