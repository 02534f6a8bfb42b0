import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type createPostgresDatabase } from '../helpers/backends.js';
import { validCode } from '../fixtures/code.js';
import { cli, gqlAt as gql, startServerProcess } from '../helpers/processes.js';
import { migratedDatabase } from '../helpers/templates.js';
import { CREATE } from '../helpers/documents.js';

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const IMPORT = `mutation($m: JSON!, $dry: Boolean) { importManifest(input: { manifest: $m, dryRun: $dry }) { entries { action } } }`;

/** SIGKILL in the middle of work, restart on the same data: acknowledged writes stay, half imports never exist. */
for (const backend of await backends()) {
  describe(`crash safety under SIGKILL (${backend})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'registry-crash-'));
    let env: NodeJS.ProcessEnv;
    let pgdb: Awaited<ReturnType<typeof createPostgresDatabase>> | null = null;
    let dev: string;
    let prod: string;
    let server: { url: string; child: ChildProcess } | null = null;

    beforeAll(async () => {
      // A migrated database to start from: this file is about crashes, not about a first start.
      const migrated = await migratedDatabase(backend, join(dir, 'pglite'));
      pgdb = migrated.pgdb;
      // This process's environment, the database's on top (a PGlite data directory drops any DATABASE_URL).
      env = migrated.env({
        ...process.env,
        PORT: '0',
        LOG_LEVEL: 'silent',
        RATE_LIMIT_PER_SECOND: '100000',
        RATE_LIMIT_BURST: '100000',
        GRAPHQL_RATE_LIMIT_POINTS: '100000000',
      });
      // Minted by the CLI, as an operator would: the embedded database's lock is then only ever
      // held by child processes, so this file can share a test process with others (vitest.config.ts).
      const token = async (workspace: string, handle: string) => {
        const made = await cli(
          env,
          'token',
          'create',
          '--workspace',
          workspace,
          '--role',
          'ADMIN',
          '--handle',
          handle,
        );
        expect(made.code, made.stderr).toBe(0);
        return made.stdout.trim();
      };
      dev = await token('dev', 'dana');
      prod = await token('prod', 'pat');
    }, 60_000);

    afterAll(async () => {
      if (server) await kill(server.child);
      rmSync(dir, { recursive: true, force: true });
      await pgdb?.drop();
    });

    async function restart() {
      if (server) await kill(server.child);
      server = await startServerProcess(env);
      return server.url;
    }

    it('keeps every acknowledged update of a stream of updates', async () => {
      let url = await restart();
      const id = (
        await gql(url, CREATE, { input: { title: 'Streamed', code: validCode(), note: 'n1' } }, dev)
      ).data.createConnector.connector.id;
      const acked = new Map<number, string>(); // version -> note
      let stop = false;
      const writer = async (w: number) => {
        for (let i = 0; !stop; i++) {
          const note = `w${w}-${i}`;
          try {
            const res = await gql(
              url,
              `mutation($input: UpdateConnectorInput!) { updateConnector(input: $input) { version { number } } }`,
              { input: { id, note } },
              dev,
            );
            const made = res.data?.updateConnector?.version;
            if (made) acked.set(made.number, note);
          } catch {
            return; // the server died under this request: not acknowledged
          }
        }
      };
      const writers = [0, 1, 2, 3].map(writer);
      // Kill once a dozen updates are acknowledged (a fixed delay gave too few on a loaded machine).
      while (acked.size < 12) await new Promise((r) => setTimeout(r, 20));
      await kill(server!.child);
      stop = true;
      await Promise.all(writers);
      expect(acked.size).toBeGreaterThanOrEqual(12);

      url = await restart();
      const res = await gql(
        url,
        `query($id: ID!) { connector(id: $id) { latestVersion versions(first: 100) { totalCount nodes { number note } } } }`,
        { id },
        dev,
      );
      const c = res.data.connector;
      const notes = new Map<number, string>();
      // Read every version page by page.
      let after: string | null = null;
      do {
        const page: any = await gql(
          url,
          `query($id: ID!, $after: String) { connector(id: $id) { versions(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { number note } } } }`,
          { id, after },
          dev,
        );
        for (const v of page.data.connector.versions.nodes) notes.set(v.number, v.note);
        after = page.data.connector.versions.pageInfo.hasNextPage
          ? page.data.connector.versions.pageInfo.endCursor
          : null;
      } while (after);
      expect(c.latestVersion).toBeGreaterThanOrEqual(Math.max(...acked.keys()));
      for (const [version, note] of acked)
        expect(notes.get(version), `version ${version}`).toBe(note);
      // Versions stay contiguous: 1..latest, nothing skipped by the crash.
      expect([...notes.keys()].sort((x, y) => x - y)).toEqual(
        Array.from({ length: c.latestVersion }, (_, i) => i + 1),
      );
    }, 120_000);

    it('leaves no half import when killed in the middle of a large one', async () => {
      let url = await restart();
      const N = 500; // the manifest maximum; small entries, so writing dominates checking
      const manifestOf = (tag: string) => ({
        kind: 'connector-registry.manifest',
        schemaVersion: 1,
        exportedAt: new Date().toISOString(),
        source: { workspace: 'dev' },
        connectors: Array.from({ length: N }, (_, i) => {
          const code = `{ title: 'Bulk ${i}' }`;
          return {
            name: `bulk_${tag}_${i}`,
            title: `Bulk ${i}`,
            version: 1,
            versionNote: 'bulk',
            code,
            sha256: createHash('sha256').update(code).digest('hex'),
          };
        }),
      });
      const countIn = async (token: string) =>
        (await gql(url, `{ connectors(first: 1) { totalCount } }`, {}, token)).data.connectors
          .totalCount;

      // Time the checking phase (a dry run does only that) and a whole import elsewhere, to aim the kill at the writes.
      await gql(url, IMPORT, { m: manifestOf('warm'), dry: true }, prod);
      let t0 = performance.now();
      await gql(url, IMPORT, { m: manifestOf('x'), dry: true }, prod);
      const checkMs = performance.now() - t0;
      t0 = performance.now();
      expect(
        (await gql(url, IMPORT, { m: manifestOf('timing') }, dev)).data.importManifest.entries,
      ).toHaveLength(N);
      const writeMs = Math.max(performance.now() - t0 - checkMs, 20);

      // Timing on a shared machine is noisy: aim earlier each time until a kill lands before the answer.
      let killedMidway = 0;
      for (const [attempt, fraction] of [0.5, 0.3, 0.1].entries()) {
        const before = await countIn(prod);
        let acknowledged = false;
        const inflight = gql(url, IMPORT, { m: manifestOf(`a${attempt}`) }, prod).then(
          () => (acknowledged = true),
          () => {},
        );
        await new Promise((r) => setTimeout(r, checkMs + writeMs * fraction));
        await kill(server!.child);
        await inflight;
        url = await restart();
        const added = (await countIn(prod)) - before;
        if (process.env.CRASH_DEBUG)
          console.log({ checkMs, writeMs, fraction, acknowledged, added });
        // All or nothing; and if the server answered before it died, all.
        expect([0, N]).toContain(added);
        if (acknowledged) expect(added).toBe(N);
        else killedMidway += 1;
        if (killedMidway) break;
      }
      expect(killedMidway).toBeGreaterThan(0);
      // The registry still works on the recovered data.
      expect(
        (await gql(url, IMPORT, { m: manifestOf('after') }, prod)).data.importManifest.entries,
      ).toHaveLength(N);
    }, 240_000);
  });
}
