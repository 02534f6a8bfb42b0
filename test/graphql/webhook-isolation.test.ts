import { createServer as createTcpServer, type Socket } from 'node:net';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { validCode } from '../fixtures/code.js';
import { CREATE } from '../helpers/documents.js';
import { until as waitUntil } from '../helpers/until.js';

const REGISTER = `mutation($url: String!) { registerWebhook(input: { url: $url, events: [VERSION_CREATED] }) { webhook { id } userErrors { code message } } }`;
const DELIVERIES = `{ webhooks(first: 5) { nodes { deliveries(first: 20) { nodes { status attempts lastError } } } } }`;

/**
 * A receiver that accepts the POST and then answers one header byte at a time, for ever: the
 * socket never goes idle, so only a total deadline ends an attempt.
 */
async function drippingReceiver(intervalMs = 200) {
  const open = new Set<Socket>();
  let connections = 0;
  let mostAtOnce = 0;
  const server = createTcpServer((socket) => {
    connections += 1;
    open.add(socket);
    mostAtOnce = Math.max(mostAtOnce, open.size);
    let started = false;
    socket.on('data', () => {
      if (started) return;
      started = true;
      socket.write('HTTP/1.1 200 OK\r\nX-Slow: ');
      const drip = setInterval(
        () => (socket.destroyed ? clearInterval(drip) : socket.write('a')),
        intervalMs,
      );
      socket.on('close', () => clearInterval(drip));
    });
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hook`,
    open: () => open.size,
    connections: () => connections,
    mostAtOnce: () => mostAtOnce,
    close: () => {
      for (const s of open) s.destroy();
      return new Promise((r) => server.close(r));
    },
  };
}

/** A receiver that answers 204 at once and notes when each delivery arrived. */
async function promptReceiver() {
  const arrivals: number[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      arrivals.push(Date.now());
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hook`,
    arrivals,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(r);
      }),
  };
}

/** Deliveries here wait on deadlines: up to 20 s. */
const until = <T>(fn: () => Promise<T | undefined> | T | undefined, ms = 20_000) =>
  waitUntil(fn, ms);

for (const backend of await backends()) {
  describe(`webhook deliveries: deadlines and isolation between workspaces (${backend})`, () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer(backend, {
        WEBHOOK_ALLOW_HTTP_LOOPBACK: true,
        WEBHOOK_RETRY_BASE_MS: 60_000,
        WEBHOOK_MAX_ATTEMPTS: 3,
        WEBHOOK_TIMEOUT_MS: 3_000,
      });
    });
    afterAll(() => t.close());

    it("delivers one workspace's events while another's receiver drips, and cuts the dripping attempt at its total deadline", async () => {
      const slow = await drippingReceiver();
      const fast = await promptReceiver();
      try {
        const slowAdmin = await t.token('slowco', 'ADMIN', 'sam');
        const fastAdmin = await t.token('fastco', 'ADMIN', 'fay');
        expect(
          (await t.gql(REGISTER, { url: slow.url }, slowAdmin)).body.data.registerWebhook
            .userErrors,
        ).toEqual([]);
        expect(
          (await t.gql(REGISTER, { url: fast.url }, fastAdmin)).body.data.registerWebhook
            .userErrors,
        ).toEqual([]);
        for (let i = 0; i < 6; i++)
          await t.gql(CREATE, { input: { title: `Slow ${i}`, code: validCode() } }, slowAdmin);
        // The slow workspace's attempts are on the wire, dripping.
        await until(() => (slow.open() > 0 ? true : undefined));
        await t.gql(CREATE, { input: { title: 'Fast', code: validCode() } }, fastAdmin);
        await until(() => (fast.arrivals.length > 0 ? true : undefined));
        // It arrived while the dripping receiver still held its connections open.
        expect(slow.open()).toBeGreaterThan(0);
        // At most a few of the slow workspace's attempts ran at once.
        expect(slow.mostAtOnce()).toBeLessThanOrEqual(4);
        // Each dripping attempt ends at the deadline (the socket never went idle) and waits for its retry.
        const failed = await until(async () => {
          const nodes = (await t.gql(DELIVERIES, {}, slowAdmin)).body.data.webhooks.nodes[0]
            .deliveries.nodes;
          const ended = nodes.filter((d: any) => d.lastError);
          return ended.length >= 1 ? ended : undefined;
        });
        expect(failed[0]).toMatchObject({
          status: 'PENDING',
          attempts: 1,
          lastError: 'No answer within 3000 ms.',
        });
        // The rest of its queue went as slots came free, still never more than 4 at once.
        await until(() => (slow.connections() >= 6 ? true : undefined), 30_000);
        expect(slow.mostAtOnce()).toBeLessThanOrEqual(4);
      } finally {
        await slow.close();
        await fast.close();
      }
    }, 60_000);
  });

  describe(`webhook deliveries at shutdown (${backend})`, () => {
    it('stops within SHUTDOWN_GRACE_MS while a receiver is still dripping, and puts the attempt back as due', async () => {
      const slow = await drippingReceiver();
      const t = await startTestServer(backend, {
        WEBHOOK_ALLOW_HTTP_LOOPBACK: true,
        WEBHOOK_TIMEOUT_MS: 120_000,
        SHUTDOWN_GRACE_MS: 1_000,
      });
      try {
        const admin = await t.token('slowco', 'ADMIN', 'sam');
        await t.gql(REGISTER, { url: slow.url }, admin);
        await t.gql(CREATE, { input: { title: 'Slow', code: validCode() } }, admin);
        await until(() => (slow.open() > 0 ? true : undefined));
        const started = Date.now();
        const outcome = await Promise.race([
          t.server.close().then(() => 'closed'),
          new Promise((r) => setTimeout(() => r('still open'), 15_000)),
        ]);
        expect(outcome).toBe('closed');
        // Bounded by the grace (1 s) and the database's own close, not by the receiver (120 s deadline).
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(slow.open()).toBe(0);
        if (t.databaseUrl) {
          const pg = (await import('pg')).default;
          const c = new pg.Client({ connectionString: t.databaseUrl });
          await c.connect();
          const { rows } = await c.query(
            `SELECT status::text AS status, attempts, next_attempt_at <= now() AS due FROM webhook_deliveries`,
          );
          await c.end();
          expect(rows).toEqual([{ status: 'PENDING', attempts: 0, due: true }]);
        }
      } finally {
        await t.close().catch(() => {});
        await slow.close();
      }
    }, 60_000);
  });
}
