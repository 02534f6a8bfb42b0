import { execFile } from 'node:child_process';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { revokeToken, setMemberRole } from '../../src/domain/auth.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { backends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { validCode } from '../fixtures/code.js';
import { CREATE } from '../helpers/documents.js';

const run = promisify(execFile);
const BIN = new URL('../../bin/connector-registry.js', import.meta.url).pathname;

/**
 * An SSE subscription (node:http: undici's fetch on Node 20 throws an uncaught "ReadableStream is
 * already closed" when a server ends an event stream) that records every event and says when the
 * server ended the stream.
 */
async function stream(url: string, query: string, token: string) {
  const body = JSON.stringify({ query });
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          authorization: `Bearer ${token}`,
          'content-length': Buffer.byteLength(body),
        },
      },
      resolve,
    );
    req.on('error', reject);
    req.end(body);
  });
  expect(res.statusCode).toBe(200);
  const events: any[] = [];
  let ended = false;
  let buffer = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    buffer += chunk;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (/^event: complete/m.test(block)) continue;
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trim())
        .join('\n');
      if (data) events.push(JSON.parse(data));
    }
  });
  const closed = new Promise<void>((resolve) => {
    res.on('end', resolve);
    res.on('close', resolve);
    res.on('error', () => resolve());
  }).then(() => {
    ended = true;
  });
  return {
    events,
    ended: () => ended,
    /** Resolves when the server closes the stream; rejects after `ms`. */
    closedWithin: (ms: number) =>
      Promise.race([
        closed,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error(`stream still open after ${ms} ms`)), ms),
        ),
      ]),
    close: () => {
      if (!ended) res.destroy();
    },
  };
}

async function until(fn: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const LIFECYCLE = `subscription { lifecycleEvents { type data } }`;
const NOTIFICATIONS = `subscription { notificationAdded { parentVersion } }`;

for (const backend of await backends()) {
  describe(`revoking a token or changing a role ends its open streams (${backend})`, () => {
    let t: TestServer;
    /** A second gateway on the same PostgreSQL (the streams live there); on PGlite, the same server. */
    let second: RunningServer | null = null;
    let streamUrl: string;
    let admin: string;

    beforeAll(async () => {
      t = await startTestServer(backend);
      admin = await t.token('streamers', 'ADMIN', 'ada');
      if (t.databaseUrl) {
        second = await startServer(
          loadConfig(
            { LOG_LEVEL: 'silent' },
            {
              PORT: 0,
              DATABASE_URL: t.databaseUrl,
              RATE_LIMIT_PER_SECOND: 10_000,
              RATE_LIMIT_BURST: 10_000,
            },
          ),
        );
        streamUrl = `${second.url}/graphql`;
      } else {
        streamUrl = t.url;
      }
    }, 180_000); // a loaded two-core machine can take a minute to set this up on PGlite
    afterAll(async () => {
      await second?.close();
      await t.close();
    });

    /** Revokes as an operator would: the CLI in its own process on PostgreSQL; in process on PGlite (one process owns its files). */
    async function revoke(tokenId: number) {
      if (t.databaseUrl) {
        const env = { ...process.env, DATABASE_URL: t.databaseUrl, LOG_LEVEL: 'silent' };
        expect(
          (await run('node', [BIN, 'token', 'revoke', String(tokenId)], { env })).stdout,
        ).toContain(`token ${tokenId} revoked`);
      } else {
        await revokeToken(t.server.registry.db.prisma, tokenId);
      }
    }

    it('ends every stream of a revoked token at once, with an UNAUTHENTICATED last event, and no other stream', async () => {
      const dev = await t.token('streamers', 'DEVELOPER', 'dev');
      const [{ id: tokenId }] = await t.server.registry.db.sql.query<{ id: number }>(
        `SELECT t.id FROM api_tokens t JOIN members m ON m.id = t.member_id WHERE m.handle = 'dev' ORDER BY t.id DESC LIMIT 1`,
      );
      const lifecycle = await stream(streamUrl, LIFECYCLE, dev);
      const notifications = await stream(streamUrl, NOTIFICATIONS, dev);
      const bystander = await stream(streamUrl, LIFECYCLE, admin);
      try {
        await new Promise((r) => setTimeout(r, 300)); // subscriptions registered
        await t.gql(CREATE, { input: { title: 'Before', code: validCode() } }, admin);
        await until(() => lifecycle.events.length === 1 && bystander.events.length === 1);

        const started = Date.now();
        await revoke(tokenId);
        await lifecycle.closedWithin(5_000);
        await notifications.closedWithin(5_000);
        const revokedAfter = Date.now() - started;
        expect(lifecycle.events.at(-1).errors[0].extensions.code).toBe('UNAUTHENTICATED');
        expect(notifications.events.at(-1).errors[0].extensions.code).toBe('UNAUTHENTICATED');
        expect(revokedAfter).toBeLessThan(t.databaseUrl ? 60_000 : 2_000); // the CLI needs its own start-up

        await t.gql(CREATE, { input: { title: 'After', code: validCode() } }, admin);
        await until(() => bystander.events.length === 2);
        expect(bystander.ended()).toBe(false);
        expect(lifecycle.events).toHaveLength(2); // the one event before, then the end
        // The revoked token cannot subscribe again.
        expect((await t.gql(`{ connectors(first: 1) { totalCount } }`, {}, dev)).status).toBe(401);
      } finally {
        lifecycle.close();
        notifications.close();
        bystander.close();
      }
    }, 90_000);

    it("ends a member's streams when the member's role changes", async () => {
      const token = await t.token('streamers', 'DEVELOPER', 'ric');
      const other = await t.token('streamers', 'DEVELOPER', 'stay');
      const s = await stream(streamUrl, LIFECYCLE, token);
      const unaffected = await stream(streamUrl, LIFECYCLE, other);
      try {
        await new Promise((r) => setTimeout(r, 300));
        await setMemberRole(t.server.registry.db.prisma, {
          workspace: 'streamers',
          handle: 'ric',
          role: 'OPERATOR',
        });
        await s.closedWithin(5_000);
        expect(s.events.at(-1).errors[0].extensions.code).toBe('UNAUTHENTICATED');
        await t.gql(CREATE, { input: { title: 'Still streaming', code: validCode() } }, admin);
        await until(() => unaffected.events.length === 1);
        expect(unaffected.ended()).toBe(false);
      } finally {
        s.close();
        unaffected.close();
      }
    });
  });
}
