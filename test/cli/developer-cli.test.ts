import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { BIN, cli, freePort, type CliResult } from '../helpers/processes.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { SYNTAX_ERROR_CODE, validCode } from '../fixtures/code.js';
import { createToken, revokeToken } from '../../src/domain/auth.js';

/** The CLI with a token on stdin, as `echo $TOKEN | connector-registry login …` gives it. */
function cliWithStdin(
  env: NodeJS.ProcessEnv,
  input: string,
  ...args: string[]
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

/**
 * The developer CLI against a registry it reaches only over HTTP (the server runs in this test
 * process; the CLI is a separate process with its own profile file): login, push, release, pull,
 * diff, versions and schema generation, and every failure in words with its exit code.
 */
for (const backend of await backends()) {
  describe(`developer CLI (${backend})`, () => {
    let srv: TestServer;
    let base: string;
    let token: string;
    let tokenId: number;
    const dir = mkdtempSync(join(tmpdir(), 'registry-devcli-'));
    const profiles = join(dir, 'config', 'profiles.json');
    const env: NodeJS.ProcessEnv = { ...process.env, CONNECTOR_REGISTRY_CONFIG: profiles };
    delete env.CONNECTOR_REGISTRY_TOKEN;
    delete env.CONNECTOR_REGISTRY_URL;
    const run = (...args: string[]) => cli(env, ...args);
    const file = (name: string, text: string) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    };

    beforeAll(async () => {
      srv = await startTestServer(backend);
      base = srv.url.replace(/\/graphql$/, '');
      ({ token, tokenId } = await createToken(srv.server.registry.db.prisma, {
        workspace: 'acme',
        role: 'DEVELOPER',
        handle: 'dana',
      }));
    });
    afterAll(async () => {
      await srv?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('refuses every command before login, and a token the registry does not know', async () => {
      const before = await run('versions', '1');
      expect(before.code).toBe(3);
      expect(before.stderr).toMatch(/Not logged in\. Run: connector-registry login --url URL/);

      const wrong = await cliWithStdin(env, 'crt_not-a-real-token\n', 'login', '--url', base);
      expect(wrong.code).toBe(3);
      expect(wrong.stderr).toMatch(/refused the token/);

      const port = await freePort();
      const nowhere = await cliWithStdin(
        env,
        `${token}\n`,
        'login',
        '--url',
        `http://127.0.0.1:${port}`,
      );
      expect(nowhere.code).toBe(3);
      expect(nowhere.stderr).toContain(
        `Cannot reach the registry at http://127.0.0.1:${port}: nothing listens there (connection refused).`,
      );
    });

    it('logs in with the token on stdin and keeps it in a file only its owner can read', async () => {
      const res = await cliWithStdin(
        env,
        `${token}\n`,
        'login',
        '--url',
        `${base}/graphql`,
        '--json',
      );
      expect(res.code, res.stderr).toBe(0);
      expect(JSON.parse(res.stdout)).toMatchObject({
        profile: 'default',
        url: base,
        handle: 'dana',
        role: 'DEVELOPER',
        workspace: 'acme',
      });
      expect(statSync(profiles).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(profiles, 'utf8')).profiles.default.token).toBe(token);
    });

    it('pushes a new connector and new versions, releases, and says when nothing changed', async () => {
      const v1 = file('v1.rb', validCode({ title: 'Contacts' }));
      const created = await run('push', v1, '--title', 'Contacts', '--note', 'first', '--json');
      expect(created.code, created.stderr).toBe(0);
      const out = JSON.parse(created.stdout);
      expect(out).toMatchObject({
        version: 1,
        released: false,
        connector: { title: 'Contacts', latestVersion: 1 },
      });
      const id = String(out.connector.databaseId);

      const v2 = file(
        'v2.rb',
        validCode({ title: 'Contacts', actions: ['list_contacts', 'get_contact'] }),
      );
      const pushed = await run('push', v2, '--connector', id, '--note', 'get_contact', '--release');
      expect(pushed.code, pushed.stderr).toBe(0);
      expect(pushed.stdout).toMatch(
        /Pushed Contacts version 2 \(connector \S+\)\.\nReleased version 2 to the workspace\./,
      );

      const same = await run('push', v2, '--connector', id, '--note', 'get_contact');
      expect(same.code, same.stderr).toBe(0);
      expect(same.stdout).toMatch(
        /No new version: the code and note are those of version 2 of Contacts\./,
      );

      const stale = await run('push', v1, '--connector', id, '--expected-version', '1');
      expect(stale.code).toBe(1);
      expect(stale.stderr).not.toMatch(/VERSION_CONFLICT/);
      expect(stale.stderr).toMatch(/version/i);

      const broken = await run(
        'push',
        file('bad.rb', SYNTAX_ERROR_CODE),
        '--connector',
        id,
        '--release',
      );
      expect(broken.code).toBe(1);
      expect(broken.stderr).toMatch(/^Pushed Contacts version 3/);
      expect(broken.stderr).toMatch(/Could not release version 3: /);
      const listed = JSON.parse((await run('versions', id, '--json')).stdout);
      expect(listed).toMatchObject({ title: 'Contacts', totalCount: 3 });
      expect(
        listed.versions.map((v: { number: number; hasErrors: boolean }) => [v.number, v.hasErrors]),
      ).toEqual([
        [3, true],
        [2, false],
        [1, false],
      ]);
      const table = await run('versions', id);
      expect(table.stdout).toMatch(/^\s+2 .* released\s+get_contact$/m);

      const latest = await run('pull', id);
      expect(latest.stdout).toBe(SYNTAX_ERROR_CODE);
      const out1 = join(dir, 'pulled.rb');
      const pulled = await run('pull', id, '--version', '1', '-o', out1);
      expect(pulled.code, pulled.stderr).toBe(0);
      expect(readFileSync(out1, 'utf8')).toBe(readFileSync(v1, 'utf8'));
      const missing = await run('pull', id, '--version', '9');
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/Contacts has no version 9 \(its latest is 3\)\./);

      const d = await run('diff', id, '1', '2');
      expect(d.code, d.stderr).toBe(0);
      expect(d.stdout).toMatch(/^Contacts: version 1 → 2: /);
      expect(d.stdout).toMatch(/^\+.*get_contact/m);
      const nod = await run('diff', id, '1', '7');
      expect(nod.code).toBe(1);
      expect(nod.stderr).toMatch(/has no version 7/);
    }, 90_000); // fourteen CLI processes, one after the other: 20 s on a loaded machine, once over 30

    it('generates field schemas from JSON and CSV samples through the registry', async () => {
      const json = await run(
        'generate',
        'schema',
        'json',
        file('s.json', '{"id": 1, "name": "Ann", "tags": ["a"]}'),
        '--json',
      );
      expect(json.code, json.stderr).toBe(0);
      expect(JSON.parse(json.stdout)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'id' }),
          expect.objectContaining({ name: 'name' }),
        ]),
      );
      const csv = await run(
        'generate',
        'schema',
        'csv',
        file('s.csv', 'id;email\n1;a@b.c\n'),
        '--col-sep',
        'semicolon',
        '--json',
      );
      expect(csv.code, csv.stderr).toBe(0);
      expect(JSON.parse(csv.stdout).map((f: { name: string }) => f.name)).toEqual(['id', 'email']);
      const nofile = await run('generate', 'schema', 'csv', join(dir, 'nope.csv'));
      expect(nofile.code).toBe(1);
      expect(nofile.stderr).toMatch(/Cannot read the sample .*nope\.csv: no such file\./);
      const xml = await run('generate', 'schema', 'xml', join(dir, 's.json'));
      expect(xml.code).toBe(2);
    });

    it('refuses a profile file others can read, and a revoked token, in words', async () => {
      chmodSync(profiles, 0o644);
      const open = await run('versions', '1');
      expect(open.code).toBe(1);
      expect(open.stderr).toMatch(/readable by others \(mode 0644\).*chmod 600/);
      chmodSync(profiles, 0o600);

      await revokeToken(srv.server.registry.db.prisma, tokenId);
      const revoked = await run('versions', '1', '--json');
      expect(revoked.code).toBe(3);
      expect(JSON.parse(revoked.stdout).error.code).toBe('UNAUTHENTICATED');
    });

    it('documents each command with an example, and logout forgets the profile', async () => {
      const help = await run('push', '--help');
      expect(help.stdout).toMatch(/Example:\n\s+connector-registry push connector\.rb/);
      const out = await run('logout');
      expect(out.code).toBe(0);
      expect(JSON.parse(readFileSync(profiles, 'utf8')).profiles).toEqual({});
    });
  });
}
