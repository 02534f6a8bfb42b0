import { beforeAll, describe, expect, it } from 'vitest';
import { VM_TEST_TIMEOUT } from '../executor/helpers.js';
import { backends } from '../helpers/backends.js';
import { fixture, NOTES_CLIENT_ID, NOTES_CLIENT_SECRET } from '../executor/fake-api.js';
import { createConnection, createConnector, run, serverWithFakeApi } from './helpers.js';

const AUTHORIZE = `mutation($i: AuthorizeConnectionInput!) { authorizeConnection(input: $i) {
  authorizationUrl expiresAt cookie { name value path maxAgeSeconds } run { id target status }
  userErrors { code field message } } }`;

const CONNECTION = `query($id: ID!) { node(id: $id) { ... on ConnectionProfile {
  authorizedAt values { name secret set value } } } }`;

/** A plain HTTP GET without following redirects (as a browser's next hop would be sent). */
async function get(url: string, cookie?: string) {
  const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  return {
    status: res.status,
    location: res.headers.get('location'),
    text: await res.text(),
    headers: res.headers,
  };
}

/**
 * OAuth2 authorization-code connections end to end through the real HTTP server, against the
 * fake provider of test/executor/fake-api.ts on loopback: authorizeConnection → the provider's
 * consent page → its Allow (or Deny) link → the gateway's /oauth/callback, which exchanges the
 * code in the executor and seals the tokens; runs then use them and refresh them on 401.
 */
for (const backend of await backends()) {
  describe(`OAuth2 Connect (${backend})`, { timeout: VM_TEST_TIMEOUT }, () => {
    const { s, api } = serverWithFakeApi(backend);
    let admin: string;
    let origin: string;

    beforeAll(async () => {
      admin = await s.token('acme', 'ADMIN', 'ada');
      origin = new URL(s.url).origin;
    });

    async function notesConnection(code = fixture('notes-oauth2.rb'), title = 'Notes') {
      const connectorId = await createConnector(s, admin, title, code);
      const connectionId = await createConnection(s, admin, connectorId, 'ada', {
        base_url: api.url,
        client_id: NOTES_CLIENT_ID,
        client_secret: NOTES_CLIENT_SECRET,
      });
      return { connectorId, connectionId };
    }

    async function authorize(connectionId: string, token = admin) {
      const res = await s.gql(AUTHORIZE, { i: { id: connectionId } }, token);
      expect(res.body.errors).toBeUndefined();
      return res.body.data.authorizeConnection;
    }

    /** Consent: the provider's page, then its Allow or Deny link; answers the callback URL it redirects to. */
    async function consent(authorizationUrl: string, choice: 'allow' | 'deny') {
      const pageRes = await get(authorizationUrl);
      expect(pageRes.status).toBe(200);
      const href = new RegExp(`id="${choice}" href="([^"]+)"`)
        .exec(pageRes.text)![1]
        .replace(/&amp;/g, '&');
      const decided = await get(new URL(href, api.url).toString());
      expect(decided.status).toBe(302);
      return decided.location!;
    }

    it('Connect: the URL, the consent, the callback stores sealed tokens; runs use and refresh them', async () => {
      const { connectorId, connectionId } = await notesConnection();
      const started = await authorize(connectionId);
      expect(started.userErrors).toEqual([]);
      const url = new URL(started.authorizationUrl);
      expect(`${url.origin}${url.pathname}`).toBe(`${api.url}/notes/oauth/authorize`);
      expect(url.searchParams.get('response_type')).toBe('code');
      expect(url.searchParams.get('client_id')).toBe(NOTES_CLIENT_ID);
      expect(url.searchParams.get('redirect_uri')).toBe(`${origin}/oauth/callback`);
      const state = url.searchParams.get('state')!;
      expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(started.cookie).toMatchObject({ path: '/oauth/callback', maxAgeSeconds: 600 });
      expect(started.cookie.name).toMatch(/^cr_oauth_\d+$/);
      expect(started.run).toMatchObject({
        target: 'connection.authorization.authorization_url',
        status: 'SUCCEEDED',
      });

      const callback = await consent(started.authorizationUrl, 'allow');
      expect(callback.startsWith(`${origin}/oauth/callback?`)).toBe(true);
      const cookie = `${started.cookie.name}=${started.cookie.value}`;

      // Without the starting browser's cookie the state is refused, and not spent.
      const elsewhere = await get(callback);
      expect(elsewhere.status).toBe(400);
      expect(elsewhere.text).toContain('started in another browser');

      const done = await get(callback, cookie);
      expect(done.status).toBe(200);
      expect(done.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(done.headers.get('referrer-policy')).toBe('no-referrer');
      expect(done.text).toContain('Connected');
      expect(done.text).toContain('is authorized');

      const conn = (await s.gql(CONNECTION, { id: connectionId }, admin)).body.data.node;
      expect(conn.authorizedAt).not.toBeNull();
      expect(conn.values).toEqual(
        expect.arrayContaining([
          { name: 'access_token', secret: true, set: true, value: null },
          { name: 'refresh_token', secret: true, set: true, value: null },
        ]),
      );

      // Replayed: the state is spent.
      const replay = await get(callback, cookie);
      expect(replay.status).toBe(400);
      expect(replay.text).toContain('unknown, already used or expired');

      // The exchange is a run of its own, recorded without the code or the tokens.
      const runs = await s.gql(
        `query($id: ID!) { node(id: $id) { ... on Connector { runs(first: 10) { nodes { target status settingsUpdated input output
          httpExchanges(first: 5) { nodes { request { url body } response { status body } } } } } } } }`,
        { id: connectorId },
        admin,
      );
      const exchange = runs.body.data.node.runs.nodes.find(
        (r: { target: string }) => r.target === 'connection.authorization.acquire',
      );
      expect(exchange).toMatchObject({ status: 'SUCCEEDED', settingsUpdated: true });
      const recorded = JSON.stringify(exchange);
      const code = new URL(callback).searchParams.get('code')!;
      expect(recorded).not.toContain(code);
      expect(recorded).not.toContain(NOTES_CLIENT_SECRET);
      expect(recorded).not.toMatch(/at-\d+-/);
      expect(exchange.httpExchanges.nodes[0].request.url).toBe(`${api.url}/notes/oauth/token`);
      const audit = await s.gql(
        `{ auditLog(first: 5, actions: [CONNECTION_AUTHORIZE]) { nodes { action actor targetId after } } }`,
        {},
        admin,
      );
      expect(audit.body.errors).toBeUndefined();
      expect(audit.body.data.auditLog.nodes).toHaveLength(1);
      expect(audit.body.data.auditLog.nodes[0]).toMatchObject({
        actor: 'ada',
        targetId: connectionId,
      });
      expect(JSON.stringify(audit.body.data.auditLog.nodes)).not.toMatch(/at-\d+-|code-\d+-/);

      // Runs use the tokens; the access token serves 2 requests, then the run refreshes it on 401.
      api.state.notesTokenUses = 2;
      const first = await run(s, admin, { connectorId, target: 'test', connectionId });
      expect(first.status, JSON.stringify(first.error)).toBe('SUCCEEDED');
      expect(first.output).toEqual({ user: 'ada' });
      await run(s, admin, { connectorId, target: 'test', connectionId });
      const refreshed = await run(s, admin, { connectorId, target: 'test', connectionId });
      expect(refreshed.status, JSON.stringify(refreshed.error)).toBe('SUCCEEDED');
      expect(refreshed.settingsUpdated).toBe(true);
      expect(
        refreshed.httpExchanges.nodes.map(
          (e: { request: { url: string }; response: { status: number } }) =>
            `${new URL(e.request.url).pathname} ${e.response.status}`,
        ),
      ).toEqual(['/notes/api/me 401', '/notes/oauth/token 200', '/notes/api/me 200']);
      const after = await run(s, admin, { connectorId, target: 'test', connectionId });
      expect(after.status, JSON.stringify(after.error)).toBe('SUCCEEDED');
      expect(after.settingsUpdated).toBe(false);
    });

    it('without acquire, the code is exchanged at token_url', async () => {
      const code = fixture('notes-oauth2.rb').replace(/acquire: lambda do.*?\n {6}end,\n/s, '');
      expect(code).not.toContain('acquire');
      const { connectorId, connectionId } = await notesConnection(code, 'Notes (token_url)');
      const started = await authorize(connectionId);
      const callback = await consent(started.authorizationUrl, 'allow');
      const done = await get(callback, `${started.cookie.name}=${started.cookie.value}`);
      expect(done.status).toBe(200);
      const test = await run(s, admin, { connectorId, target: 'test', connectionId });
      expect(test.status, JSON.stringify(test.error)).toBe('SUCCEEDED');
    });

    it("the provider's refusal is a clear page, and spends the state; nothing is stored", async () => {
      const { connectionId } = await notesConnection(fixture('notes-oauth2.rb'), 'Notes (denied)');
      const started = await authorize(connectionId);
      const callback = await consent(started.authorizationUrl, 'deny');
      const cookie = `${started.cookie.name}=${started.cookie.value}`;
      const denied = await get(callback, cookie);
      expect(denied.status).toBe(400);
      expect(denied.text).toContain('Not connected');
      expect(denied.text).toContain(
        'The provider refused the authorization: access_denied (The user denied the request).',
      );
      expect((await get(callback, cookie)).text).toContain('unknown, already used or expired');
      const conn = (await s.gql(CONNECTION, { id: connectionId }, admin)).body.data.node;
      expect(conn.authorizedAt).toBeNull();
      expect(conn.values.map((v: { name: string }) => v.name)).not.toContain('access_token');
    });

    it('forged, missing and hostile callback parameters are refused with a page, never a 500', async () => {
      for (const query of [
        '',
        '?code=x',
        '?state=forged&code=x',
        `?state=${'a'.repeat(5000)}`,
        '?state=%00%ff&code=%3Cscript%3E',
        '?error=%3Cscript%3Ealert(1)%3C/script%3E&state=x',
      ]) {
        const res = await get(`${origin}/oauth/callback${query}`, 'cr_oauth_1=nope; other=1');
        expect(res.status, query).toBe(400);
        expect(res.text).toContain('Not connected');
        expect(res.text).not.toContain('<script>');
      }
      expect((await fetch(`${origin}/oauth/callback`, { method: 'POST' })).status).toBe(405);
    });

    it('only ADMIN and DEVELOPER of its workspace may start it; a connector that is not OAuth2 is refused', async () => {
      const { connectionId } = await notesConnection(fixture('notes-oauth2.rb'), 'Notes (roles)');
      const operator = await s.token('acme', 'OPERATOR', 'otto');
      const developer = await s.token('acme', 'DEVELOPER', 'dev');
      const stranger = await s.token('other', 'ADMIN', 'eve');
      expect((await authorize(connectionId, operator)).userErrors[0].code).toBe('FORBIDDEN');
      expect((await authorize(connectionId, stranger)).userErrors[0].code).toBe('NOT_FOUND');
      expect((await authorize(connectionId, developer)).authorizationUrl).toContain('state=');

      const taskly = await createConnector(s, admin, 'Taskly', fixture('taskly-basic-auth.rb'));
      const basic = await createConnection(s, admin, taskly, 'ada', { base_url: api.url });
      const refused = await authorize(basic);
      expect(refused.authorizationUrl).toBeNull();
      expect(refused.userErrors[0]).toMatchObject({
        code: 'INVALID_INPUT',
        field: ['input', 'id'],
      });
    });
  });
}
