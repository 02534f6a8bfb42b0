/**
 * `test`: the CI gate. Against a registry, `test ID [--version N]` replays the connector's test
 * cases there and waits for every verdict; with `--local`, test files kept in a repository (as
 * `tests pull` writes them, or `exec --record` records them) replay on this machine in the same
 * sandbox as `exec`, judged by the same rules as the server (src/domain/test-verdict.ts).
 * Either way: one line per test, and exit code 1 when any failed.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { REDACTED } from '../../domain/redact.js';
import { hasEnded } from '../../domain/run-status.js';
import { judge, parseAssertions, type Failure, type Verdict } from '../../domain/test-verdict.js';
import type { Exchange } from '../../executor/index.js';
import { refusal, type RegistryClient } from './client.js';
import { CliError, EXIT, noConnector } from './errors.js';
import { passwordFieldsOf, startLocalExecutor } from './exec.js';

interface Common {
  json?: boolean;
}

interface Outcome {
  name: string;
  status: 'PASSED' | 'FAILED';
  reason: string | null;
  failures: Failure[];
  durationMs: number | null;
}

function report(opts: Common, subject: string, outcomes: Outcome[]): void {
  const failed = outcomes.filter((o) => o.status !== 'PASSED');
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({ subject, passed: outcomes.length - failed.length, failed: failed.length, total: outcomes.length, tests: outcomes }, null, 2)}\n`,
    );
  } else {
    const lines = outcomes.map((o) => {
      const ms = o.durationMs == null ? '' : ` (${o.durationMs} ms)`;
      if (o.status === 'PASSED') return `  ✓ ${o.name}${ms}`;
      const more = o.failures.slice(1, 6).map((f) => `      ${f.message}`);
      return [`  ✗ ${o.name}${ms}: ${o.reason}`, ...more].join('\n');
    });
    process.stdout.write(
      `${subject}\n${lines.join('\n')}\n${outcomes.length - failed.length} passed, ${failed.length} failed, ${outcomes.length} in all.\n`,
    );
  }
  if (failed.length) process.exitCode = EXIT.failure;
}

const SUMMARY = `query ($id: ID!, $n: Int!) { connector(id: $id) { title latestVersion version(number: $n) { number testSummary { total pending notRun results { status reason durationMs failures { path message } test { name } } } } } }`;

/** Replays the registry's test cases of a version there, and waits for all of them. */
export async function registryTests(
  api: RegistryClient,
  id: string,
  opts: Common & { version?: number; timeout: number },
  progress: <T>(label: string, work: () => Promise<T>) => Promise<T>,
): Promise<void> {
  const started = await progress('starting the replays', () =>
    api.graphql(
      `mutation ($input: RunConnectorTestsInput!) { runConnectorTests(input: $input) { results { version } userErrors { code message field } } }`,
      { input: { connectorId: id, version: opts.version } },
    ),
  );
  const payload = started.runConnectorTests;
  if (payload.userErrors.length) throw refusal(payload.userErrors);
  const version: number = payload.results[0].version;
  const until = Date.now() + opts.timeout * 1000;
  const summary = await progress(`replaying ${payload.results.length} test(s)`, async () => {
    for (;;) {
      const data = await api.graphql(SUMMARY, { id, n: version });
      const s = data.connector?.version?.testSummary;
      if (!s) throw noConnector(id);
      if (s.pending === 0 && s.notRun === 0) return { title: data.connector.title as string, ...s };
      if (Date.now() > until)
        throw new CliError(
          `The replays were not all done after ${opts.timeout} s (${s.pending} still running); see the console's Test tab.`,
          EXIT.failure,
          'TIMEOUT',
        );
      await new Promise((r) => setTimeout(r, 300));
    }
  });
  const outcomes: Outcome[] = (summary.results as any[])
    .map((r) => ({
      name: r.test.name as string,
      status: r.status,
      reason: r.reason,
      failures: r.failures,
      durationMs: r.durationMs,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  report(opts, `${summary.title} version ${version}:`, outcomes);
}

/** One test file: what `tests pull` writes and `exec --record` records. */
interface TestFile {
  name: string;
  target: string;
  input?: unknown;
  closure?: unknown;
  args?: unknown[];
  payload?: unknown;
  settings?: Record<string, unknown>;
  recording: Exchange[];
  expectedOutput?: unknown;
  assertions?: unknown;
}

function readTestFile(path: string): TestFile {
  let data: Record<string, any>;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(
      `The test file ${path} does not parse: ${(error as Error).message.split('\n')[0]}`,
      EXIT.failure,
      'INVALID_INPUT',
    );
  }
  const recording = data?.recording ?? data?.exchanges;
  if (!data || typeof data.target !== 'string' || !Array.isArray(recording))
    throw new CliError(
      `${path} is not a test file: it needs "target" and "recording" (a list of exchanges), as \`tests pull\` and \`exec --record\` write them.`,
      EXIT.failure,
      'INVALID_INPUT',
    );
  return {
    name: typeof data.name === 'string' ? data.name : basename(path, '.json'),
    target: data.target,
    input: data.input,
    closure: data.closure ?? undefined,
    args: data.args ?? undefined,
    payload: data.payload ?? undefined,
    settings: data.settings ?? {},
    recording,
    // `exec --record` names it `output`.
    expectedOutput: 'expectedOutput' in data ? data.expectedOutput : data.output,
    assertions: data.assertions,
  };
}

/** Replays the test files of a directory against a connector file, on this machine. */
export async function localTests(
  connectorFile: string,
  opts: Common & { dir: string },
): Promise<void> {
  let code: string;
  try {
    code = readFileSync(connectorFile, 'utf8');
  } catch {
    throw new CliError(`Cannot read the connector file ${connectorFile}.`, EXIT.failure, 'FILE');
  }
  let files: string[];
  try {
    files = readdirSync(opts.dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch {
    throw new CliError(`Cannot read the test directory ${opts.dir}.`, EXIT.failure, 'FILE');
  }
  if (!files.length)
    throw new CliError(
      `${opts.dir} holds no test files (*.json); write them with \`tests pull\` or \`exec --record\`.`,
      EXIT.failure,
      'NOT_FOUND',
    );
  const tests = files.map((f) => readTestFile(join(opts.dir, f)));
  const passwordFields = await passwordFieldsOf(code);
  const executor = await startLocalExecutor();
  const outcomes: Outcome[] = [];
  try {
    for (const t of tests) {
      const assertions = parseAssertions(t.assertions);
      if (typeof assertions === 'string') {
        outcomes.push({
          name: t.name,
          status: 'FAILED',
          reason: `The test file is wrong: ${assertions}`,
          failures: [],
          durationMs: null,
        });
        continue;
      }
      const settings = t.settings ?? {};
      const result = await executor.run({
        runId: randomUUID(),
        code,
        target: t.target,
        input: t.input ?? {},
        closure: t.closure,
        args: t.args,
        payload: t.payload,
        settings,
        secretFields: [
          ...new Set([
            ...passwordFields,
            ...Object.keys(settings).filter((k) => settings[k] === REDACTED),
          ]),
        ],
        replay: { exchanges: t.recording },
      });
      const verdict: Verdict = judge(
        { expectedOutput: t.expectedOutput ?? null, assertions },
        {
          status: result.status,
          output: result.output,
          error: result.error,
          outputFields: (result.schema as { outputFields?: unknown } | undefined)?.outputFields,
        },
      );
      outcomes.push({
        name: t.name,
        status: verdict.passed ? 'PASSED' : 'FAILED',
        reason: verdict.reason,
        failures: verdict.failures,
        durationMs: Math.round(result.durationMs),
      });
    }
  } finally {
    await executor.close();
  }
  report(
    opts,
    `${basename(connectorFile)} against ${tests.length} test file(s) in ${opts.dir}:`,
    outcomes,
  );
}

// A connector has at most 50 test cases: one page.
const TESTS = `query ($id: ID!) { connector(id: $id) { title tests(first: 50) { nodes { name target input closure args payload settings expectedOutput recording assertions { path equals present type } } } } }`;

/** Writes the registry's test cases of a connector as files, one per test, for `test --local`. */
export async function pullTests(
  api: RegistryClient,
  id: string,
  opts: Common & { dir: string },
): Promise<void> {
  const data = await api.graphql(TESTS, { id });
  const c = data.connector;
  if (!c) throw noConnector(id);
  mkdirSync(opts.dir, { recursive: true });
  const written: string[] = [];
  for (const t of c.tests.nodes as any[]) {
    const file = join(
      opts.dir,
      `${t.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'test'}.json`,
    );
    const assertions = (t.assertions as any[]).map((a) =>
      Object.fromEntries(
        Object.entries({ ...a, type: a.type?.toLowerCase() }).filter(
          ([, v]) => v !== null && v !== undefined,
        ),
      ),
    );
    writeFileSync(
      file,
      `${JSON.stringify({ name: t.name, target: t.target, input: t.input, closure: t.closure, args: t.args, payload: t.payload, settings: t.settings, expectedOutput: t.expectedOutput, assertions, recording: t.recording }, null, 2)}\n`,
    );
    written.push(file);
  }
  if (opts.json)
    process.stdout.write(`${JSON.stringify({ connector: id, files: written }, null, 2)}\n`);
  else process.stdout.write(`Wrote ${written.length} test file(s) of ${c.title} to ${opts.dir}.\n`);
}

const RECORD_RUN = `mutation ($input: RunConnectorInput!) { runConnector(input: $input) { run { id } userErrors { code message field } } }`;
const RUN_STATE = `query ($id: ID!) { node(id: $id) { ... on ConnectorRun { status error { message line } httpExchanges(first: 1) { totalCount } } } }`;
const SAVE_TEST = `mutation ($input: CreateConnectorTestInput!) { createConnectorTest(input: $input) { test { id name target exchangeCount } userErrors { code message field } } }`;
function readJson(path: string | undefined, what: string): unknown {
  if (path === undefined) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(
      `The ${what} ${path} cannot be read as JSON: ${(error as Error).message.split('\n')[0]}`,
      EXIT.failure,
      'INVALID_INPUT',
    );
  }
}

/**
 * Saves a test case in the registry: recorded from a live run there (TARGET with --connection and
 * --input), or uploaded from a test file (--file, as `tests pull` and `exec --record` write them).
 */
export async function recordTest(
  api: RegistryClient,
  id: string,
  target: string | undefined,
  opts: Common & {
    version?: number;
    name?: string;
    connection?: string;
    input?: string;
    closure?: string;
    file?: string;
    timeout: number;
  },
  progress: <T>(label: string, work: () => Promise<T>) => Promise<T>,
): Promise<void> {
  let input: Record<string, unknown>;
  if (opts.file) {
    if (target || opts.connection || opts.input)
      throw new CliError(
        'Give --file (a test file to upload) or a target to record live, not both.',
        EXIT.usage,
      );
    const t = readTestFile(opts.file);
    input = {
      connectorId: id,
      name: opts.name ?? t.name,
      target: t.target,
      input: t.input ?? {},
      closure: t.closure,
      args: t.args,
      payload: t.payload,
      settings: t.settings,
      recording: t.recording,
      expectedOutput: t.expectedOutput,
      assertions: Array.isArray(t.assertions)
        ? t.assertions.map((a: Record<string, unknown>) => ({
            ...a,
            type: typeof a.type === 'string' ? a.type.toUpperCase() : undefined,
          }))
        : undefined,
    };
  } else {
    if (!target)
      throw new CliError(
        'Give the target to record (e.g. actions.list_contacts), or --file.',
        EXIT.usage,
      );
    if (!opts.name) throw new CliError('Give the test a --name.', EXIT.usage);
    const started = await progress('running it on the registry', () =>
      api.graphql(RECORD_RUN, {
        input: {
          connectorId: id,
          version: opts.version,
          target,
          input: readJson(opts.input, 'input file') ?? {},
          closure: readJson(opts.closure, 'closure file'),
          connectionId: opts.connection,
        },
      }),
    );
    if (started.runConnector.userErrors.length) throw refusal(started.runConnector.userErrors);
    const runId: string = started.runConnector.run.id;
    const until = Date.now() + opts.timeout * 1000;
    const run = await progress('waiting for the run', async () => {
      for (;;) {
        const state = (await api.graphql(RUN_STATE, { id: runId })).node;
        if (state && hasEnded(state.status)) return state;
        if (Date.now() > until)
          throw new CliError(
            `The run did not end within ${opts.timeout} s.`,
            EXIT.failure,
            'TIMEOUT',
          );
        await new Promise((r) => setTimeout(r, 300));
      }
    });
    if (run.status !== 'SUCCEEDED')
      throw new CliError(
        `The run ended ${run.status}${run.error ? `${run.error.line ? ` (line ${run.error.line})` : ''}: ${run.error.message}` : ''}; only a run that succeeded is saved as a test.`,
        EXIT.failure,
        run.status,
      );
    input = { connectorId: id, name: opts.name, runId };
  }
  const saved = await progress('saving the test', () => api.graphql(SAVE_TEST, { input }));
  if (saved.createConnectorTest.userErrors.length)
    throw refusal(saved.createConnectorTest.userErrors);
  const t = saved.createConnectorTest.test;
  if (opts.json) process.stdout.write(`${JSON.stringify(t, null, 2)}\n`);
  else
    process.stdout.write(
      `Saved test "${t.name}" (${t.target}, ${t.exchangeCount} recorded exchange(s)).\n`,
    );
}
