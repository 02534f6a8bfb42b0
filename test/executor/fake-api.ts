/**
 * Local fake APIs on loopback for the executor's tests: an echo endpoint, and the three services
 * the fixture connectors in test/fixtures/connectors/ talk to:
 * - /taskly: tasks behind basic auth, listed in pages (`page`, `per_page`, `updated_since`);
 * - /metrics: an API key exchanged for a short-lived session token (401 once it expired);
 * - /notes: OAuth2 (authorization code and refresh_token grants) with expiring access tokens, and
 *   a consent page (`/notes/oauth/authorize`) whose Allow and Deny links send the browser back to
 *   the `redirect_uri` with a single-use code (or `error=access_denied`) and the `state`.
 * Every request is kept in `requests` so tests can check what actually reached the server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';

export interface SeenRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface FakeApi {
  url: string;
  requests: SeenRequest[];
  /** Per-test knobs. */
  state: {
    /** How many requests a metrics session token serves before it expires. */
    metricsTokenUses: number;
    /** How many requests an OAuth access token serves before it expires. */
    notesTokenUses: number;
    /** Answers queued for /flaky: status codes, first out first. */
    flaky: number[];
  };
  close(): Promise<void>;
}

export const TASKLY_USER = 'ada';
export const TASKLY_PASSWORD = 'correct-horse-battery';
export const METRICS_API_KEY = 'mk_live_51HxSecretKey';
export const NOTES_CLIENT_ID = 'notes-client';
export const NOTES_CLIENT_SECRET = 'notes-client-secret-value';

/** The settings of a Taskly connection (taskly-basic-auth.rb) that signs in to `api`. */
export const tasklySettings = (api: Pick<FakeApi, 'url'>) => ({
  base_url: api.url,
  username: TASKLY_USER,
  password: TASKLY_PASSWORD,
});

const tasks = Array.from({ length: 5 }, (_, i) => ({
  id: i + 1,
  title: `Task ${i + 1}`,
  done: i % 2 === 0,
  status: i % 2 === 0 ? 'done' : 'open',
  updated_at: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
}));

/** A fixture connector's source. */
export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/connectors/${name}`, import.meta.url), 'utf8');
}

export async function startFakeApi(): Promise<FakeApi> {
  const requests: SeenRequest[] = [];
  const state = { metricsTokenUses: 2, notesTokenUses: 2, flaky: [] as number[] };
  const sessions = new Map<string, number>();
  const accessTokens = new Map<string, number>();
  const refreshTokens = new Set<string>(['refresh-initial']);
  /** Codes the consent page issued (single use), with the redirect_uri they were issued for. */
  const issuedCodes = new Map<string, string>();
  let counter = 0;

  const send = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
      ...headers,
    });
    res.end(text);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const json = () => {
      try {
        return JSON.parse(body || '{}');
      } catch {
        return {};
      }
    };
    const form = () => Object.fromEntries(new URLSearchParams(body));

    if (path.startsWith('/echo')) {
      return send(
        res,
        Number(url.searchParams.get('status') ?? 200),
        {
          method: req.method,
          path,
          query: Object.fromEntries(url.searchParams),
          headers: req.headers,
          body,
        },
        { 'set-cookie': 'session=cookie-secret-value' },
      );
    }
    if (path === '/guarded') {
      // 401 unless the named header holds the expected value.
      const header = url.searchParams.get('header') ?? 'authorization';
      if (req.headers[header] !== url.searchParams.get('value'))
        return send(res, 401, { error: 'invalid_token' });
      return send(res, 200, { ok: true, [header]: req.headers[header] });
    }
    if (path === '/text') return send(res, 200, 'plain text answer');
    if (path === '/empty') {
      res.writeHead(204);
      return res.end();
    }
    if (path === '/redirect')
      return send(res, 302, '', { location: url.searchParams.get('to') ?? '/echo/redirected' });
    if (path === '/redirect-loop') return send(res, 302, '', { location: '/redirect-loop' });
    if (path === '/flaky') {
      const status = state.flaky.shift() ?? 200;
      return send(res, status, { status });
    }
    if (path === '/big')
      return send(res, 200, 'x'.repeat(Number(url.searchParams.get('bytes') ?? 1000)));
    if (path === '/slow') {
      setTimeout(() => send(res, 200, { slow: true }), Number(url.searchParams.get('ms') ?? 5000));
      return;
    }

    // Taskly: basic auth.
    if (path.startsWith('/taskly/')) {
      const expected =
        'Basic ' + Buffer.from(`${TASKLY_USER}:${TASKLY_PASSWORD}`).toString('base64');
      if (req.headers.authorization !== expected)
        return send(res, 401, { error: 'bad credentials' });
      if (path === '/taskly/api/me')
        return send(res, 200, { id: 7, name: 'Ada', email: 'ada@example.com' });
      if (path === '/taskly/api/statuses')
        return send(res, 200, [
          { label: 'Open', value: 'open' },
          { label: 'Done', value: 'done' },
        ]);
      if (path === '/taskly/api/tasks' && req.method === 'GET') {
        const since = url.searchParams.get('updated_since') ?? '1970-01-01T00:00:00Z';
        const page = Number(url.searchParams.get('page') ?? 1);
        const per = Number(url.searchParams.get('per_page') ?? 2);
        const matching = tasks.filter((t) => t.updated_at > since);
        const slice = matching.slice((page - 1) * per, page * per);
        return send(res, 200, {
          tasks: slice,
          next_page: page * per < matching.length ? page + 1 : null,
        });
      }
      if (path === '/taskly/api/tasks' && req.method === 'POST') {
        const input = json();
        if (!input.title) return send(res, 422, { errors: { title: ['is required'] } });
        return send(res, 201, {
          id: 100 + ++counter,
          title: input.title,
          done: Boolean(input.done),
          status: 'open',
          updated_at: new Date(Date.UTC(2026, 1, 1)).toISOString(),
        });
      }
      const one = /^\/taskly\/api\/tasks\/(\d+)$/.exec(path);
      if (one) {
        const task = tasks.find((t) => t.id === Number(one[1]));
        return task ? send(res, 200, task) : send(res, 404, { error: 'not found' });
      }
      return send(res, 404, { error: 'no route' });
    }

    // Metrics: API key → session token (custom_auth).
    if (path === '/metrics/auth/session' && req.method === 'POST') {
      const input = json();
      if (input.api_key !== METRICS_API_KEY) return send(res, 403, { error: 'unknown api key' });
      const token = `sess-${++counter}-${Math.random().toString(36).slice(2)}`;
      sessions.set(token, state.metricsTokenUses);
      return send(res, 200, { session_token: token, expires_in: 60 });
    }
    if (path.startsWith('/metrics/')) {
      const token = /^Token (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
      const left = token ? sessions.get(token) : undefined;
      if (!token || !left) return send(res, 401, { error: 'session expired' });
      sessions.set(token, left - 1);
      if (path === '/metrics/v1/series')
        return send(res, 200, {
          series: [
            {
              name: 'signups',
              points: [
                [1, 3],
                [2, 5],
              ],
            },
            { name: 'churn', points: [[1, 1]] },
          ],
        });
      const m = /^\/metrics\/v1\/series\/(\w+)$/.exec(path);
      if (m)
        return send(res, 200, {
          name: m[1],
          points: [
            [1, 3],
            [2, 5],
          ],
          total: 8,
        });
      return send(res, 404, { error: 'no route' });
    }

    // Notes: OAuth2.
    if (path === '/notes/oauth/authorize' && req.method === 'GET') {
      const q = Object.fromEntries(url.searchParams);
      if (q.client_id !== NOTES_CLIENT_ID || q.response_type !== 'code' || !q.redirect_uri)
        return send(
          res,
          400,
          'invalid_request: client_id, response_type=code and redirect_uri are required',
        );
      const decide = (choice: string) =>
        `/notes/oauth/decide?${new URLSearchParams({ choice, redirect_uri: q.redirect_uri, state: q.state ?? '' })}`;
      const html = `<!doctype html><html lang="en"><head><title>Notes: authorize</title></head><body><main>
<h1>Allow the registry to use your notes?</h1><p>Client ${q.client_id} asks to read and write your notes.</p>
<p><a id="allow" href="${decide('allow').replace(/&/g, '&amp;')}">Allow</a> <a id="deny" href="${decide('deny').replace(/&/g, '&amp;')}">Deny</a></p>
</main></body></html>`;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(html);
    }
    if (path === '/notes/oauth/decide' && req.method === 'GET') {
      const redirect = new URL(url.searchParams.get('redirect_uri') ?? '');
      const state = url.searchParams.get('state');
      if (url.searchParams.get('choice') === 'allow') {
        const code = `code-${++counter}-${Math.random().toString(36).slice(2)}`;
        issuedCodes.set(code, redirect.toString());
        redirect.searchParams.set('code', code);
      } else {
        redirect.searchParams.set('error', 'access_denied');
        redirect.searchParams.set('error_description', 'The user denied the request');
      }
      if (state) redirect.searchParams.set('state', state);
      return send(res, 302, '', { location: redirect.toString() });
    }
    if (path === '/notes/oauth/token' && req.method === 'POST') {
      const f = form();
      if (f.client_id !== NOTES_CLIENT_ID || f.client_secret !== NOTES_CLIENT_SECRET)
        return send(res, 401, { error: 'invalid_client' });
      /** A new access token and a new refresh token. */
      const issueTokens = () => {
        const access = `at-${++counter}-${Math.random().toString(36).slice(2)}`;
        accessTokens.set(access, state.notesTokenUses);
        refreshTokens.add(`rt-${counter}`);
        return send(res, 200, {
          access_token: access,
          refresh_token: `rt-${counter}`,
          token_type: 'bearer',
          expires_in: 3600,
        });
      };
      const issued = issuedCodes.get(f.code);
      if (issued !== undefined) issuedCodes.delete(f.code); // single use
      if (
        f.grant_type === 'authorization_code' &&
        (f.code === 'auth-code-1' || (issued !== undefined && issued === f.redirect_uri))
      ) {
        return issueTokens();
      }
      if (f.grant_type === 'refresh_token' && refreshTokens.has(f.refresh_token)) {
        refreshTokens.delete(f.refresh_token);
        return issueTokens();
      }
      return send(res, 400, { error: 'invalid_grant' });
    }
    if (path.startsWith('/notes/api/')) {
      const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
      const left = token ? accessTokens.get(token) : undefined;
      if (!token || !left) return send(res, 401, { error: 'invalid_token' });
      accessTokens.set(token, left - 1);
      if (path === '/notes/api/me') return send(res, 200, { user: 'ada' });
      if (path === '/notes/api/notes' && req.method === 'POST')
        return send(res, 201, { id: ++counter, ...json() });
      if (path === '/notes/api/folders')
        return send(res, 200, {
          folders: [
            { id: 'f1', name: 'Inbox' },
            { id: 'f2', name: 'Archive' },
          ],
        });
      return send(res, 404, { error: 'no route' });
    }
    send(res, 404, { error: 'no route' });
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handle(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
