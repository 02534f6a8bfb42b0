import { hasEnded } from '../../src/domain/run-status.js';
import type { Config } from '../../src/config.js';
import { startFakeApi } from '../executor/fake-api.js';
import type { Backend } from '../helpers/backends.js';
import { forAll } from '../helpers/hooks.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The describe's fake API (test/executor/fake-api.ts) and a server on `backend` whose connectors may
 * call it (loopback allowed, one spare VM, and `overrides`), started before its first test and
 * closed after its last (see forAll).
 */
export function serverWithFakeApi(backend: Backend, overrides: Partial<Config> = {}) {
  const api = forAll(startFakeApi);
  const s = forAll(
    () =>
      startTestServer(backend, {
        CONNECTOR_HTTP_ALLOW_LOOPBACK: true,
        EXECUTOR_SPARE_VMS: 1,
        ...overrides,
      }),
    60_000,
  );
  return { api, s };
}

export const RUN_FIELDS = `
  id status target version input closure output durationMs settingsUpdated actorHandle logs
  error { message line kind }
  poll { events dedupKeys nextPoll canPollMore pages }
  httpExchanges(first: 20) { totalCount nodes { seq elapsedMs error unexpectedHost
    request { method url headers { name value } body }
    response { status headers { name value } body } } }
`;

export async function createConnector(
  s: TestServer,
  token: string,
  title: string,
  code: string,
): Promise<string> {
  const res = await s.gql(
    `mutation($i: CreateConnectorInput!) { createConnector(input: $i) { connector { id } userErrors { code message } } }`,
    { i: { title, code } },
    token,
  );
  const p = res.body.data?.createConnector;
  if (!p?.connector) throw new Error(`createConnector: ${JSON.stringify(res.body)}`);
  return p.connector.id;
}

export async function createConnection(
  s: TestServer,
  token: string,
  connectorId: string,
  name: string,
  values: Record<string, unknown>,
): Promise<string> {
  const res = await s.gql(
    `mutation($i: CreateConnectionInput!) { createConnection(input: $i) { connection { id } userErrors { code field message } } }`,
    { i: { connectorId, name, values } },
    token,
  );
  const p = res.body.data?.createConnection;
  if (!p?.connection) throw new Error(`createConnection: ${JSON.stringify(res.body)}`);
  return p.connection.id;
}

export async function startRun(s: TestServer, token: string, input: Record<string, unknown>) {
  const res = await s.gql(
    `mutation($i: RunConnectorInput!) { runConnector(input: $i) { run { id status } savedVersion { number } userErrors { code field message detail } } }`,
    { i: input },
    token,
  );
  if (res.body.errors) throw new Error(`runConnector: ${JSON.stringify(res.body.errors)}`);
  return res.body.data.runConnector as {
    run: { id: string; status: string } | null;
    savedVersion: { number: number } | null;
    userErrors: { code: string; field: string[] | null; message: string; detail: string | null }[];
  };
}

/** Reads the run until it ends (polling `node`, as a client without subscriptions would). */
export async function waitForRun(
  s: TestServer,
  token: string,
  id: string,
  timeoutMs = 90_000,
): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await s.gql(
      `query($id: ID!) { node(id: $id) { ... on ConnectorRun { ${RUN_FIELDS} } } }`,
      { id },
      token,
    );
    if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
    const run = res.body.data.node;
    if (run && hasEnded(run.status)) return run;
    if (Date.now() > until) throw new Error(`run ${id} still ${run?.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Starts a run and waits for its end. */
export async function run(
  s: TestServer,
  token: string,
  input: Record<string, unknown>,
): Promise<any> {
  const started = await startRun(s, token, input);
  if (!started.run) throw new Error(`refused: ${JSON.stringify(started.userErrors)}`);
  return waitForRun(s, token, started.run.id);
}
