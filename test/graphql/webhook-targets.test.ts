import { lookup } from 'node:dns/promises';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { validCode } from '../fixtures/code.js';
import { CREATE } from '../helpers/documents.js';
import { until } from '../helpers/until.js';

const REGISTER = `mutation($url: String!) { registerWebhook(input: { url: $url, events: [VERSION_CREATED] }) {
  webhook { id url } userErrors { code field message } } }`;
const REMOVE = `mutation($id: ID!) { removeWebhook(input: { id: $id }) { removed userErrors { code } } }`;

/** Internal targets an attacker would aim at, in the spellings that slip past naive checks. */
const INTERNAL = [
  'https://127.0.0.1/hook',
  'https://localhost/hook',
  'https://LOCALHOST./hook',
  'https://api.localhost/hook',
  'https://[::1]/hook',
  'https://[::ffff:127.0.0.1]/hook',
  'https://169.254.169.254/latest/meta-data/',
  'https://10.0.0.7/hook',
  'https://172.16.3.4/hook',
  'https://192.168.1.1/hook',
  'https://100.64.0.1/hook',
  'https://[fd00::1]/hook',
  'https://[fe80::1]/hook',
  'https://0.0.0.0/hook',
  'https://[::]/hook',
  'https://224.0.0.1/hook',
  'https://255.255.255.255/hook',
  'https://metadata.google.internal/computeMetadata/v1/',
  'https://2130706433/hook',
  'https://0x7f000001/hook',
  'https://127.1/hook',
  'https://017700000001/hook',
  'https://user:secret@hooks.example.com/hook',
  'https://token@hooks.example.com/hook',
];

/** A TCP server that only counts connections: whatever protocol a delivery speaks, it is seen. */
async function connectionCounter() {
  let connections = 0;
  const server: TcpServer = createTcpServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    count: () => connections,
    close: () => new Promise((r) => server.close(r)),
  };
}

/** An HTTP receiver that always fails, so the registry keeps retrying. */
async function failingReceiver() {
  let received = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received += 1;
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hook`,
    count: () => received,
    close: () => new Promise((r) => server.close(r)),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A name that is not on any list but resolves to loopback (the machine's own name), else `localhost`. */
async function loopbackName(): Promise<string> {
  const name = hostname();
  try {
    const addresses = await lookup(name, { all: true });
    if (
      addresses.length &&
      addresses.every((a) => a.address.startsWith('127.') || a.address === '::1')
    )
      return name;
  } catch {
    // not resolvable
  }
  return 'localhost';
}

for (const backend of await backends()) {
  describe(`webhook targets (${backend})`, () => {
    let strict: TestServer;
    let loose: TestServer;
    let admin: string;
    let looseAdmin: string;

    beforeAll(async () => {
      strict = await startTestServer(backend, {
        WEBHOOK_RETRY_BASE_MS: 100,
        WEBHOOK_MAX_ATTEMPTS: 3,
      });
      loose = await startTestServer(backend, {
        WEBHOOK_ALLOW_HTTP_LOOPBACK: true,
        WEBHOOK_RETRY_BASE_MS: 100,
        WEBHOOK_MAX_ATTEMPTS: 30,
      });
      admin = await strict.token('hooks', 'ADMIN', 'hana');
      looseAdmin = await loose.token('hooks', 'ADMIN', 'hana');
    });
    afterAll(async () => {
      await strict.close();
      await loose.close();
    });

    it('refuses loopback, private, link-local, unique-local, multicast, unspecified and internal targets, and credentials in URLs', async () => {
      for (const url of INTERNAL) {
        const res = await strict.gql(REGISTER, { url }, admin);
        expect(res.body.data.registerWebhook.userErrors[0], url).toMatchObject({
          code: 'INVALID_INPUT',
          field: ['input', 'url'],
        });
      }
      expect(
        (await strict.gql(`{ webhooks(first: 20) { nodes { url } } }`, {}, admin)).body.data
          .webhooks.nodes,
      ).toEqual([]);
      for (const url of [
        'https://hooks.example.com/x',
        'https://93.184.216.34/x',
        'https://[2606:4700::1111]/x',
      ]) {
        expect(
          (await strict.gql(REGISTER, { url }, admin)).body.data.registerWebhook.userErrors,
          url,
        ).toEqual([]);
      }
    });

    it('refuses the deprecated IPv4-compatible IPv6 form and internal-looking or single-label names, and says when a name does not resolve', async () => {
      const register = `mutation($url: String!) { registerWebhook(input: { url: $url, events: [VERSION_CREATED] }) {
        webhook { id } targetWarning userErrors { code field message } } }`;
      const refused = {
        'https://[::127.0.0.1]/hook': /IPv4-compatible/,
        'https://[::10.0.0.7]/hook': /IPv4-compatible/,
        'https://[::93.184.216.34]/hook': /IPv4-compatible/,
        'https://metadata/computeMetadata/v1/': /single-label/,
        'https://kubernetes.default.svc/api': /internal name/,
        'https://consul.service.consul/v1/kv': /internal name/,
        // The machine's own name: one label, resolving to loopback through /etc/hosts.
        [`https://${hostname()}/hook`]: /resolves to a loopback address|single-label/,
      };
      for (const [url, message] of Object.entries(refused)) {
        const payload = (await strict.gql(register, { url }, admin)).body.data.registerWebhook;
        expect(payload.webhook, url).toBeNull();
        expect(payload.userErrors[0], url).toMatchObject({
          code: 'INVALID_INPUT',
          field: ['input', 'url'],
        });
        expect(payload.userErrors[0].message, url).toMatch(message);
        expect(payload.userErrors[0].message, url).not.toMatch(/127\.0\.0\.1|::1\b/); // the resolved address is not echoed
      }
      const unresolved = (
        await strict.gql(
          register,
          { url: 'https://no-such-host.invalid-registry-test.example/hook' },
          admin,
        )
      ).body.data.registerWebhook;
      expect(unresolved.userErrors).toEqual([]);
      expect(unresolved.webhook.id).toBeTruthy();
      expect(unresolved.targetWarning).toMatch(
        /does not resolve .* deliveries will fail until it resolves to a public address/,
      );
      const literal = (await strict.gql(register, { url: 'https://93.184.216.34/x' }, admin)).body
        .data.registerWebhook;
      expect(literal).toMatchObject({ userErrors: [], targetWarning: null });
      for (const { id } of [unresolved.webhook, literal.webhook])
        await strict.gql(REMOVE, { id }, admin);
    });

    it('keeps the loopback opt-in to loopback only', async () => {
      expect(
        (await loose.gql(REGISTER, { url: 'http://127.0.0.1:9/x' }, looseAdmin)).body.data
          .registerWebhook.userErrors,
      ).toEqual([]);
      expect(
        (await loose.gql(REGISTER, { url: 'http://localhost:9/x' }, looseAdmin)).body.data
          .registerWebhook.userErrors,
      ).toEqual([]);
      for (const url of [
        'http://10.0.0.7/x',
        'https://169.254.169.254/x',
        'https://[fd00::1]/x',
        'https://metadata.google.internal/x',
        'http://user:pw@127.0.0.1:9/x',
        'http://hooks.example.com/x',
      ]) {
        expect(
          (await loose.gql(REGISTER, { url }, looseAdmin)).body.data.registerWebhook.userErrors[0],
          url,
        ).toMatchObject({ code: 'INVALID_INPUT', field: ['input', 'url'] });
      }
    });

    it('checks the resolved address at delivery time: a name that now points inside gets nothing', async () => {
      const target = await connectionCounter();
      try {
        const name = await loopbackName();
        // Registered when the name pointed elsewhere (DNS changes): written as the registry would have stored it.
        const [ws] = await strict.server.registry.db.sql.query<{ id: number }>(
          `SELECT id FROM workspaces WHERE slug = 'hooks'`,
        );
        await strict.server.registry.db.prisma.webhook.create({
          data: {
            workspaceId: ws.id,
            url: `https://${name}:${target.port}/hook`,
            secret: 'whsec_test',
            events: ['version.created'],
          },
        });
        await strict.gql(CREATE, { input: { title: 'Rebound', code: validCode() } }, admin);
        const delivery = await until(async () => {
          const hooks = (
            await strict.gql(
              `{ webhooks(first: 5) { nodes { url deliveries(first: 5) { nodes { status attempts lastError } } } } }`,
              {},
              admin,
            )
          ).body.data.webhooks.nodes;
          const d = hooks.find((h: any) => h.url.includes(`:${target.port}/`))?.deliveries.nodes[0];
          return d?.status === 'FAILED' ? d : undefined;
        });
        expect(delivery.lastError).toMatch(/^Refused: .*(loopback|internal name)/);
        expect(delivery.attempts).toBe(3);
        expect(target.count()).toBe(0);
      } finally {
        await target.close();
      }
    });

    it('delivers nothing more to a removed webhook, retries included', async () => {
      const rx = await failingReceiver();
      try {
        const reg = (await loose.gql(REGISTER, { url: rx.url }, looseAdmin)).body.data
          .registerWebhook;
        await loose.gql(CREATE, { input: { title: 'Retried', code: validCode() } }, looseAdmin);
        await until(() => (rx.count() >= 2 ? true : undefined));
        expect(
          (await loose.gql(REMOVE, { id: reg.webhook.id }, looseAdmin)).body.data.removeWebhook,
        ).toEqual({ removed: true, userErrors: [] });
        await sleep(300); // an attempt already on the wire may still land
        const afterRemoval = rx.count();
        await sleep(2_000); // retries were due every 100-800 ms
        expect(rx.count()).toBe(afterRemoval);
        const [row] = await loose.server.registry.db.sql.query<{
          status: string;
          last_error: string;
        }>(
          `SELECT status::text AS status, last_error FROM webhook_deliveries WHERE webhook_id = $1`,
          [Number(Buffer.from(reg.webhook.id, 'base64').toString().split(':')[1])],
        );
        expect(row).toEqual({
          status: 'FAILED',
          last_error: 'The webhook was removed; not delivered.',
        });
        // A new event after removal is not even recorded for it.
        await loose.gql(CREATE, { input: { title: 'After', code: validCode() } }, looseAdmin);
        await sleep(500);
        expect(rx.count()).toBe(afterRemoval);
      } finally {
        await rx.close();
      }
    });

    it('does not show webhook URLs (or errors naming their hosts) to OPERATOR', async () => {
      const operator = await strict.token('hooks', 'OPERATOR', 'otto');
      const seen = (
        await strict.gql(
          `{ webhooks(first: 5) { nodes { url events deliveries(first: 5) { nodes { status lastError } } } } }`,
          {},
          operator,
        )
      ).body;
      expect(seen.errors).toBeUndefined();
      expect(seen.data.webhooks.nodes.length).toBeGreaterThan(0);
      for (const w of seen.data.webhooks.nodes) {
        expect(w.url).toBeNull();
        for (const d of w.deliveries.nodes) expect(d.lastError).toBeNull();
      }
      const byAdmin = (await strict.gql(`{ webhooks(first: 20) { nodes { url } } }`, {}, admin))
        .body.data.webhooks.nodes;
      expect(byAdmin.every((w: any) => typeof w.url === 'string')).toBe(true);
    });
  });
}
