/**
 * `exec`: runs one path of a connector on this machine, no registry needed, in the same sandbox
 * and with the same limits as the server's executor (its own supervised process, a fresh VM,
 * HTTP only through the address guard; EXECUTOR_* and RUN_TIMEOUT_MS apply as for `serve`).
 * Like the SDK gem's `exec`: input, closure and settings from files, the output as JSON,
 * `--verbose` for the HTTP log (secrets redacted), and a recording to write or to replay.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { analyzeConnectorCode } from '../../code/analyze.js';
import { loadConfig } from '../../config.js';
import {
  executorOptionsFromConfig,
  startExecutor,
  type Executor,
  type Recording,
  type RunResult,
} from '../../executor/index.js';
import { REDACTED } from '../../domain/redact.js';
import { CliError, EXIT } from './errors.js';

export interface ExecOptions {
  connector: string;
  input?: string;
  closure?: string;
  args?: string;
  payload?: string;
  settings?: string;
  output?: string;
  verbose?: boolean;
  record?: string;
  replay?: string;
  writeSettings?: boolean;
  json?: boolean;
}

function readFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      `Cannot read the ${what} ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}.`,
      EXIT.failure,
      'FILE',
    );
  }
}

/** A JSON file (or YAML for settings: `.yml`/`.yaml`, as the SDK's settings.yaml). */
function readData(path: string | undefined, what: string): unknown {
  if (path === undefined) return undefined;
  const text = readFile(path, what);
  try {
    return /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new CliError(
      `The ${what} ${path} does not parse: ${(error as Error).message.split('\n')[0]}`,
      EXIT.failure,
      'INVALID_INPUT',
    );
  }
}

function object(value: unknown, what: string, path?: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new CliError(
      `The ${what} ${path} must hold a JSON object.`,
      EXIT.failure,
      'INVALID_INPUT',
    );
  return value as Record<string, unknown>;
}

function recordingOf(value: unknown, path: string): Recording {
  const exchanges = (value as { exchanges?: unknown })?.exchanges;
  if (!Array.isArray(exchanges))
    throw new CliError(
      `${path} is not a recording: it has no "exchanges" list (write one with --record).`,
      EXIT.failure,
      'INVALID_INPUT',
    );
  return { exchanges } as Recording;
}

function describeExchange(e: RunResult['exchanges'][number]): string {
  const lines = [`→ ${e.request.method} ${e.request.url}`];
  for (const [k, v] of Object.entries(e.request.headers)) lines.push(`    ${k}: ${v}`);
  if (e.request.body)
    lines.push(`    ${e.request.body}${e.request.bodyTruncated ? ' …(truncated)' : ''}`);
  if (e.response) {
    lines.push(`← ${e.response.status} in ${Math.round(e.elapsedMs)} ms`);
    for (const [k, v] of Object.entries(e.response.headers)) lines.push(`    ${k}: ${v}`);
    if (e.response.body)
      lines.push(`    ${e.response.body}${e.response.bodyTruncated ? ' …(truncated)' : ''}`);
  } else lines.push(`✗ ${e.error ?? 'no answer'}`);
  return lines.join('\n');
}

function describeError(result: RunResult): string {
  const e = result.error;
  if (!e) return `The run ended ${result.status}.`;
  return `${result.status}: ${e.line ? `line ${e.line}: ` : ''}${e.message}`;
}

/** The connection fields the code declares as passwords: redacted by name, as the server does for a saved connection. */
export async function passwordFieldsOf(code: string): Promise<string[]> {
  const analysis = await analyzeConnectorCode(code);
  return (analysis.structure?.connectionFields ?? [])
    .filter((f) => f.controlType === 'password')
    .map((f) => f.name);
}

/**
 * The executor `exec` and `tests` run code with, as configured (EXECUTOR_*, RUN_TIMEOUT_MS), on
 * V8's baseline compiler: a few runs and out, the optimizing one would cost more than it saves
 * (ExecutorOptions `optimize`).
 */
export function startLocalExecutor(): Promise<Executor> {
  return startExecutor({ ...executorOptionsFromConfig(loadConfig()), optimize: false });
}

export async function execCommand(target: string, opts: ExecOptions): Promise<void> {
  // Prism's parser runs on Node's WASI, which warns that it is experimental: noise on the
  // developer's stderr, where the run's own logs go. Other warnings still show.
  const emitWarning = process.emitWarning.bind(process);
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (
      !String(typeof warning === 'string' ? warning : warning.message).startsWith(
        'WASI is an experimental',
      )
    )
      (emitWarning as (...a: unknown[]) => void)(warning, ...rest);
  }) as typeof process.emitWarning;
  if (opts.record && opts.replay)
    throw new CliError('Give --record or --replay, not both.', EXIT.usage);
  const code = readFile(opts.connector, 'connector file');
  const settings =
    object(readData(opts.settings, 'settings file'), 'settings file', opts.settings) ?? {};
  const input = object(readData(opts.input, 'input file'), 'input file', opts.input);
  const closure = readData(opts.closure, 'closure file');
  const args = readData(opts.args, 'arguments file');
  if (args !== undefined && !Array.isArray(args))
    throw new CliError(
      `The arguments file ${opts.args} must hold a JSON array.`,
      EXIT.failure,
      'INVALID_INPUT',
    );
  const replay = opts.replay
    ? recordingOf(readData(opts.replay, 'recording'), opts.replay)
    : undefined;

  const secretFields = await passwordFieldsOf(code);
  const executor = await startLocalExecutor();
  let result: RunResult;
  try {
    result = await executor.run({
      runId: randomUUID(),
      code,
      target,
      input,
      closure,
      args: args as unknown[] | undefined,
      payload: readData(opts.payload, 'payload file'),
      settings,
      secretFields,
      replay,
    });
  } finally {
    await executor.close();
  }

  if (opts.verbose) {
    for (const e of result.exchanges) process.stderr.write(`${describeExchange(e)}\n`);
    process.stderr.write(`(${result.exchanges.length} request(s), ${result.durationMs} ms)\n`);
  }
  for (const line of result.logs) process.stderr.write(`${line}\n`);
  if (opts.record)
    writeFileSync(
      opts.record,
      // A recording is also a test file for `test --local`: what ran, with what, and what came out.
      `${JSON.stringify(
        {
          target,
          recordedAt: new Date().toISOString(),
          input: input ?? {},
          closure: closure ?? null,
          args: args ?? null,
          payload: readData(opts.payload, 'payload file') ?? null,
          settings: Object.fromEntries(
            Object.entries(settings).map(([k, v]) => [k, secretFields.includes(k) ? REDACTED : v]),
          ),
          exchanges: result.exchanges,
          output: result.output ?? null,
        },
        null,
        2,
      )}\n`,
    );

  if (result.settingsUpdate) {
    if (opts.writeSettings && opts.settings) {
      const merged = { ...settings, ...result.settingsUpdate };
      writeFileSync(
        opts.settings,
        /\.ya?ml$/i.test(opts.settings)
          ? stringifyYaml(merged)
          : `${JSON.stringify(merged, null, 2)}\n`,
        { mode: 0o600 },
      );
      chmodSync(opts.settings, 0o600); // it now holds tokens
      process.stderr.write(
        `The connection's settings changed (a token was refreshed); written back to ${opts.settings}.\n`,
      );
    } else {
      process.stderr.write(
        `The connection's settings changed (a token was refreshed): run with --write-settings to save them in ${opts.settings ?? 'the settings file'}.\n`,
      );
    }
  }

  const document = opts.json
    ? {
        status: result.status,
        output: result.output ?? null,
        error: result.error ?? null,
        logs: result.logs,
        exchanges: result.exchanges.length,
        durationMs: result.durationMs,
        settingsChanged: !!result.settingsUpdate,
      }
    : (result.output ?? null);
  const text = `${JSON.stringify(document, null, 2)}\n`;
  if (opts.output) writeFileSync(opts.output, text);
  else if (result.status === 'SUCCEEDED' || opts.json) process.stdout.write(text);
  if (result.status !== 'SUCCEEDED') {
    process.stderr.write(`${describeError(result)}\n`);
    process.exitCode = EXIT.failure;
  }
}
