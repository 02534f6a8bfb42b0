import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { createReviewerToken, createToken, listTokens, revokeToken } from './domain/auth.js';
import { DomainError } from './domain/errors.js';
import { Role } from './generated/prisma/enums.js';
import { startServer } from './server.js';

async function withDatabase<T>(fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    await db.migrate();
    return await fn(db);
  } finally {
    await db.close();
  }
}

function positiveInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a positive integer');
  return Number(value);
}

const program = new Command('connector-registry').description('Connector registry with a GraphQL gateway');

program
  .command('serve', { isDefault: true })
  .description('serve GraphQL at http://HOST:PORT/graphql (PGlite in DATA_DIR unless DATABASE_URL is set)')
  .action(async () => {
    const config = loadConfig();
    // A server killed a moment ago leaves a lock that goes stale within seconds: wait it out.
    const server = await startServer(config, { lockWaitMs: 8_000 });
    const where = config.DATABASE_URL ? 'PostgreSQL' : `PGlite (${config.DATA_DIR})`;
    console.log(`connector registry on ${server.url}/graphql, data in ${where}`);
    const stop = async () => {
      await server.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(() =>
    withDatabase(async (db) => {
      const { applied, alreadyApplied } = await db.migrate();
      console.log(`applied ${applied.length} migration(s), ${alreadyApplied.length} already applied`);
    }),
  );

const token = program.command('token').description('manage API tokens');

token
  .command('create')
  .description('create a workspace member token (creating the workspace if needed); prints the token once')
  .requiredOption('--workspace <slug>', 'workspace slug, e.g. acme')
  .addOption(new Option('--role <role>', 'role of the member').choices(['admin', 'developer', 'operator']).default('admin'))
  .option('--handle <handle>', 'who the token is for', 'admin')
  .action((opts: { workspace: string; role: string; handle: string }) =>
    withDatabase(async (db) => {
      const created = await createToken(db.prisma, {
        workspace: opts.workspace,
        handle: opts.handle,
        role: Role[opts.role.toUpperCase() as keyof typeof Role],
      });
      console.error(`token ${created.tokenId} for ${created.member.handle} (${created.member.role}) in workspace ${created.workspace.slug}:`);
      console.log(created.token);
    }),
  );

token
  .command('create-reviewer')
  .description('create a platform reviewer token (reviews community listings; belongs to no workspace); prints it once')
  .requiredOption('--handle <handle>', 'who the token is for')
  .action((opts: { handle: string }) =>
    withDatabase(async (db) => {
      const created = await createReviewerToken(db.prisma, opts.handle);
      console.error(`reviewer token ${created.tokenId} for ${opts.handle}:`);
      console.log(created.token);
    }),
  );

token
  .command('list')
  .description('list the tokens of a workspace (never the tokens themselves)')
  .requiredOption('--workspace <slug>', 'workspace slug')
  .action((opts: { workspace: string }) =>
    withDatabase(async (db) => {
      for (const t of await listTokens(db.prisma, opts.workspace)) {
        const state = t.revokedAt ? `revoked ${t.revokedAt.toISOString()}` : 'active';
        console.log(`${t.id}\t${t.prefix}…\t${t.member?.handle}\t${t.member?.role}\t${state}`);
      }
    }),
  );

token
  .command('revoke')
  .description('revoke a token at once')
  .argument('<id>', 'token id (from `token list`)', positiveInt)
  .action((id: number) =>
    withDatabase(async (db) => {
      await revokeToken(db.prisma, id);
      console.log(`token ${id} revoked`);
    }),
  );

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof DomainError || error instanceof Error ? `error: ${error.message}` : error);
  process.exit(1);
});
