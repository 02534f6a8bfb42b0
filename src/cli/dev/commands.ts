/**
 * The developer CLI: the commands a connector developer runs against a registry anywhere, from a
 * terminal or CI (modelled on the SDK gem's `push`, `generate schema`; `exec` and `test` come
 * with the executor). They speak the registry's public API only — GraphQL and the REST API of the
 * spec — so they need a URL and a token (`login`), never the database.
 *
 * Output: words for people on stdout/stderr, or one JSON document on stdout with --json.
 * Exit codes: see ./errors.ts and docs/developer-cli.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { toGlobalId } from '../../domain/global-id.js';
import { refusal, RegistryClient, type UserError } from './client.js';
import { CliError, EXIT, noConnector } from './errors.js';
import type { ExecOptions } from './exec.js';
import {
  checkProfileName,
  normalizeUrl,
  profilePath,
  readProfiles,
  resolveProfile,
  writeProfiles,
} from './profiles.js';

interface Common {
  profile?: string;
  json?: boolean;
}

const USER_ERRORS = 'userErrors { code message field }';

function positiveInt(value: string): number {
  if (!/^\d{1,10}$/.test(value) || Number(value) < 1 || Number(value) > 2147483647)
    throw new InvalidArgumentError('expected a positive whole number');
  return Number(value);
}

/** A connector as the CLI names it: its global ID (as printed by push), or the number the REST API uses. */
export function connectorId(value: string): string {
  if (/^\d{1,10}$/.test(value) && Number(value) >= 1) return toGlobalId('Connector', Number(value));
  if (/^[A-Za-z0-9+/]{4,200}={0,2}$/.test(value)) return value;
  throw new InvalidArgumentError('expected a connector ID (as `push` prints it) or its number');
}

function readText(path: string, what: string): string {
  try {
    return path === '-' ? readFileSync(0, 'utf8') : readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      `Cannot read the ${what} ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message}.`,
      EXIT.failure,
      'FILE',
    );
  }
}

/** After a second, tell a person at a terminal that something is under way (never in --json or CI logs). */
async function withProgress<T>(label: string, opts: Common, work: () => Promise<T>): Promise<T> {
  if (opts.json || !process.stderr.isTTY) return work();
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let i = 0;
  let shown = false;
  const timer = setInterval(() => {
    shown = true;
    process.stderr.write(`\r${frames[i++ % frames.length]} ${label}…`);
  }, 1000).unref();
  try {
    return await work();
  } finally {
    clearInterval(timer);
    if (shown) process.stderr.write('\r\x1b[2K');
  }
}

function print(opts: Common, json: unknown, words: string): void {
  process.stdout.write(
    opts.json ? `${JSON.stringify(json, null, 2)}\n` : words.endsWith('\n') ? words : `${words}\n`,
  );
}

function client(opts: Common & { url?: string }): RegistryClient {
  return new RegistryClient(resolveProfile({ profile: opts.profile, url: opts.url }));
}

/** Reads the token for `login`: CONNECTOR_REGISTRY_TOKEN, else stdin (piped, or typed at a prompt). */
async function readToken(): Promise<string> {
  const fromEnv = process.env.CONNECTOR_REGISTRY_TOKEN?.trim();
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY)
    process.stderr.write(
      'Paste the token (from the console or `connector-registry token create`), then Enter: ',
    );
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if (process.stdin.isTTY && chunk.includes(10)) break;
  }
  const token = Buffer.concat(chunks).toString('utf8').trim();
  if (!token)
    throw new CliError(
      'No token given: pipe it on stdin or set CONNECTOR_REGISTRY_TOKEN.',
      EXIT.usage,
    );
  if (/\s/.test(token))
    throw new CliError(
      'That is not a valid token (it contains spaces or several lines).',
      EXIT.usage,
    );
  return token;
}

const VIEWER = `{ viewer { handle member { role } workspace { slug name } } }`;

async function login(opts: Common & { url: string }): Promise<void> {
  const name = checkProfileName(opts.profile ?? 'default');
  const url = normalizeUrl(opts.url);
  const token = await readToken();
  const who = await withProgress(`checking the token with ${url}`, opts, () =>
    new RegistryClient({ url, token }).graphql(VIEWER),
  );
  const viewer = who.viewer as {
    handle: string;
    member: { role: string } | null;
    workspace: { slug: string; name: string } | null;
  } | null;
  if (!viewer) throw new CliError(`The registry at ${url} did not accept the token.`, EXIT.auth);
  const path = profilePath();
  const file = readProfiles(path);
  file.profiles[name] = { url, token };
  file.current = name;
  writeProfiles(file, path);
  const where = viewer.workspace ? ` in workspace ${viewer.workspace.slug}` : '';
  print(
    opts,
    {
      profile: name,
      url,
      handle: viewer.handle,
      role: viewer.member?.role ?? null,
      workspace: viewer.workspace?.slug ?? null,
      file: path,
    },
    `Logged in to ${url} as ${viewer.handle}${viewer.member ? ` (${viewer.member.role})` : ''}${where}; profile "${name}" saved in ${path}.`,
  );
}

function logout(opts: Common & { all?: boolean }): void {
  const path = profilePath();
  const file = readProfiles(path);
  const names = opts.all
    ? Object.keys(file.profiles)
    : [opts.profile ?? file.current].filter((n): n is string => !!n && n in file.profiles);
  if (!names.length)
    throw new CliError(
      opts.profile ? `No profile "${opts.profile}".` : 'Not logged in.',
      EXIT.failure,
      'NOT_FOUND',
    );
  for (const n of names) delete file.profiles[n];
  if (file.current && names.includes(file.current)) file.current = Object.keys(file.profiles)[0];
  writeProfiles(file, path);
  print(
    opts,
    { removed: names },
    `Logged out: ${names.join(', ')}. The token itself stays valid until it is revoked (console › Tokens, or \`connector-registry token revoke\`).`,
  );
}

const CONNECTOR_FIELDS =
  'id databaseId title name latestVersion latestReleasedVersion latestSharedVersion';
/** A connector as CONNECTOR_FIELDS reads it. */
interface ConnectorFields {
  id: string;
  databaseId: number;
  title: string;
  name: string;
  latestVersion: number;
  latestReleasedVersion: number | null;
  latestSharedVersion: number | null;
}

async function push(
  file: string,
  opts: Common & {
    connector?: string;
    title?: string;
    note?: string;
    release?: boolean;
    share?: boolean;
    expectedVersion?: number;
  },
): Promise<void> {
  if (opts.connector && opts.title)
    throw new CliError(
      'Give --connector (a new version of it) or --title (a new connector), not both.',
      EXIT.usage,
    );
  if (!opts.connector && !opts.title)
    throw new CliError(
      'Give --connector ID to push a new version, or --title "Title" to create a connector.',
      EXIT.usage,
    );
  const code = readText(file, 'connector file');
  const api = client(opts);
  let connector: ConnectorFields;
  let made: number | null;
  if (opts.title) {
    const res = await withProgress('creating the connector', opts, () =>
      api.graphql(
        `mutation ($input: CreateConnectorInput!) { createConnector(input: $input) { connector { ${CONNECTOR_FIELDS} } ${USER_ERRORS} } }`,
        { input: { title: opts.title, code, note: opts.note } },
      ),
    );
    if (res.createConnector.userErrors.length) throw refusal(res.createConnector.userErrors);
    connector = res.createConnector.connector;
    made = 1;
  } else {
    const res = await withProgress('pushing a new version', opts, () =>
      api.graphql(
        `mutation ($input: UpdateConnectorInput!) { updateConnector(input: $input) { connector { ${CONNECTOR_FIELDS} } version { number hasErrors } ${USER_ERRORS} } }`,
        {
          input: {
            id: opts.connector,
            code,
            note: opts.note,
            expectedLatestVersion: opts.expectedVersion,
          },
        },
      ),
    );
    if (res.updateConnector.userErrors.length) throw refusal(res.updateConnector.userErrors);
    connector = res.updateConnector.connector;
    made = res.updateConnector.version?.number ?? null;
  }
  const lines = [
    made === null
      ? `No new version: the code and note are those of version ${connector.latestVersion} of ${connector.title}.`
      : `Pushed ${connector.title} version ${made} (connector ${connector.id}).`,
  ];
  const result: Record<string, unknown> = {
    connector,
    version: made,
    released: false,
    shared: false,
  };
  if (opts.release) {
    const res = await releaseOrShare(api, opts, 'release', connector.id);
    if (res.userErrors.length)
      throw releaseRefusal('release', connector.latestVersion, res.userErrors, lines);
    result.released = true;
    lines.push(`Released version ${res.connector.latestReleasedVersion} to the workspace.`);
  }
  if (opts.share) {
    const res = await releaseOrShare(api, opts, 'share', connector.id);
    if (res.userErrors.length)
      throw releaseRefusal('share', connector.latestVersion, res.userErrors, lines);
    result.shared = true;
    lines.push(`Shared version ${res.connector.latestSharedVersion} with installers.`);
  }
  print(opts, result, lines.join('\n'));
}

const RELEASE_OR_SHARE = {
  release: {
    label: 'releasing',
    field: 'releaseConnector',
    document: `mutation ($input: ReleaseConnectorInput!) { releaseConnector(input: $input) { connector { ${CONNECTOR_FIELDS} } ${USER_ERRORS} } }`,
  },
  share: {
    label: 'sharing',
    field: 'shareConnector',
    document: `mutation ($input: ShareConnectorInput!) { shareConnector(input: $input) { connector { ${CONNECTOR_FIELDS} } ${USER_ERRORS} } }`,
  },
} as const;

/** Releases the connector's latest version, or shares its latest released one: the mutation's payload. */
async function releaseOrShare(
  api: RegistryClient,
  opts: Common,
  what: keyof typeof RELEASE_OR_SHARE,
  id: string,
): Promise<{ connector: ConnectorFields; userErrors: UserError[] }> {
  const { label, field, document } = RELEASE_OR_SHARE[what];
  const res = await withProgress(label, opts, () => api.graphql(document, { input: { id } }));
  return res[field];
}

/** The push happened; say so before the refusal, so a script's log shows both. */
function releaseRefusal(
  what: string,
  version: number,
  errors: UserError[],
  done: string[],
): CliError {
  const inner = refusal(errors);
  return new CliError(
    `${done.join('\n')}\nCould not ${what} version ${version}: ${inner.message}`,
    EXIT.failure,
    inner.code,
  );
}

function noVersion(c: { title: string; latestVersion: number }, n: number | undefined): CliError {
  return new CliError(
    `${c.title} has no version ${n} (its latest is ${c.latestVersion}).`,
    EXIT.failure,
    'NOT_FOUND',
  );
}

async function pull(
  id: string,
  opts: Common & { version?: number; output?: string; tests?: string },
): Promise<void> {
  const api = client(opts);
  if (opts.tests) {
    const { pullTests } = await import('./tests.js');
    await withProgress('downloading the test cases', opts, () =>
      pullTests(api, id, { ...opts, dir: opts.tests! }),
    );
    if (!opts.output && opts.version === undefined) return;
  }
  const data = await withProgress('downloading', opts, () =>
    api.graphql(
      `query ($id: ID!, $n: Int!, $latest: Boolean!) { connector(id: $id) { id title latestVersion latest: versions(first: 1) @include(if: $latest) { nodes { number code } } version(number: $n) @skip(if: $latest) { number code } } }`,
      {
        id,
        n: opts.version ?? 1,
        latest: opts.version === undefined,
      },
    ),
  );
  const c = data.connector;
  if (!c) throw noConnector(id);
  const v = opts.version === undefined ? c.latest.nodes[0] : c.version;
  if (!v) throw noVersion(c, opts.version);
  if (v.code === null)
    throw new CliError(
      'Your role may not read connector code (OPERATOR).',
      EXIT.failure,
      'FORBIDDEN',
    );
  if (opts.output) {
    writeFileSync(opts.output, v.code);
    print(
      opts,
      { connector: c.id, version: v.number, file: opts.output },
      `Wrote ${c.title} version ${v.number} to ${opts.output}.`,
    );
  } else if (opts.json) {
    print(opts, { connector: c.id, version: v.number, code: v.code }, '');
  } else {
    process.stdout.write(v.code);
  }
}

async function diff(id: string, from: number, to: number, opts: Common): Promise<void> {
  const api = client(opts);
  const data = await withProgress('comparing', opts, () =>
    api.graphql(
      `query ($id: ID!, $from: Int!, $to: Int!) { connector(id: $id) { title latestVersion a: version(number: $from) { number } b: version(number: $to) { number } } }`,
      { id, from, to },
    ),
  );
  const c = data.connector;
  if (!c) throw noConnector(id);
  for (const [n, found] of [
    [from, c.a],
    [to, c.b],
  ] as const) {
    if (!found) throw noVersion(c, n);
  }
  const res = await api.graphql(
    `query ($id: ID!, $from: Int!, $to: Int!) { connector(id: $id) { diff(from: $from, to: $to) { unified compatibility { level breaking changes { subject message breaking } } } } }`,
    { id, from, to },
  );
  const d = res.connector.diff;
  const changes = (d.compatibility.changes as { message: string }[]).map((ch) => `  ${ch.message}`);
  const head = `${c.title}: version ${from} → ${to}: ${d.compatibility.level.toLowerCase()}${d.compatibility.breaking ? ' (breaking for installers)' : ''}`;
  print(
    opts,
    { from, to, unified: d.unified, compatibility: d.compatibility },
    [head, ...changes, '', d.unified ?? '(too different to show as a diff)'].join('\n'),
  );
}

async function versions(id: string, opts: Common & { limit: number }): Promise<void> {
  const api = client(opts);
  const data = await withProgress('reading versions', opts, () =>
    api.graphql(
      `query ($id: ID!, $first: Int!) { connector(id: $id) { title latestVersion latestReleasedVersion latestSharedVersion versions(first: $first) { totalCount nodes { number note createdAt hasErrors releasedAt sharedAt } } } }`,
      { id, first: opts.limit },
    ),
  );
  const c = data.connector;
  if (!c) throw noConnector(id);
  const rows = (
    c.versions.nodes as {
      number: number;
      note: string | null;
      createdAt: string;
      hasErrors: boolean;
    }[]
  ).map((v) => {
    const marks = [
      v.number === c.latestReleasedVersion && 'released',
      v.number === c.latestSharedVersion && 'shared',
      v.hasErrors && 'has errors',
    ]
      .filter(Boolean)
      .join(', ');
    return `${String(v.number).padStart(5)}  ${v.createdAt.slice(0, 16).replace('T', ' ')}  ${(marks || '-').padEnd(20)}  ${v.note ?? ''}`;
  });
  const more =
    c.versions.totalCount > rows.length
      ? `\n(${c.versions.totalCount - rows.length} older; --limit up to 100)`
      : '';
  print(
    opts,
    {
      connector: id,
      title: c.title,
      totalCount: c.versions.totalCount,
      versions: c.versions.nodes,
    },
    `${c.title}: ${c.versions.totalCount} version(s)\nversion  created           state                 note\n${rows.join('\n')}${more}`,
  );
}

async function release(id: string, opts: Common & { share?: boolean }): Promise<void> {
  const api = client(opts);
  const res = await releaseOrShare(api, opts, 'release', id);
  if (res.userErrors.length) throw refusal(res.userErrors);
  const c = res.connector;
  const lines = [`Released ${c.title} version ${c.latestReleasedVersion} to the workspace.`];
  if (opts.share) {
    const shared = await releaseOrShare(api, opts, 'share', id);
    if (shared.userErrors.length)
      // Released just now: the connector has a released version.
      throw releaseRefusal('share', c.latestReleasedVersion!, shared.userErrors, lines);
    lines.push(`Shared version ${shared.connector.latestSharedVersion} with installers.`);
  }
  print(opts, { connector: c, shared: !!opts.share }, lines.join('\n'));
}

async function test(
  id: string | undefined,
  opts: Common & { version?: number; local?: string; dir?: string; timeout: number },
): Promise<void> {
  const tests = await import('./tests.js');
  if (opts.local) {
    if (id)
      throw new CliError(
        "Give a connector ID (the registry's tests) or --local FILE, not both.",
        EXIT.usage,
      );
    if (opts.version !== undefined)
      throw new CliError("--version is for the registry's tests, not --local.", EXIT.usage);
    return tests.localTests(opts.local, { ...opts, dir: opts.dir ?? 'tests' });
  }
  if (!id)
    throw new CliError('Give the connector ID, or --local connector.rb --dir tests/.', EXIT.usage);
  if (opts.dir) throw new CliError('--dir goes with --local.', EXIT.usage);
  return tests.registryTests(client(opts), id, opts, (label, work) =>
    withProgress(label, opts, work),
  );
}

const COL_SEPS = ['comma', 'semicolon', 'tab', 'colon', 'space', 'pipe'];

async function generateSchema(
  kind: string,
  file: string,
  opts: Common & { colSep?: string },
): Promise<void> {
  const k = kind.toLowerCase();
  if (k !== 'json' && k !== 'csv')
    throw new CliError(`Schema generation reads json or csv samples, not "${kind}".`, EXIT.usage);
  if (opts.colSep && k !== 'csv')
    throw new CliError('--col-sep applies to csv samples only.', EXIT.usage);
  const sample = readText(file, 'sample');
  const api = client(opts);
  const fields = await withProgress('generating the schema', opts, () =>
    api.rest('POST', `/sdk/generate_schema/${k}`, {
      sample,
      ...(opts.colSep ? { col_sep: opts.colSep } : {}),
    }),
  );
  print(opts, fields, JSON.stringify(fields, null, 2));
}

/** Runs an action and turns a CliError into its words (or JSON) and exit code. */
function act<A extends unknown[]>(fn: (...args: A) => unknown | Promise<unknown>) {
  return async (...args: A) => {
    const opts = (args.at(-2) ?? {}) as Common;
    try {
      await fn(...args);
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      if (opts.json)
        process.stdout.write(
          `${JSON.stringify({ error: { code: error.code, message: error.message } }, null, 2)}\n`,
        );
      process.stderr.write(`${error.message}\n`);
      process.exitCode = error.exitCode;
    }
  };
}

const PROFILE_HELP =
  'the saved profile to use (default: the current one; CONNECTOR_REGISTRY_URL and CONNECTOR_REGISTRY_TOKEN override)';

/** Adds the developer commands to the registry's CLI. */
export function addDeveloperCommands(program: Command): void {
  const withCommon = (c: Command) =>
    c
      .option('--profile <name>', PROFILE_HELP)
      .option('--json', 'print one JSON document for scripts');
  const example = (c: Command, text: string) => c.addHelpText('after', `\nExample:\n  ${text}`);

  example(
    program
      .command('login')
      .description(
        'save a registry URL and token as a profile (token from stdin or CONNECTOR_REGISTRY_TOKEN; file mode 0600)',
      )
      .requiredOption('--url <url>', "the registry's address, e.g. https://registry.example.com")
      .option('--profile <name>', 'name of the profile to save (default: "default")')
      .option('--json', 'print one JSON document for scripts')
      .action(act((opts: Common & { url: string }) => login(opts))),
    'echo "$TOKEN" | connector-registry login --url https://registry.example.com --profile prod',
  );
  example(
    program
      .command('logout')
      .description('forget a saved profile (the current one unless --profile or --all)')
      .option('--profile <name>', 'the profile to forget')
      .option('--all', 'forget every profile')
      .option('--json', 'print one JSON document for scripts')
      .action(act((opts: Common & { all?: boolean }) => logout(opts))),
    'connector-registry logout --profile prod',
  );
  example(
    withCommon(
      program
        .command('push')
        .description(
          'upload connector code as a new version (or a new connector with --title); optionally release and share it',
        )
        .argument('<file>', 'the connector code (Ruby), or - for stdin')
        .option(
          '--connector <id>',
          'the connector to add a version to (its ID or number)',
          connectorId,
        )
        .option('--title <title>', 'create a new connector with this title')
        .option('--note <note>', "the version's note")
        .option(
          '--expected-version <n>',
          'refuse unless the latest version is still n (no lost update)',
          positiveInt,
        )
        .option('--release', 'release the new version to the workspace')
        .option('--share', 'share the new version with installers'),
    ).action(act((file: string, opts) => push(file, opts))),
    'connector-registry push connector.rb --connector 42 --note "paginate contacts" --release',
  );
  example(
    withCommon(
      program
        .command('pull')
        .description("print or save a version's code (the latest unless --version)")
        .argument('<id>', 'the connector (its ID or number)', connectorId)
        .option('--version <n>', 'the version number', positiveInt)
        .option('-o, --output <file>', 'write the code to this file')
        .option(
          '--tests <dir>',
          'also write its test cases there, one JSON file each (for test --local)',
        ),
    ).action(act((id: string, opts) => pull(id, opts))),
    'connector-registry pull 42 --version 3 -o connector.rb --tests tests/',
  );
  example(
    withCommon(
      program
        .command('release')
        .description(
          'release the latest version to the workspace (refused with TESTS_FAILING when the connector requires passing tests)',
        )
        .argument('<id>', 'the connector (its ID or number)', connectorId)
        .option('--share', 'also share it with installers'),
    ).action(act((id: string, opts) => release(id, opts))),
    'connector-registry release 42 --share',
  );
  example(
    withCommon(
      program
        .command('test')
        .description(
          "replay a connector's recorded test cases: the registry's, against a version (default: the latest), or test files on this machine with --local; exits 1 when any fails",
        )
        .argument('[id]', 'the connector (its ID or number)', connectorId)
        .option('--version <n>', 'the version to test', positiveInt)
        .option(
          '--local <file>',
          'replay test files on this machine against this connector code (no registry needed)',
        )
        .option('--dir <dir>', 'with --local: the directory of test files (default: tests)')
        .option(
          '--timeout <seconds>',
          "how long to wait for the registry's verdicts",
          (v) => positiveInt(v),
          300,
        ),
    ).action(act((id: string | undefined, opts) => test(id, opts))),
    'connector-registry test 42 --version 7 --json\n  connector-registry test --local connector.rb --dir tests/',
  );
  example(
    withCommon(
      program
        .command('record')
        .description(
          'save a test case in the registry: record TARGET from a live run there, or upload a test file with --file',
        )
        .argument('<id>', 'the connector (its ID or number)', connectorId)
        .argument('[target]', 'what to run: actions.NAME, triggers.NAME.poll, test …')
        .option('--name <name>', "the test's name (with --file: default the file's)")
        .option('--version <n>', 'the version to run (default: the latest)', positiveInt)
        .option('--connection <id>', 'the saved connection to run with (its ID)')
        .option('--input <file>', 'the input (JSON)')
        .option('--closure <file>', "a poll's closure (JSON)")
        .option(
          '--file <file>',
          'a test file to upload instead (as pull --tests and exec --record write them)',
        )
        .option('--timeout <seconds>', 'how long to wait for the run', (v) => positiveInt(v), 120),
    ).action(
      act(async (id: string, target: string | undefined, opts) => {
        const { recordTest } = await import('./tests.js');
        await recordTest(client(opts), id, target, opts, (label, work) =>
          withProgress(label, opts, work),
        );
      }),
    ),
    'connector-registry record 42 actions.get_contact --name "get contact 7" --connection Q29u… --input input.json',
  );
  example(
    withCommon(
      program
        .command('diff')
        .description('compare two versions: what changes for installers, and the unified diff')
        .argument('<id>', 'the connector (its ID or number)', connectorId)
        .argument('<from>', 'the older version', positiveInt)
        .argument('<to>', 'the newer version', positiveInt),
    ).action(act((id: string, from: number, to: number, opts) => diff(id, from, to, opts))),
    'connector-registry diff 42 3 4',
  );
  example(
    withCommon(
      program
        .command('versions')
        .description("a connector's versions, newest first")
        .argument('<id>', 'the connector (its ID or number)', connectorId)
        .option(
          '--limit <n>',
          'how many (1 to 100)',
          (v) => {
            const n = positiveInt(v);
            if (n > 100) throw new InvalidArgumentError('at most 100');
            return n;
          },
          20,
        ),
    ).action(act((id: string, opts) => versions(id, opts))),
    'connector-registry versions 42 --json',
  );
  example(
    program
      .command('exec')
      .description(
        "run one path of a connector on this machine, in the same sandbox and limits as the registry's executor (no registry needed)",
      )
      .argument(
        '<path>',
        "what to run, as the SDK's exec: test, actions.NAME, actions.NAME.execute, triggers.NAME.poll, pick_lists.NAME, methods.NAME …",
      )
      .requiredOption('--connector <file>', 'the connector code (Ruby)')
      .option('--input <file>', "the lambda's input (JSON)")
      .option('--closure <file>', "a poll's closure (JSON)")
      .option('--args <file>', "a method's arguments (JSON array)")
      .option('--payload <file>', "a webhook notification's payload (JSON)")
      .option('--settings <file>', "the connection's values (JSON, or YAML as settings.yaml)")
      .option('--output <file>', 'write the output (JSON) to this file instead of stdout')
      .option('--verbose', 'print every HTTP request and response (secrets redacted) on stderr')
      .option('--record <file>', "write the run's HTTP exchanges and output as a recording")
      .option('--replay <file>', 'answer HTTP from a recording instead of the network')
      .option(
        '--write-settings',
        'when a token refresh changes the settings, write them back to --settings',
      )
      .option('--json', 'print one JSON document: status, output, error, logs')
      .action(
        act(async (path: string, opts: ExecOptions) => {
          const { execCommand } = await import('./exec.js');
          await execCommand(path, opts);
        }),
      ),
    'connector-registry exec actions.list_contacts --connector connector.rb --settings settings.yaml --input input.json --verbose',
  );
  const generate = program.command('generate').description('generate things from samples');
  example(
    withCommon(
      generate
        .command('schema')
        .description(
          "field schema (the DSL's input/output fields) from a JSON or CSV sample, by the registry",
        )
        .argument('<kind>', 'json or csv')
        .argument('<file>', 'the sample file, or - for stdin')
        .option('--col-sep <sep>', `CSV column separator: ${COL_SEPS.join(', ')}`),
    ).action(act((kind: string, file: string, opts) => generateSchema(kind, file, opts))),
    'connector-registry generate schema csv contacts.csv --col-sep semicolon',
  );
}
