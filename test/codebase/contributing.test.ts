import { execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// CONTRIBUTING.md's "Add a field", followed step by step in a temporary copy of the repository:
// a throw-away `Connector.tagline` goes into schema.prisma, a migration, the GraphQL type and the
// printed schema, and each step's check runs as the checklist names it. A step left out (the
// migration) fails its check; with every step done, every check passes.

const root = join(import.meta.dirname, '../..');
let copy = '';

/** Runs a command in the copy (without blocking the test worker); answers its exit status and output. */
function run(command: string, args: string[]): Promise<{ status: number; output: string }> {
  return new Promise((done) => {
    const child = spawn(command, args, {
      cwd: copy,
      env: { ...process.env, FORCE_COLOR: '0', NODE_OPTIONS: '' },
      timeout: 300_000,
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (status) => done({ status: status ?? 1, output }));
  });
}

function edit(file: string, change: (text: string) => string) {
  const path = join(copy, file);
  const before = readFileSync(path, 'utf8');
  const after = change(before);
  expect(
    after,
    `the edit of ${file} changed nothing: CONTRIBUTING.md's example no longer fits the code`,
  ).not.toBe(before);
  writeFileSync(path, after);
}

describe("CONTRIBUTING.md's walk-through: add a field", () => {
  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'contributing-'));
    // The tracked files as they are in the working tree, and this checkout's installed packages.
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
    for (const file of files) {
      if (file.startsWith('test/web/screenshots/')) continue;
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      try {
        cpSync(join(root, file), join(copy, file));
      } catch {
        // A file deleted in the working tree but not yet in git.
      }
    }
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  });
  afterAll(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  it('adds Connector.tagline end to end, and the checks catch a missing migration', async () => {
    // 1. The column, and the generated client.
    edit('prisma/schema.prisma', (s) =>
      s.replace(
        /(model Connector \{\n(?:.*\n)*? {2}description\s+String\?\n)/,
        '$1  tagline           String?\n',
      ),
    );
    const generate = await run('npm', ['run', 'generate']);
    expect(generate.status, generate.output).toBe(0);

    // 2. Without the migration, the schema-match test refuses.
    const missing = await run('npx', ['vitest', 'run', 'test/db/schema-match.test.ts']);
    expect(missing.status, missing.output).not.toBe(0);
    expect(missing.output).toMatch(/tagline/);
    mkdirSync(join(copy, 'prisma/migrations/29991231000000_connector_tagline'));
    writeFileSync(
      join(copy, 'prisma/migrations/29991231000000_connector_tagline/migration.sql'),
      'ALTER TABLE "connectors" ADD COLUMN "tagline" TEXT;\n',
    );

    // 4. The GraphQL field, described, in ConnectorNode's fields.
    edit('src/graphql/schema/connectors.ts', (s) =>
      s.replace(
        /(export const ConnectorNode = builder\.prismaNode\('Connector', \{[\s\S]*?fields: \(t\) => \(\{\n)/,
        "$1    tagline: t.exposeString('tagline', { nullable: true, description: 'A one-line pitch, shown under the title.' }),\n",
      ),
    );

    // 5. The printed schema.
    const print = await run('npm', ['run', 'schema:print']);
    expect(print.status, print.output).toBe(0);
    expect(readFileSync(join(copy, 'schema.graphql'), 'utf8')).toMatch(
      /"""A one-line pitch, shown under the title\."""\n\s*tagline: String\n/,
    );

    // The checks the checklist names for these steps.
    const tsc = await run('npx', ['tsc', '--noEmit', '-p', '.']);
    expect(tsc.status, tsc.output).toBe(0);
    const checks = await run('npx', [
      'vitest',
      'run',
      'test/db/schema-match.test.ts',
      'test/graphql/schema.test.ts',
      'test/graphql/schema-descriptions.test.ts',
      'test/codebase/import-circles.test.ts',
    ]);
    expect(checks.status, checks.output).toBe(0);
  }, 900_000);
});
