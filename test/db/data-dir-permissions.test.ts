import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  lstatSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.js';
import { cli } from '../helpers/processes.js';
import { validCode } from '../fixtures/code.js';
import { CREATE } from '../helpers/documents.js';

/** Every entry under `dir` whose mode lets its group or other users in, with its mode. */
function openToOthers(dir: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    const s = lstatSync(path);
    if (s.isSymbolicLink()) return;
    if (s.mode & 0o077) found.push(`${(s.mode & 0o777).toString(8)} ${path}`);
    if (s.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir);
  return found;
}

/**
 * PGlite's data directory (the embedded default only: PostgreSQL keeps its own files) is kept as
 * `initdb` keeps one: the directory 0700, files 0600, whatever the umask; a directory others may
 * write to is refused with the command that fixes it.
 */
describe('the PGlite data directory is private to its owner', () => {
  const root = mkdtempSync(join(tmpdir(), 'registry-perms-'));
  chmodSync(root, 0o755);
  const previous = process.umask(0o022); // a usual umask: new files would be 0644 and directories 0755
  afterAll(() => {
    process.umask(previous);
    rmSync(root, { recursive: true, force: true });
  });

  it('creates the directory 0700 and keeps every file 0600, the write-ahead log included, after writes', async () => {
    process.umask(0o022);
    const dir = join(root, 'fresh', 'pglite');
    // From scratch: the files under test are the ones initdb writes into a new directory.
    const t = await startTestServer(
      'pglite',
      { DATA_DIR: dir, WEBHOOK_ALLOW_HTTP_LOOPBACK: true },
      { fromScratch: true },
    );
    try {
      const token = await t.token('acme');
      await t.gql(
        `mutation { registerWebhook(input: { url: "http://127.0.0.1:9/x", events: [VERSION_CREATED] }) { secret } }`,
        {},
        token,
      );
      for (let i = 0; i < 3; i++)
        await t.gql(CREATE, { input: { title: `Private ${i}`, code: validCode() } }, token);
      await t.server.registry.db.sql.query('CHECKPOINT');
      expect(lstatSync(dir).mode & 0o777).toBe(0o700);
      expect(openToOthers(dir)).toEqual([]);
      expect(readdirSync(join(dir, 'pg_wal')).length).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  }, 120_000);

  it('closes a directory written by an earlier version (0755, files 0666) when it starts', async () => {
    const dir = join(root, 'older');
    const first = await startTestServer('pglite', { DATA_DIR: dir });
    await first.close();
    chmodSync(dir, 0o755);
    const loose = join(dir, 'global', 'pg_control');
    chmodSync(loose, 0o666);
    chmodSync(join(dir, 'base'), 0o755);
    const t = await startTestServer('pglite', { DATA_DIR: dir });
    try {
      expect(openToOthers(dir)).toEqual([]);
    } finally {
      await t.close();
    }
  }, 120_000);

  it('refuses to start on a directory its group or other users may write to, saying how to fix it; the CLI too', async () => {
    const dir = join(root, 'shared');
    mkdirSync(dir, { mode: 0o700 });
    chmodSync(dir, 0o777);
    await expect(startTestServer('pglite', { DATA_DIR: dir })).rejects.toThrow(
      /writable by its group and every user \(mode 0777\).*chmod 700 /s,
    );
    chmodSync(dir, 0o770);
    await expect(startTestServer('pglite', { DATA_DIR: dir })).rejects.toThrow(
      /writable by its group \(mode 0770\)/,
    );
    chmodSync(dir, 0o777);
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'silent' };
    delete env.DATABASE_URL;
    const run = await cli(env, 'token', 'create', '--workspace', 'acme');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/chmod 700 /);
    expect(run.stdout).not.toMatch(/crt_/);
    // Nothing was written into it.
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a directory that belongs to another user', async () => {
    if (process.getuid?.() !== 0) return expect(process.getuid?.()).not.toBe(0); // only root can hand a directory to someone else
    const dir = join(root, 'theirs');
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, 65534, 65534);
    await expect(startTestServer('pglite', { DATA_DIR: dir })).rejects.toThrow(
      /belongs to user id 65534/,
    );
  });
});
