import './runtime.js';
import { createWriteStream, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import type { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { RemoteCommandError } from './cli/admin-socket.js';
import { addDeveloperCommands } from './cli/dev/commands.js';
import { parseRole, type CommandIO } from './cli/commands.js';
import { loadConfig } from './config.js';
import { DomainError } from './domain/errors.js';
import type { Manifest } from './domain/manifests.js';

// What only one command needs is imported when it runs: a CLI command never loads the GraphQL
// server (Yoga, Pothos, GraphiQL, the console), nor `serve` the progress bar.

function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 2147483647)
    throw new InvalidArgumentError('expected a positive integer');
  return Number(value);
}

function role(value: string): string {
  try {
    return parseRole(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** Output goes to stdout (or a file), messages to stderr, progress to a bar on stderr. */
function terminal(
  out: (line: string) => void = (line) => console.log(line),
  bar?: Awaited<ReturnType<typeof progressBar>>,
): CommandIO {
  return {
    out,
    err: (line) => console.error(line),
    progress: (phase, done, total) => bar?.update(phase, done, total),
  };
}

/** Runs a command wherever the database is (see src/cli/run.ts); the one entry point of every command. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- commander wants actions returning Promise<void>
async function run(
  name: string,
  args: Record<string, unknown> = {},
  io: CommandIO = terminal(),
): Promise<any> {
  const { runCommand } = await import('./cli/run.js');
  return runCommand(loadConfig(), name, args, io);
}

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command('connector-registry')
  .description('Connector registry with a GraphQL gateway')
  .version(pkg.version, '-V, --version', 'print the version and exit')
  // The program's own options (--version) only before a command: `pull ID --version 3` is pull's.
  .enablePositionalOptions();

program
  .command('serve', { isDefault: true })
  .description(
    'serve GraphQL at http://HOST:PORT/graphql (PGlite in DATA_DIR unless DATABASE_URL is set)',
  )
  .option(
    '--no-executor',
    'with DATABASE_URL: run a gateway that only queues connector runs, for `executor` processes to take',
  )
  .action(async (opts: { executor: boolean }) => {
    const config = loadConfig();
    const [{ startServer }, { bootstrapEmptyRegistry }] = await Promise.all([
      import('./server.js'),
      import('./domain/sign-in-links.js'),
    ]);
    // A server killed a moment ago leaves a lock that goes stale within seconds: wait it out.
    const server = await startServer(config, { lockWaitMs: 8_000, withExecutor: opts.executor });
    // The executor (embedded, or this gateway's queue worker) starts now rather than at the first run.
    server.registry.runs.start().then(
      () =>
        console.log(
          server.registry.runs.executorId
            ? `executor ${server.registry.runs.executorId} ready`
            : 'runs are queued for executor processes',
        ),
      (err: unknown) =>
        console.error(
          `error: the executor did not start: ${err instanceof Error ? err.message : String(err)}`,
        ),
    );
    const where = config.DATABASE_URL ? 'PostgreSQL' : `PGlite (${config.DATA_DIR})`;
    console.log(`connector registry on ${server.url}/graphql, data in ${where}`);
    // First start of an empty registry: a default workspace, its admin, and a link to sign in as them.
    const first = await bootstrapEmptyRegistry(server.registry.db.prisma);
    console.log(`console on ${server.url}/`);
    if (first) {
      // To the person at the terminal (stderr), never into the log stream (JSON lines on stdout).
      console.error(
        `\nA new, empty registry: workspace "default" with an admin was created. Sign in (one time, within 24 hours):\n\n    ${server.registry.where.url}/sign-in#code=${first.code}\n`,
      );
    }
    const stop = async () => {
      // Bounded: in-flight requests get SHUTDOWN_GRACE_MS, then whatever still holds the process
      // (a stuck receiver, a database that does not answer) is not waited for beyond a few seconds more.
      setTimeout(() => {
        console.error(
          `shutdown took longer than SHUTDOWN_GRACE_MS (${config.SHUTDOWN_GRACE_MS} ms) + 5 s; exiting`,
        );
        process.exit(1);
      }, config.SHUTDOWN_GRACE_MS + 5_000).unref();
      await server.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program
  .command('executor')
  .description(
    'work the PostgreSQL queue of connector runs (DATABASE_URL) with a sandboxed executor; run as many as needed',
  )
  .action(async () => {
    const { startExecutorProcess } = await import('./runs/executor-process.js');
    const executor = await startExecutorProcess(loadConfig());
    console.log(`executor ${executor.executorId} ready`);
    const stop = async () => {
      await executor.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(() => run('migrate'));

const connections = program.command('connections').description('saved connections of connectors');

connections
  .command('reseal')
  .description(
    'after a CONNECTION_SECRET_KEY rotation: re-seal every stored connection value with the current key (the old ones in CONNECTION_SECRET_KEYS_PREVIOUS), so the old keys can be dropped',
  )
  .action(() => run('connections reseal'));

const workspace = program.command('workspace').description('manage workspaces');

workspace
  .command('create')
  .description(
    'create a workspace; with --managed-by it is a customer workspace of that (embedded partner) workspace and gets its OEM-shared connectors',
  )
  .argument('<slug>', 'workspace slug, e.g. acme')
  .option('--managed-by <partner>', 'slug of the partner workspace that manages this one')
  .action((slug: string, opts: { managedBy?: string }) =>
    run('workspace create', { slug, managedBy: opts.managedBy }),
  );

workspace
  .command('list')
  .description('list workspaces, who manages them, and their sizes')
  .action(() => run('workspace list'));

const token = program.command('token').description('manage API tokens');

token
  .command('create')
  .description(
    "create a token for a workspace member, creating the workspace and member when new; prints the token once. Never changes an existing member's role (see member set-role)",
  )
  .requiredOption('--workspace <slug>', 'workspace slug, e.g. acme')
  .option(
    '--role <role>',
    'role of a new member: ADMIN, DEVELOPER or OPERATOR (any case; default ADMIN); for an existing member it must be its role',
    role,
  )
  .option('--handle <handle>', 'who the token is for', 'admin')
  .action((opts: { workspace: string; role?: string; handle: string }) =>
    run('token create', opts),
  );

token
  .command('create-reviewer')
  .description(
    'create a platform reviewer token (reviews community listings; belongs to no workspace); prints it once',
  )
  .requiredOption('--handle <handle>', 'who the token is for')
  .action((opts: { handle: string }) => run('token create-reviewer', opts));

token
  .command('list')
  .description('list the tokens of a workspace (never the tokens themselves)')
  .requiredOption('--workspace <slug>', 'workspace slug')
  .action((opts: { workspace: string }) => run('token list', opts));

token
  .command('revoke')
  .description('revoke a token at once')
  .argument('<id>', 'token id (from `token list`)', positiveInt)
  .action((id: number) => run('token revoke', { id }));

const member = program.command('member').description('manage workspace members');

member
  .command('set-role')
  .description("change a member's role (the only way to change one)")
  .requiredOption('--workspace <slug>', 'workspace slug')
  .requiredOption('--handle <handle>', 'the member')
  .requiredOption('--role <role>', 'ADMIN, DEVELOPER or OPERATOR (any case)', role)
  .action((opts: { workspace: string; handle: string; role: string }) =>
    run('member set-role', opts),
  );

member
  .command('list')
  .description('list the members of a workspace with their roles')
  .requiredOption('--workspace <slug>', 'workspace slug')
  .action((opts: { workspace: string }) => run('member list', opts));

program
  .command('sign-in-link')
  .description('print a one-time link that signs a member in to the console (valid 24 hours)')
  .requiredOption('--workspace <slug>', 'workspace slug')
  .option('--handle <handle>', 'the member', 'admin')
  .action(async (opts: { workspace: string; handle: string }) => {
    const config = loadConfig();
    const { code, expiresAt, url } = (await run('sign-in-link', opts)) as {
      code: string;
      expiresAt: string;
      url?: string | null;
    };
    // The running server's address (it answered over the admin socket), else PUBLIC_URL, else HOST:PORT.
    const base =
      config.PUBLIC_URL?.replace(/\/$/, '') ?? url ?? `http://${config.HOST}:${config.PORT}`;
    console.error(
      `one-time sign-in link for ${opts.handle} in ${opts.workspace}, valid until ${expiresAt}:`,
    );
    console.log(`${base}/sign-in#code=${code}`);
  });

program
  .command('runtime-role')
  .description(
    'print the SQL that lets a PostgreSQL role run the registry without owning its tables (run it as the owner, after migrating)',
  )
  .requiredOption('--role <role>', 'the runtime role, e.g. registry_app')
  .action(async (opts: { role: string }) => {
    const { grantRuntimeRole } = await import('./db/runtime-role.js');
    process.stdout.write(grantRuntimeRole(opts.role));
  });

const auditCommand = program.command('audit').description('the audit log');

auditCommand
  .command('export')
  .description(
    'write the audit log as JSON lines, oldest first (every workspace unless --workspace)',
  )
  .option('--workspace <slug>', 'only this workspace')
  .option('--action <action...>', 'only these actions (e.g. TOKEN_CREATE MEMBER_ROLE_CHANGE)')
  .option('--since <time>', 'only entries at or after this ISO 8601 time')
  .option('--until <time>', 'only entries at or before this ISO 8601 time')
  .option('--out <file>', 'write to this file instead of stdout')
  .action(
    async (opts: {
      workspace?: string;
      action?: string[];
      since?: string;
      until?: string;
      out?: string;
    }) => {
      const file = opts.out ? createWriteStream(opts.out) : null;
      try {
        await run(
          'audit export',
          { workspace: opts.workspace, actions: opts.action, since: opts.since, until: opts.until },
          terminal(file ? (line) => file.write(`${line}\n`) : undefined),
        );
      } finally {
        if (file) await new Promise((done) => file.end(done));
      }
    },
  );

async function progressBar(label: string) {
  const { Presets, SingleBar } = await import('cli-progress');
  const bar: SingleBar = new SingleBar(
    { format: `${label} [{bar}] {value}/{total} {phase}`, hideCursor: true, noTTYOutput: false },
    Presets.shades_classic,
  );
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
  .description(
    "write a manifest of the workspace's connectors (latest released versions) to a file",
  )
  .requiredOption('--out <file>', 'where to write the manifest (JSON)')
  .option('--connector <id...>', 'connector ids (default: every connector with a released version)')
  .option(
    '--token <token>',
    'API token of the source workspace (or REGISTRY_TOKEN)',
    process.env.REGISTRY_TOKEN,
  )
  .action(async (opts: { out: string; connector?: string[]; token?: string }) => {
    const manifest = (await run('export', {
      token: opts.token,
      connectorIds: opts.connector?.map((id) => positiveInt(id)),
    })) as Manifest;
    await writeFile(opts.out, JSON.stringify(manifest, null, 2));
    console.log(
      `exported ${manifest.connectors.length} connector(s) from ${manifest.source.workspace} to ${opts.out}`,
    );
  });

program
  .command('import')
  .description(
    'import a manifest into the workspace of the token: all or nothing, each imported version released',
  )
  .argument('<file>', 'manifest file (JSON)')
  .option('--dry-run', 'check and say what would change, write nothing')
  .option(
    '--token <token>',
    'API token of the target workspace (or REGISTRY_TOKEN)',
    process.env.REGISTRY_TOKEN,
  )
  .action(async (file: string, opts: { dryRun?: boolean; token?: string }) => {
    if (!opts.token)
      throw new Error(
        'give a token with --token or REGISTRY_TOKEN (npx connector-registry token create …)',
      );
    const manifest: unknown = JSON.parse(await readFile(file, 'utf8'));
    const bar = await progressBar(opts.dryRun ? 'dry run' : 'import');
    try {
      const lines = (await run(
        'import',
        { token: opts.token, manifest, dryRun: opts.dryRun === true },
        terminal(undefined, bar),
      )) as string[];
      bar.stop();
      for (const line of lines) console.log(line);
    } finally {
      bar.stop();
    }
  });

// The developer's commands (login, push, pull, diff, versions, generate schema) talk to a registry
// anywhere over its public API; the ones above administer this machine's registry.
addDeveloperCommands(program);

program.parseAsync().catch((error: unknown) => {
  const field =
    (error instanceof DomainError || error instanceof RemoteCommandError) && error.field
      ? ` (${error.field})`
      : '';
  console.error(error instanceof Error ? `error: ${error.message}${field}` : error);
  process.exit(1);
});
