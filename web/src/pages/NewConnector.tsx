import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import type { CodeEditorHandle } from '../components/CodeEditor';
import { CodeEditor } from '../components/lazy';
import {
  ConnectorFields,
  emptyDetails,
  type ConnectorDetails,
} from '../components/ConnectorFields';
import { Outcome, useOutcome } from '../components/Outcome';
import { useCreateConnector } from '../mutations/CreateConnectorMutation';
import { ProblemList, useCodeCheck } from '../components/Problems';
import { clearDraft, readDraft, writeDraft } from '../drafts';
import { useLeaveGuard, useSaveShortcut } from '../leave-guard';
import { useViewer } from '../viewer';
import { codeTitle, STARTER, withCodeTitle } from './starter';

/** The unsaved form as this tab keeps it (the logo is not kept: a reload asks for the file again). */
interface Draft {
  details: Omit<ConnectorDetails, 'logo'>;
  note: string;
  code: string;
}

const DRAFT = 'new-connector';
export const DSL_REFERENCE =
  'https://docs.workato.com/developing-connectors/sdk/sdk-reference.html';

export default function NewConnectorPage() {
  const viewer = useViewer();
  const [, navigate] = useLocation();
  const [restored] = useState(() => readDraft<Draft>(DRAFT));
  const [details, setDetails] = useState<ConnectorDetails>(
    restored ? { ...restored.details, logo: null } : emptyDetails,
  );
  const [note, setNote] = useState(restored?.note ?? '');
  const [code, setCode] = useState(restored?.code ?? STARTER);
  const outcome = useOutcome();
  const editor = useRef<CodeEditorHandle>(null);
  const form = useRef<HTMLFormElement>(null);
  const [created, setCreated] = useState(false);
  const [commit, saving] = useCreateConnector();

  const edited =
    !created &&
    (code !== STARTER ||
      details.title !== '' ||
      details.description !== '' ||
      note !== '' ||
      details.logo != null);
  useEffect(() => {
    if (edited)
      writeDraft(DRAFT, {
        details: { title: details.title, description: details.description, removeLogo: false },
        note,
        code,
      } satisfies Draft);
    else clearDraft(DRAFT);
  }, [edited, details.title, details.description, note, code]);
  useLeaveGuard(edited);
  useSaveShortcut(() => form.current?.requestSubmit());
  // The code is checked as it is typed, before anything is created.
  const live = useCodeCheck(code, viewer.canWrite);

  if (!viewer.canWrite) return <p>Your role cannot create connectors.</p>;

  // The Title field and the code's `title:` are one name: typing a title writes it into the code,
  // as long as the code's title is still the one the form put there (an edited one is left alone).
  const onDetails = (next: ConnectorDetails) => {
    if (next.title !== details.title) {
      const current = codeTitle(code);
      if (
        current !== null &&
        (current === details.title || (details.title === '' && current === codeTitle(STARTER)))
      )
        setCode(withCodeTitle(code, next.title));
    }
    setDetails(next);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { title, description, logo } = details;
    outcome.run(
      commit,
      { input: { title, code, description: description || null, note: note || null, logo } },
      (r) => r.createConnector,
      (r) => {
        if (!r.connector) return;
        setCreated(true);
        clearDraft(DRAFT);
        navigate(`/connectors/${encodeURIComponent(r.connector.id)}`);
      },
    );
  };

  const checked = live.check;
  return (
    <section aria-labelledby="new-title">
      <h1 id="new-title">New connector</h1>
      <form className="stack" onSubmit={submit} ref={form}>
        <ConnectorFields value={details} onChange={onDetails} />
        <div>
          <label htmlFor="note">Version note</label>
          <input id="note" value={note} onChange={(e) => setNote(e.target.value)} />
        </div>
        <div>
          <span id="code-label" className="label">
            <strong>Code</strong> (Ruby)
          </span>
          <p className="hint">
            The starter below works as it is. The Title above fills in its <code>title:</code> (the
            name the code carries when it is exported or shared). See the{' '}
            <a href={DSL_REFERENCE} target="_blank" rel="noreferrer">
              connector DSL reference
            </a>
            .
          </p>
          <CodeEditor
            value={code}
            onChange={setCode}
            label="Connector code"
            handle={editor}
            diagnostics={live.checkedCode === code && checked ? checked.diagnostics : []}
          />
          {checked && (
            <ProblemList
              problems={checked.diagnostics}
              heading={live.checking ? 'Problems (checking…)' : 'Problems'}
              onPick={(p) => editor.current?.goTo(p.line, p.column)}
            />
          )}
          {checked && live.checkedCode === code && checked.diagnostics.length === 0 && (
            <p className="muted small" role="status">
              Checked: no problems ({checked.actions.length}{' '}
              {checked.actions.length === 1 ? 'action' : 'actions'}, {checked.triggers.length}{' '}
              {checked.triggers.length === 1 ? 'trigger' : 'triggers'}).
            </p>
          )}
        </div>
        <Outcome {...outcome} />
        <div className="row">
          <button
            type="submit"
            className="primary"
            disabled={saving}
            aria-keyshortcuts="Control+S Meta+S"
          >
            {saving ? 'Creating…' : 'Create connector'}
          </button>
        </div>
      </form>
    </section>
  );
}
