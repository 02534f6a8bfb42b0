import { Command, InvalidArgumentError, Option } from 'commander';
import { readFile, writeFile } from 'node:fs/promises';
import { loadConfig } from './config.js';
import type { Database } from './db/database.js';
import type { DomainContext } from './domain/context.js';
import { DomainError } from './domain/errors.js';
import { Role } from './generated/prisma/enums.js';

// Each command imports what it needs when it runs (the server's GraphQL schema, the code
// analyser, the manifest code…): a CLI call should not pay for loading the whole gateway.

async function withDatabase<T>(fn: (db: Database) => Promise<T>, opts: { migrate?: boolean } = {}): Promise<T> {
  const config = loadConfig();
  const { openDatabase } = await import('./db/database.js');
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    // `migrate` reports what it applies itself; every other command brings the schema up to date first.
    if (opts.migrate !== false) await db.migrate();
    return await fn(db);
  } finally {
    await db.close();
    const { closeWorkers } = await import('./workers/pool.js');
    await closeWorkers();
  }
}

const auth = () => import('./domain/auth.js');

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
    const { startServer } = await import('./server.js');
    // A server killed a moment ago leaves a lock that goes stale within seconds: wait it out.
    const server = await startServer(config, { lockWaitMs: 8_000 });
    const where = config.DATABASE_URL ? 'PostgreSQL' : `PGlite (${config.DATA_DIR})`;
    console.log(`connector registry on ${server.url}/graphql, data in ${where}`);
    // First start of an empty registry: a default workspace, its admin, and a link to sign in as them.
    const { bootstrapEmptyRegistry } = await import('./domain/sign-in-links.js');
    const first = await bootstrapEmptyRegistry(server.registry.db.prisma);
    console.log(`console on ${server.url}/`);
    if (first) {
      console.log(`\nA new, empty registry: workspace "default" with an admin was created. Sign in (one time, within 24 hours):\n\n    ${server.url}/sign-in#code=${first.code}\n`);
    }
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
    }, { migrate: false }),
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
      const { createToken } = await auth();
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
      const { createReviewerToken } = await auth();
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
      const { listTokens } = await auth();
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
      const { revokeToken } = await auth();
      await revokeToken(db.prisma, id);
      console.log(`token ${id} revoked`);
    }),
  );

program
  .command('sign-in-link')
  .description('print a one-time link that signs a member in to the console (valid 24 hours)')
  .requiredOption('--workspace <slug>', 'workspace slug')
  .option('--handle <handle>', 'the member', 'admin')
  .action((opts: { workspace: string; handle: string }) =>
    withDatabase(async (db) => {
      const config = loadConfig();
      const { createSignInCode } = await import('./domain/sign-in-links.js');
      const { code, expiresAt } = await createSignInCode(db.prisma, opts);
      console.error(`one-time sign-in link for ${opts.handle} in ${opts.workspace}, valid until ${expiresAt.toISOString()}:`);
      console.log(`http://${config.HOST}:${config.PORT}/sign-in#code=${code}`);
    }),
  );

/** CLI commands that act as someone authenticate with the same tokens as the API. */
async function withActor<T>(token: string | undefined, fn: (ctx: DomainContext) => Promise<T>): Promise<T> {
  if (!token) throw new Error('give a token with --token or REGISTRY_TOKEN (npx connector-registry token create …)');
  return withDatabase(async (db) => {
    const { authenticate } = await auth();
    const actor = await authenticate(db.prisma, token);
    if (!actor) throw new Error('the token is invalid or revoked');
    return fn({ prisma: db.prisma, actor });
  });
}

async function progressBar(label: string) {
  const { Presets, SingleBar } = await import('cli-progress');
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} {phase}`, hideCursor: true, noTTYOutput: false }, Presets.shades_classic);
  let started = false;
  return {
    update(phase: string, done: number, total: number) {
      if (!started) {
        bar.start(total, 0, { phase });
        started = true;
      }
      bar.setTotal(total);
      bar.update(done, { phase: phase === 'check' ? 'checking code' : 'writing' });
    },
    stop: () => started && bar.stop(),
  };
}

program
  .command('export')
  .description("write a manifest of the workspace's connectors (latest released versions) to a file")
  .requiredOption('--out <file>', 'where to write the manifest (JSON)')
  .option('--connector <id...>', 'connector ids (default: every connector with a released version)')
  .option('--token <token>', 'API token of the source workspace (or REGISTRY_TOKEN)', process.env.REGISTRY_TOKEN)
  .action((opts: { out: string; connector?: string[]; token?: string }) =>
    withActor(opts.token, async (ctx) => {
      const ids = opts.connector
        ? opts.connector.map((id) => positiveInt(id))
        : (await ctx.prisma.connector.findMany({
            where: { workspaceId: (ctx.actor as { workspaceId: number }).workspaceId, releasedVersion: { not: null } },
            select: { id: true },
            orderBy: { id: 'asc' },
          })).map((c) => c.id);
      const { exportManifest } = await import('./domain/manifests.js');
      const manifest = await exportManifest(ctx, ids);
      await writeFile(opts.out, JSON.stringify(manifest, null, 2));
      console.log(`exported ${manifest.connectors.length} connector(s) from ${manifest.source.workspace} to ${opts.out}`);
    }),
  );

program
  .command('import')
  .description('import a manifest into the workspace of the token: all or nothing, each imported version released')
  .argument('<file>', 'manifest file (JSON)')
  .option('--dry-run', 'check and say what would change, write nothing')
  .option('--token <token>', 'API token of the target workspace (or REGISTRY_TOKEN)', process.env.REGISTRY_TOKEN)
  .action((file: string, opts: { dryRun?: boolean; token?: string }) =>
    withActor(opts.token, async (ctx) => {
      const manifest: unknown = JSON.parse(await readFile(file, 'utf8'));
      const { importManifest } = await import('./domain/manifests.js');
      const bar = await progressBar(opts.dryRun ? 'dry run' : 'import');
      try {
        const entries = await importManifest(ctx, manifest, { dryRun: opts.dryRun, onProgress: (phase, done, total) => bar.update(phase, done, total) });
        bar.stop();
        for (const e of entries) console.log(`${opts.dryRun ? 'would ' : ''}${e.action.toLowerCase()}\t${e.title}\tversion ${e.version}`);
      } finally {
        bar.stop();
      }
    }),
  );

program.parseAsync().catch((error: unknown) => {
  const field = error instanceof DomainError && error.field ? ` (${error.field})` : '';
  console.error(error instanceof Error ? `error: ${error.message}${field}` : error);
  process.exit(1);
});
