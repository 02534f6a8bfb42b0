/**
 * The floor for the HTTP benchmark: node:http and a bare driver (pg, or PGlite in process) running
 * the SQL a read and a write need (token lookup, list with the three newest versions of each;
 * token lookup, row lock, new version, counter bump), with no framework, no GraphQL, no ORM.
 * Usage: tsx bench/floor-server.ts <postgres-url | pglite-dir> <port>
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

const [target, port] = process.argv.slice(2);
type Query = (text: string, params: unknown[]) => Promise<any[]>;
let query: Query;
let transaction: <T>(fn: (q: Query) => Promise<T>) => Promise<T>;
if (target.startsWith('postgres')) {
  const pool = new pg.Pool({ connectionString: target, max: 10 });
  query = async (text, params) => (await pool.query(text, params)).rows;
  transaction = async (fn) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(async (text, params) => (await client.query(text, params)).rows);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK');
      throw e;
    } finally {
      client.release();
    }
  };
} else {
  const lite = await PGlite.create(target);
  query = async (text, params) => (await lite.query<any>(text, params)).rows;
  transaction = (fn) =>
    lite.transaction((tx) => fn(async (text, params) => (await tx.query<any>(text, params)).rows));
}

async function actor(header: string | undefined) {
  const token = header?.replace(/^Bearer\s+/i, '') ?? '';
  const hash = createHash('sha256').update(token).digest('hex');
  const [row] = await query(
    `SELECT t.id, m.id AS member_id, m.workspace_id FROM api_tokens t JOIN members m ON m.id = t.member_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
    [hash],
  );
  return row as { id: number; member_id: number; workspace_id: number } | undefined;
}

async function read(workspaceId: number) {
  const connectors = await query(
    `SELECT id, title, latest_version, released_version FROM connectors WHERE workspace_id = $1 ORDER BY id DESC LIMIT 20`,
    [workspaceId],
  );
  const versions = await query(
    `SELECT connector_id, number, note, created_at FROM (
       SELECT v.*, row_number() OVER (PARTITION BY connector_id ORDER BY number DESC) AS rn FROM connector_versions v WHERE connector_id = ANY($1)
     ) x WHERE rn <= 3 ORDER BY connector_id DESC, number DESC`,
    [connectors.map((c) => c.id)],
  );
  return connectors.map((c) => ({
    ...c,
    versions: versions.filter((v) => v.connector_id === c.id),
  }));
}

async function write(id: number, who: { member_id: number; workspace_id: number }, note: string) {
  return transaction(async (q) => {
    const [locked] = await q(
      `SELECT latest_version FROM connectors WHERE id = $1 AND workspace_id = $2 FOR UPDATE`,
      [id, who.workspace_id],
    );
    const [latest] = await q(
      `SELECT code, diagnostics, has_errors, actions, triggers, code_size, code_sha256, structure FROM connector_versions WHERE connector_id = $1 AND number = $2`,
      [id, locked.latest_version],
    );
    const number = locked.latest_version + 1;
    await q(
      `INSERT INTO connector_versions (connector_id, number, note, code, code_size, diagnostics, has_errors, actions, triggers, code_sha256, structure, created_by_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        id,
        number,
        note,
        latest.code,
        latest.code_size,
        JSON.stringify(latest.diagnostics),
        latest.has_errors,
        latest.actions,
        latest.triggers,
        latest.code_sha256,
        latest.structure == null ? null : JSON.stringify(latest.structure),
        who.member_id,
      ],
    );
    await q(`UPDATE connectors SET latest_version = $1, updated_at = now() WHERE id = $2`, [
      number,
      id,
    ]);
    // The registry looks up the workspace's webhooks to queue lifecycle events in the same transaction.
    await q(`SELECT id, events FROM webhooks WHERE workspace_id = $1 AND disabled_at IS NULL`, [
      who.workspace_id,
    ]);
    return { id, latestVersion: number };
  });
}

createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  try {
    const who = await actor(req.headers.authorization);
    if (!who) {
      res.writeHead(401).end();
      return;
    }
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    const data =
      req.url === '/write' ? await write(body.id, who, body.note) : await read(who.workspace_id);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }));
  } catch (e) {
    res.writeHead(500).end(String(e));
  }
}).listen(Number(port), '127.0.0.1', () => console.log(`floor on http://127.0.0.1:${port}`));
