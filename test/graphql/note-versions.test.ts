import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '../../src/domain/auth.js';
import { updateConnector } from '../../src/domain/connectors.js';
import { CONNECTOR_ROW } from '../../src/domain/connector-store.js';
import { backends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { validCode } from '../fixtures/code.js';
import { CREATE, RELEASE } from '../helpers/documents.js';

/**
 * On PostgreSQL a new note through GraphQL's updateConnector runs on the raw driver
 * (updateNoteOnDriver), not through Prisma. Two identical connectors get the same updates, one
 * through GraphQL, one through the Prisma path (the domain function without the driver): their
 * versions, audit entries, webhook deliveries and rows must be the same, and the driver's
 * connector row must be Prisma's own.
 */
const UPDATE = `mutation($input: UpdateConnectorInput!) { updateConnector(input: $input) {
  connector { id title latestVersion latestVersionNote updatedAt } version { number note }
  userErrors { code message expectedLatestVersion latestVersion } } }`;
const REGISTER = `mutation($url: String!, $events: [LifecycleEventType!]!) { registerWebhook(input: { url: $url, events: $events }) { userErrors { code } } }`;

const hasPostgres = (await backends()).includes('postgres');

describe.skipIf(!hasPostgres)('new notes on the raw driver (postgres)', () => {
  let t: TestServer;
  let token: string;
  const statements: string[] = [];

  beforeAll(async () => {
    t = await startTestServer(
      'postgres',
      { WEBHOOK_ALLOW_HTTP_LOOPBACK: true },
      { onQuery: (sql) => statements.push(sql) },
    );
    token = await t.token('acme', 'DEVELOPER', 'dev');
    const hook = await t.gql(
      REGISTER,
      { url: 'http://127.0.0.1:9/hooks', events: ['VERSION_CREATED'] },
      await t.token('acme'),
    );
    expect(hook.body.data.registerWebhook.userErrors).toEqual([]);
  });
  afterAll(() => t.close());

  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) =>
    t.server.registry.db.sql.query<T>(text, params);

  async function connector(title: string) {
    const res = await t.gql(
      CREATE,
      { input: { title, code: validCode({ title: 'Same' }), note: 'one' } },
      token,
    );
    const c = res.body.data.createConnector.connector!;
    await t.gql(RELEASE, { input: { id: c.id } }, token);
    return { id: c.id as string, databaseId: c.databaseId as number };
  }

  /** What a connector's updates left, without ids, times and names. */
  async function trail(id: number, globalId: string) {
    const versions = await sql(
      `SELECT number, note, code, code_size, code_sha256, diagnostics, has_errors, actions, triggers, structure,
              created_by_id, released_at IS NOT NULL AS released, released_by_id, shared_at
       FROM connector_versions WHERE connector_id = $1 ORDER BY number`,
      [id],
    );
    const audit = await sql(
      `SELECT workspace_id, actor_kind, actor_id, actor_handle, token_id, action, before, after
       FROM audit_entries WHERE target_id = $1 AND action = 'CONNECTOR_UPDATE' ORDER BY id`,
      [globalId],
    );
    const deliveries = (
      await sql<{ webhook_id: number; event: string; payload: Record<string, unknown> }>(
        `SELECT webhook_id, event, payload FROM webhook_deliveries
         WHERE payload->'data'->>'connector' = $1 AND event = 'version.created' ORDER BY id`,
        [globalId],
      )
    ).map((d) => ({ ...d, payload: { ...d.payload, at: undefined, data: undefined } }));
    const [row] = await sql(
      `SELECT latest_version, released_version, latest_version_note, released_version_note, title, description
       FROM connectors WHERE id = $1`,
      [id],
    );
    return { versions, audit, deliveries, row };
  }

  it('leaves what the Prisma path leaves, update for update', async () => {
    const a = await connector('Driver');
    const b = await connector('Prisma');
    const ctx = {
      prisma: t.server.registry.db.prisma,
      actor: await authenticate(t.server.registry.db.prisma, token),
    };
    // A new note, the same note again (no version), a cleared note, a conflict, a note once more.
    const steps: { note: string | null; expectedLatestVersion?: number }[] = [
      { note: 'two' },
      { note: 'two' },
      { note: null },
      { note: 'late', expectedLatestVersion: 1 },
      { note: 'four', expectedLatestVersion: 3 },
    ];
    for (const step of steps) {
      statements.length = 0;
      const res = await t.gql(UPDATE, { input: { id: a.id, ...step } }, token);
      // The driver's lock and row, not the Prisma path's lock (which reads the rollout columns).
      expect(statements.some((s) => /rollout_percent, require_passing_tests/.test(s))).toBe(false);
      expect(statements.some((s) => /logo, require_passing_tests FROM connectors/.test(s))).toBe(
        true,
      );
      let prisma: unknown;
      try {
        prisma = await updateConnector(ctx, b.databaseId, step);
      } catch (error) {
        prisma = { code: (error as { code?: string }).code };
      }
      const payload = res.body.data.updateConnector;
      if (payload.userErrors.length) {
        expect(payload.userErrors[0].code).toBe((prisma as { code: string }).code);
        expect(payload.userErrors[0]).toMatchObject({ expectedLatestVersion: 1, latestVersion: 3 });
      } else {
        const p = prisma as { connector: { latestVersion: number }; version: number | null };
        expect(payload.connector.latestVersion).toBe(p.connector.latestVersion);
        expect(payload.version?.number ?? null).toBe(p.version);
      }
    }
    const [ta, tb] = [await trail(a.databaseId, a.id), await trail(b.databaseId, b.id)];
    expect(ta.versions).toHaveLength(4);
    expect(ta.audit).toHaveLength(3);
    expect(ta.deliveries).toHaveLength(4); // version 1 (createConnector) and the three new ones
    expect(ta.versions).toEqual(tb.versions);
    expect(ta.audit).toEqual(tb.audit);
    expect(ta.deliveries).toEqual(tb.deliveries);
    expect({ ...ta.row, title: null }).toEqual({ ...tb.row, title: null });
  });

  it('reads the connector row as Prisma does, every column', async () => {
    const a = await connector('Row');
    const [raw] = await sql(`SELECT ${CONNECTOR_ROW} FROM connectors WHERE id = $1`, [
      a.databaseId,
    ]);
    const prisma = await t.server.registry.db.prisma.connector.findUniqueOrThrow({
      where: { id: a.databaseId },
    });
    expect(raw).toEqual(prisma);
  });
});
