import { hasEnded } from '../../run-status';
import { startTransition, Suspense, useEffect, useRef, useState } from 'react';
import { fetchQuery, graphql, useRefetchableFragment, useRelayEnvironment } from 'react-relay';
import { Link } from 'wouter';
import type { TestTab_connector$key } from '../../__generated__/TestTab_connector.graphql';
import type { TestTabRefetchQuery } from '../../__generated__/TestTabRefetchQuery.graphql';
import type {
  TestTabRunQuery,
  TestTabRunQuery$data,
} from '../../__generated__/TestTabRunQuery.graphql';
import { Outcome, useOutcome } from '../../components/Outcome';
import { when } from '../../format';
import { type FieldSpec, InputForm, useFieldEvaluation } from './InputForm';
import { SaveAsTest, TestCases } from './TestCases';
import { useCreateConnection } from '../../mutations/CreateConnectionMutation';
import { useAuthorizeConnection } from '../../mutations/AuthorizeConnectionMutation';
import { useRunConnector } from '../../mutations/RunConnectorMutation';

/**
 * The test console: pick or create a connection, pick what to run (the connection test, an
 * action, a trigger's poll), fill the input form generated from the code's input fields (JSON as
 * the fallback), run it on the sandboxed executor, and read what it did: output, every HTTP
 * exchange (requests to hosts other than the connector's base_uri flagged), logs, the error with
 * its line, a poll's events and next closure. Runs of the connector are listed below.
 */

// Read with the page's query. Runs happen on the executor, away from this page: when one ends (or
// a connection is added) the tab reads this fragment again, in place (`refetch`).
const testTabFragment = graphql`
  fragment TestTab_connector on Connector @refetchable(queryName: "TestTabRefetchQuery") {
    id
    newest: versions(first: 1) {
      nodes {
        number
        code
        hasErrors
        diagnostics {
          line
          message
          severity
        }
        actions
        triggers
        structure
        connectionSpec {
          authorizationType
          baseUriHost
          fields {
            name
            label
            type
            controlType
            optional
            secret
          }
        }
      }
    }
    connections(first: 100) {
      nodes {
        id
        name
        authorizedAt
        values {
          name
          secret
          set
          value
        }
      }
    }
    runs(first: 20) {
      nodes {
        id
        status
        target
        version
        actorHandle
        createdAt
        durationMs
      }
    }
  }
`;

const runQuery = graphql`
  query TestTabRunQuery($id: ID!) {
    node(id: $id) {
      ... on ConnectorRun {
        id
        status
        target
        version
        input
        closure
        output
        durationMs
        settingsUpdated
        logs
        error {
          message
          line
          kind
        }
        poll {
          events
          dedupKeys
          nextPoll
          canPollMore
          pages
        }
        httpExchanges(first: 100) {
          totalCount
          nodes {
            seq
            elapsedMs
            error
            unexpectedHost
            request {
              method
              url
              body
              headers {
                name
                value
              }
            }
            response {
              status
              body
              headers {
                name
                value
              }
            }
          }
        }
      }
    }
  }
`;

type Run = NonNullable<TestTabRunQuery$data['node']>;
/** The input fields the code declares for a target, when literal (null: computed at run time). */
function inputFieldsOf(structure: unknown, target: string): FieldSpec[] | null {
  const s = structure as {
    actions?: Record<string, { input: FieldSpec[] | null }>;
    triggers?: Record<string, { input: FieldSpec[] | null }>;
  } | null;
  const [kind, name] = target.split('.');
  if (target === 'test') return [];
  if (kind === 'actions') return s?.actions?.[name]?.input ?? null;
  if (kind === 'triggers') return s?.triggers?.[name]?.input ?? null;
  return null;
}

function statusTag(status: string) {
  const cls =
    status === 'SUCCEEDED' ? 'ok' : status === 'RUNNING' || status === 'QUEUED' ? 'warn' : 'danger';
  return <span className={`tag ${cls}`}>{status}</span>;
}

/** A JSON value as an expandable tree. */
function JsonTree({ value, name }: { value: unknown; name?: string }) {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value)
      ? value.map((v, i) => [String(i), v] as const)
      : Object.entries(value as Record<string, unknown>);
    return (
      <details open className="json-node">
        <summary>
          {name !== undefined && <span className="json-key">{name}: </span>}
          {Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`}
        </summary>
        <ul className="json-tree">
          {entries.map(([k, v]) => (
            <li key={k}>
              <JsonTree value={v} name={k} />
            </li>
          ))}
        </ul>
      </details>
    );
  }
  return (
    <span>
      {name !== undefined && <span className="json-key">{name}: </span>}
      <code>{JSON.stringify(value)}</code>
    </span>
  );
}

function NewConnection({
  connectorId,
  fields,
  onCreated,
}: {
  connectorId: string;
  fields: readonly FieldSpec[] | null;
  onCreated: (id: string) => void;
}) {
  const [name, setName] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [json, setJson] = useState('{}');
  const outcome = useOutcome();
  const [create, creating] = useCreateConnection();
  const submit = () => {
    let v: unknown = values;
    if (!fields) {
      try {
        v = JSON.parse(json);
      } catch {
        outcome.fail(new Error('The values are not valid JSON.'));
        return;
      }
    }
    outcome.run(
      create,
      { input: { connectorId, name, values: v } },
      (r) => r.createConnection,
      (p) => {
        if (p.connection) onCreated(p.connection.id);
        return `Connection “${name}” saved.`;
      },
    );
  };
  return (
    <fieldset className="panel">
      <legend>New connection</legend>
      <div className="row">
        <label htmlFor="connection-name">Connection name</label>
        <input id="connection-name" value={name} onChange={(e) => setName(e.target.value)} />
      </div>
      {fields ? (
        fields.map((f) => (
          <div className="row" key={f.name}>
            <label htmlFor={`conn-${f.name}`}>{f.label ?? f.name}</label>
            <input
              id={`conn-${f.name}`}
              type={f.controlType === 'password' ? 'password' : 'text'}
              autoComplete="off"
              value={values[f.name] ?? ''}
              onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
            />
          </div>
        ))
      ) : (
        <div className="row">
          <label htmlFor="connection-json">Values (JSON; the code computes its fields)</label>
          <textarea
            id="connection-json"
            value={json}
            onChange={(e) => setJson(e.target.value)}
            rows={4}
          />
        </div>
      )}
      <Outcome {...outcome} />
      <button
        type="button"
        className="primary"
        onClick={submit}
        disabled={creating || !name.trim()}
      >
        {creating ? 'Saving…' : 'Save connection'}
      </button>
    </fieldset>
  );
}

function RunResult({
  run,
  connectorId,
  baseUriHost,
  codeLines,
  connectorPath,
  onPollAgain,
  onTestSaved,
  replayOf,
}: {
  run: Run;
  replayOf: string | null;
  connectorId: string;
  onTestSaved: () => void;
  baseUriHost: string | null;
  codeLines: string[];
  connectorPath: string;
  onPollAgain: (closure: unknown) => void;
}) {
  const [copied, setCopied] = useState(false);
  const exchanges = run.httpExchanges?.nodes ?? [];
  return (
    <section aria-labelledby="result-heading" className="run-result">
      <h3 id="result-heading">
        Run of {run.target} (v{run.version}) {statusTag(run.status ?? '')}
        {run.durationMs != null && <span className="muted small"> {run.durationMs} ms</span>}
      </h3>
      {replayOf && (
        <p className="muted small">
          The replay of the test “{replayOf}”: offline, every request answered from its recording.
        </p>
      )}
      {run.status === 'SUCCEEDED' && run.id && run.target && !replayOf && (
        <SaveAsTest
          connectorId={connectorId}
          runId={run.id}
          target={run.target}
          onSaved={onTestSaved}
        />
      )}
      {run.settingsUpdated && (
        <p className="muted small">
          The run refreshed the connection's credentials; they are saved.
        </p>
      )}
      {run.error && (
        <div role="alert" className="error-box" aria-label="Run error">
          <p>
            <strong>{run.error.kind}</strong>: {run.error.message}
          </p>
          {run.error.line != null && (
            <>
              <p>
                <Link href={`${connectorPath}#L${run.error.line}`}>
                  Line {run.error.line} in the editor
                </Link>
              </p>
              <pre className="code-excerpt">
                {codeLines
                  .slice(Math.max(0, run.error.line - 2), run.error.line + 1)
                  .map((l, i) => `${Math.max(1, run.error!.line! - 1) + i}: ${l}`)
                  .join('\n')}
              </pre>
            </>
          )}
        </div>
      )}
      {run.poll && (
        <section aria-label="Poll">
          <h4>
            Poll: {run.poll.events.length} event(s), {run.poll.pages} page(s)
            {run.poll.canPollMore ? ', more waiting' : ''}
          </h4>
          <table>
            <thead>
              <tr>
                <th>Dedup key</th>
                <th>Event</th>
              </tr>
            </thead>
            <tbody>
              {run.poll.events.map((e, i) => (
                <tr key={i}>
                  <td>
                    <code>{run.poll!.dedupKeys[i] ?? '—'}</code>
                  </td>
                  <td>
                    <code>{JSON.stringify(e)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            Next closure: <code aria-label="Next closure">{JSON.stringify(run.poll.nextPoll)}</code>
          </p>
          <button type="button" onClick={() => onPollAgain(run.poll!.nextPoll)}>
            Poll again with this closure
          </button>
        </section>
      )}
      {run.output !== undefined && run.output !== null && (
        <section aria-label="Output">
          <h4>
            Output{' '}
            <button
              type="button"
              onClick={() => {
                void navigator.clipboard
                  ?.writeText(JSON.stringify(run.output, null, 2))
                  .then(() => setCopied(true));
              }}
            >
              {copied ? 'Copied' : 'Copy'}
            </button>
          </h4>
          <div className="panel json">
            <JsonTree value={run.output} />
          </div>
        </section>
      )}
      <section aria-label="HTTP">
        <h4>HTTP ({run.httpExchanges?.totalCount ?? 0})</h4>
        {exchanges.length === 0 && <p className="muted small">No requests.</p>}
        <ol className="exchanges">
          {exchanges.map((e) => (
            <li key={e.seq} className={e.unexpectedHost ? 'unexpected' : undefined}>
              <details>
                <summary>
                  <code>
                    {e.request.method} {e.request.url}
                  </code>{' '}
                  → {e.response ? e.response.status : e.error}{' '}
                  <span className="muted small">{Math.round(e.elapsedMs)} ms</span>
                  {e.unexpectedHost && (
                    <span
                      className="tag danger"
                      title={`Not the connector's base_uri host (${baseUriHost ?? 'unknown'})`}
                    >
                      unexpected host
                    </span>
                  )}
                </summary>
                <h5>Request headers</h5>
                <pre>{e.request.headers.map((h) => `${h.name}: ${h.value}`).join('\n')}</pre>
                {e.request.body && (
                  <>
                    <h5>Request body</h5>
                    <pre>{e.request.body}</pre>
                  </>
                )}
                {e.response && (
                  <>
                    <h5>Response headers</h5>
                    <pre>{e.response.headers.map((h) => `${h.name}: ${h.value}`).join('\n')}</pre>
                    <h5>Response body</h5>
                    <pre>{e.response.body}</pre>
                  </>
                )}
              </details>
            </li>
          ))}
        </ol>
      </section>
      <section aria-label="Logs">
        <h4>Logs</h4>
        {run.logs?.length ? (
          <pre>{run.logs.join('\n')}</pre>
        ) : (
          <p className="muted small">Nothing printed.</p>
        )}
      </section>
    </section>
  );
}

/**
 * *Connect* for an OAuth2 connector: asks the registry for the provider's URL (the connector's
 * `authorization_url` run in the executor, with a single-use state), keeps the cookie that binds
 * the authorization to this browser, and goes there. The provider sends the browser back to the
 * registry's /oauth/callback, which stores the tokens and links back here.
 */
function ConnectButton({
  connectionId,
  authorizedAt,
}: {
  connectionId: string;
  authorizedAt: string | null;
}) {
  const outcome = useOutcome();
  const [leaving, setLeaving] = useState(false);
  const [authorize, authorizing] = useAuthorizeConnection();
  const connect = () =>
    outcome.run(
      authorize,
      { input: { id: connectionId } },
      (r) => r.authorizeConnection,
      (p) => {
        if (!p.authorizationUrl || !p.cookie) return 'The registry gave no authorization URL.';
        const k = p.cookie;
        const secure = window.location.protocol === 'https:' ? '; Secure' : '';
        // biome-ignore lint/suspicious/noDocumentCookie: the binding cookie must reach /oauth/callback on the provider's redirect
        document.cookie = `${k.name}=${k.value}; Path=${k.path}; Max-Age=${k.maxAgeSeconds}; SameSite=Lax${secure}`;
        setLeaving(true);
        window.location.assign(p.authorizationUrl);
        return 'Opening the provider’s authorization page…';
      },
    );
  return (
    <div className="row" aria-label="OAuth2 authorization">
      <span role="status" className={authorizedAt ? 'ok' : 'muted'}>
        {authorizedAt
          ? `Connected (authorized ${when(authorizedAt)})`
          : 'Not connected: press Connect to authorize with the provider.'}
      </span>
      <button type="button" onClick={connect} disabled={authorizing || leaving}>
        {authorizing ? 'Connecting…' : authorizedAt ? 'Connect again' : 'Connect'}
      </button>
      <Outcome {...outcome} />
    </div>
  );
}

export function TestTab({
  connector,
  connectorPath,
}: {
  connector: TestTab_connector$key;
  connectorPath: string;
}) {
  const environment = useRelayEnvironment();
  const [testsKey, setTestsKey] = useState(0);
  const [c, refetch] = useRefetchableFragment<TestTabRefetchQuery, TestTab_connector$key>(
    testTabFragment,
    connector,
  );
  const refresh = () =>
    startTransition(() => {
      refetch({}, { fetchPolicy: 'store-and-network' });
    });
  const latest = c.newest.nodes[0];
  // The OAuth2 callback page links back with `?connection=<id>`.
  const [connectionId, setConnectionId] = useState<string>(
    () => new URLSearchParams(window.location.search).get('connection') ?? '',
  );
  const [creatingConnection, setCreatingConnection] = useState(false);
  const [target, setTarget] = useState('test');
  const [input, setInput] = useState<Record<string, unknown>>({});
  const [jsonMode, setJsonMode] = useState(false);
  const [jsonText, setJsonText] = useState('{}');
  const [runId, setRunId] = useState<string | null>(null);
  // The test whose replay is shown (from the tests list), if the shown run is one.
  const [replayOf, setReplayOf] = useState<string | null>(null);
  const [run, setRun] = useState<Run | null>(null);
  const outcome = useOutcome();
  const [start, starting] = useRunConnector();

  // The first connection is picked once, when there is one; "No connection" stays a choice after.
  const defaulted = useRef(false);
  useEffect(() => {
    if (defaulted.current || !c.connections.nodes[0]) return;
    defaulted.current = true;
    if (!connectionId) setConnectionId(c.connections.nodes[0].id);
  }, [c.connections.nodes, connectionId]);

  // Follows the shown run until it ends.
  useEffect(() => {
    if (!runId) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const read = () => {
      fetchQuery<TestTabRunQuery>(
        environment,
        runQuery,
        { id: runId },
        { fetchPolicy: 'network-only' },
      )
        .toPromise()
        .then((r) => {
          if (stopped) return;
          const node = r?.node ?? null;
          setRun(node && node.status ? node : null);
          if (node?.status && hasEnded(node.status)) refresh();
          else timer = setTimeout(read, 250);
        })
        .catch((e: Error) => outcome.fail(e));
    };
    read();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [runId, environment]);

  const evaluation = useFieldEvaluation({
    connectorId: c.id,
    version: latest?.number ?? 0,
    target,
    connectionId: connectionId || null,
    literal: latest ? inputFieldsOf(latest.structure, target) : [],
  });

  if (!latest) return <p>Connector not found.</p>;
  const spec = latest.connectionSpec;
  const fields = evaluation.fields;
  const firstError = latest.diagnostics.find((d) => d.severity === 'ERROR');

  const doRun = (closure?: unknown) => {
    let runInput: unknown = input;
    if (jsonMode || !fields) {
      try {
        runInput = JSON.parse(jsonText || '{}');
      } catch {
        outcome.fail(new Error('The input is not valid JSON.'));
        return;
      }
    }
    const variables = {
      input: {
        connectorId: c.id,
        version: latest.number,
        target: closure !== undefined ? target : target,
        input: runInput,
        ...(closure !== undefined && closure !== null ? { closure } : {}),
        ...(connectionId ? { connectionId } : {}),
      },
    };
    outcome.run(
      start,
      variables,
      (r) => r.runConnector,
      (p) => {
        if (p.run) {
          setRun(null);
          setReplayOf(null);
          setRunId(p.run.id);
        }
      },
    );
  };

  return (
    <>
      <section aria-labelledby="connection-heading">
        <h2 id="connection-heading">Connection</h2>
        <div className="row">
          <label htmlFor="connection-pick">Connection</label>
          <select
            id="connection-pick"
            value={connectionId}
            onChange={(e) => setConnectionId(e.target.value)}
          >
            <option value="">No connection</option>
            {c.connections.nodes.map((n) => (
              <option key={n.id} value={n.id}>
                {n.name}
              </option>
            ))}
          </select>
          <button type="button" onClick={() => setCreatingConnection(!creatingConnection)}>
            {creatingConnection ? 'Cancel' : 'New connection'}
          </button>
        </div>
        {connectionId && (
          <ul className="muted small" aria-label="Connection values">
            {c.connections.nodes
              .find((n) => n.id === connectionId)
              ?.values.map((v) => (
                <li key={v.name}>
                  {v.name}:{' '}
                  {v.secret ? (v.set ? '•••••• (set)' : 'not set') : (v.value ?? 'not set')}
                </li>
              ))}
          </ul>
        )}
        {spec.authorizationType === 'oauth2' && (
          <>
            <p className="muted small">
              OAuth2 connector: save the client's values here, then Connect; the tokens the provider
              gives (and their refreshes) are stored, sealed, with the connection.
            </p>
            {connectionId && (
              <ConnectButton
                key={connectionId}
                connectionId={connectionId}
                authorizedAt={
                  (c.connections.nodes.find((n) => n.id === connectionId)?.authorizedAt as
                    | string
                    | null
                    | undefined) ?? null
                }
              />
            )}
          </>
        )}
        {creatingConnection && (
          <NewConnection
            connectorId={c.id}
            fields={spec.fields ?? null}
            onCreated={(newId) => {
              setCreatingConnection(false);
              setConnectionId(newId);
              refresh();
            }}
          />
        )}
      </section>

      <section aria-labelledby="run-heading">
        <h2 id="run-heading">Run version {latest.number}</h2>
        {latest.hasErrors ? (
          <p className="warn-box" role="note">
            Actions and triggers are hidden: version {latest.number} has code errors
            {firstError ? ` (line ${firstError.line}: ${firstError.message})` : ''}. Fix them in the{' '}
            <Link href={connectorPath}>code</Link> first.
          </p>
        ) : (
          <>
            <div className="row">
              <label htmlFor="target-pick">What to run</label>
              <select
                id="target-pick"
                value={target}
                onChange={(e) => {
                  setTarget(e.target.value);
                  setInput({});
                  setJsonText('{}');
                }}
              >
                <option value="test">Connection test</option>
                {latest.actions.map((a) => (
                  <option key={a} value={`actions.${a}`}>
                    Action: {a}
                  </option>
                ))}
                {latest.triggers.map((t) => (
                  <option key={t} value={`triggers.${t}.poll`}>
                    Trigger poll: {t}
                  </option>
                ))}
              </select>
            </div>
            <fieldset className="panel">
              <legend>Input</legend>
              {evaluation.needsRun && (
                <p className="small">
                  {fields
                    ? 'Some fields choose from pick lists the code fetches.'
                    : 'The code computes these input fields (object definitions, config fields).'}{' '}
                  <button
                    type="button"
                    onClick={() => void evaluation.evaluate().then(() => refresh())}
                    disabled={evaluation.busy}
                  >
                    {evaluation.busy
                      ? 'Evaluating…'
                      : fields
                        ? 'Load the choices'
                        : 'Evaluate the input fields'}
                  </button>{' '}
                  <span className="muted">
                    (runs the code{connectionId ? ' with this connection' : ''}; the runs are listed
                    below)
                  </span>
                </p>
              )}
              {evaluation.error && (
                <p role="alert" className="error-box">
                  {evaluation.error}
                </p>
              )}
              {fields && !jsonMode ? (
                <InputForm
                  fields={fields}
                  choices={evaluation.choices}
                  value={input}
                  onChange={setInput}
                />
              ) : (
                <div className="row">
                  <label htmlFor="input-json">
                    Input (JSON){fields ? '' : ': the code computes its input fields'}
                  </label>
                  <textarea
                    id="input-json"
                    rows={5}
                    value={jsonText}
                    onChange={(e) => setJsonText(e.target.value)}
                  />
                </div>
              )}
              {fields && (
                <button
                  type="button"
                  onClick={() => {
                    if (!jsonMode) setJsonText(JSON.stringify(input, null, 2));
                    setJsonMode(!jsonMode);
                  }}
                >
                  {jsonMode ? 'Use the form' : 'Edit as JSON'}
                </button>
              )}
            </fieldset>
            <Outcome {...outcome} />
            <button type="button" className="primary" onClick={() => doRun()} disabled={starting}>
              {starting ? 'Starting…' : 'Run'}
            </button>
            {run && !hasEnded(run.status) && <p role="status">Run {run.status?.toLowerCase()}…</p>}
          </>
        )}
        {run && hasEnded(run.status) && (
          <RunResult
            run={run}
            connectorId={c.id}
            replayOf={replayOf}
            onTestSaved={() => setTestsKey((k) => k + 1)}
            baseUriHost={spec.baseUriHost ?? null}
            codeLines={(latest.code ?? '').split('\n')}
            connectorPath={connectorPath}
            onPollAgain={(closure) => doRun(closure)}
          />
        )}
      </section>

      <Suspense fallback={<p className="loading">Loading the tests…</p>}>
        <TestCases
          id={c.id}
          latestVersion={latest.number}
          fetchKey={testsKey}
          onShowRun={(shown, testName) => {
            setRun(null);
            setReplayOf(testName);
            setRunId(shown);
            document.getElementById('run-heading')?.scrollIntoView();
          }}
        />
      </Suspense>

      <section aria-labelledby="runs-heading">
        <h2 id="runs-heading">Runs</h2>
        {c.runs.nodes.length === 0 ? (
          <p className="muted small">No runs yet.</p>
        ) : (
          <table aria-label="Runs">
            <thead>
              <tr>
                <th>Status</th>
                <th>What</th>
                <th>Version</th>
                <th>By</th>
                <th>When</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {c.runs.nodes.map((r) => (
                <tr key={r.id}>
                  <td>{statusTag(r.status)}</td>
                  <td>
                    <code>{r.target}</code>
                  </td>
                  <td>v{r.version}</td>
                  <td>{r.actorHandle}</td>
                  <td>{when(r.createdAt as string)}</td>
                  <td>
                    <button
                      type="button"
                      onClick={() => {
                        setReplayOf(null);
                        setRunId(r.id);
                      }}
                    >
                      Show
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
