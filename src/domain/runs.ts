import type { Diagnostic } from '../code/analyze.js';
import type { CodeStructure } from '../code/structure.js';
import { notifyInTransaction } from '../events/sql-notify.js';
import type { ConnectorRun, Prisma, RunStatus } from '../generated/prisma/client.js';
import { command } from './command.js';
import { FINAL_STATUSES } from './run-status.js';
import type { RunServices } from './run-services.js';
import {
  connectionFieldsOf,
  connectorOfWorkspace,
  findConnection,
  openValues,
  requireRunUser,
  runServices,
  secretNames,
  workspaceFinder,
} from './connections.js';
import { analyzeCode } from '../code/analyze-pool.js';
import { updateConnector } from './connectors.js';
import { checkCode } from './input.js';
import type { Actor, DomainContext } from './context.js';
import { InvalidInputError, NotFoundError, PreconditionError, RunRefusedError } from './errors.js';
import { redactDeep, secretStrings } from './redact.js';
import { settleTestResult } from './test-results.js';
import { judge } from './test-verdict.js';

/**
 * Runs of connector code: the rules before a run is stored (who, which version, which target,
 * which input and connection), the record itself, cancellation, and the history cap. Executing a
 * stored run is src/runs/ (the embedded executor or the PostgreSQL queue).
 */

export const RUN_LIMITS = {
  inputBytes: 1024 * 1024,
  closureBytes: 64 * 1024,
  targetChars: 300,
} as const;

/** Topic of a workspace's run changes: `{ runId, connectorId, status }`, announced from the committing transaction. */
export const runTopic = (workspaceId: number) => `runs:${workspaceId}`;
/** Topic every executor listens on for cancellations: `{ runId }`. */
export const RUN_CANCEL_TOPIC = 'run-cancel';

export interface RunEvent {
  runId: number;
  connectorId: number;
  status: RunStatus;
}

/** Announces a run's new state to subscribers (every gateway on PostgreSQL), when the transaction commits. */
export async function announceRun(
  tx: Prisma.TransactionClient,
  run: Pick<ConnectorRun, 'id' | 'workspaceId' | 'connectorId' | 'status'>,
): Promise<void> {
  await notifyInTransaction(tx, runTopic(run.workspaceId), {
    runId: run.id,
    connectorId: run.connectorId,
    status: run.status,
  } satisfies RunEvent);
}

export type TargetKind =
  | 'test'
  | 'action'
  | 'action_part'
  | 'trigger_poll'
  | 'trigger_webhook'
  | 'trigger_part'
  | 'pick_list'
  | 'method'
  | 'object_definition';

const NAME = '[A-Za-z_][A-Za-z0-9_]*[?!]?';
const TARGETS: [RegExp, TargetKind][] = [
  [/^test$/, 'test'],
  [new RegExp(`^actions\\.(${NAME})$`), 'action'],
  [new RegExp(`^actions\\.(${NAME})\\.(?:execute|input_fields|output_fields)$`), 'action_part'],
  [new RegExp(`^triggers\\.(${NAME})\\.poll$`), 'trigger_poll'],
  [new RegExp(`^triggers\\.(${NAME})\\.webhook_notification$`), 'trigger_webhook'],
  [new RegExp(`^triggers\\.(${NAME})\\.(?:input_fields|output_fields)$`), 'trigger_part'],
  [new RegExp(`^pick_lists\\.(${NAME})$`), 'pick_list'],
  [new RegExp(`^methods\\.(${NAME})$`), 'method'],
  [new RegExp(`^object_definitions\\.(${NAME})\\.fields$`), 'object_definition'],
];

/** What a target names, checked against the version's actions and triggers. */
export function parseTarget(
  target: unknown,
  version: { actions: string[]; triggers: string[]; number: number },
): { target: string; kind: TargetKind; name: string | null } {
  if (typeof target !== 'string' || target.trim() === '')
    throw new InvalidInputError(
      'target is required: `test`, `actions.<name>`, `triggers.<name>.poll`, `pick_lists.<name>`, `methods.<name>`…',
      'input.target',
    );
  if (target.length > RUN_LIMITS.targetChars)
    throw new InvalidInputError('target is too long.', 'input.target');
  for (const [re, kind] of TARGETS) {
    const m = re.exec(target);
    if (!m) continue;
    const name = m[1] ?? null;
    if ((kind === 'action' || kind === 'action_part') && !version.actions.includes(name!)) {
      throw new InvalidInputError(
        `Version ${version.number} has no action ${name} (it has ${version.actions.join(', ') || 'none'}).`,
        'input.target',
      );
    }
    if (
      (kind === 'trigger_poll' || kind === 'trigger_webhook' || kind === 'trigger_part') &&
      !version.triggers.includes(name!)
    ) {
      throw new InvalidInputError(
        `Version ${version.number} has no trigger ${name} (it has ${version.triggers.join(', ') || 'none'}).`,
        'input.target',
      );
    }
    return { target, kind, name };
  }
  throw new InvalidInputError(
    `${JSON.stringify(target.slice(0, 100))} is not a target: use test, actions.<a>[.execute|.input_fields|.output_fields], triggers.<t>.poll, triggers.<t>.webhook_notification, triggers.<t>.input_fields|output_fields, pick_lists.<p>, methods.<m> or object_definitions.<o>.fields.`,
    'input.target',
  );
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '');
}

export interface StartRunInput {
  connectorId: number;
  /** Unset: the latest version (after saving `code`, when given). */
  version?: number | null;
  target: unknown;
  input?: unknown;
  closure?: unknown;
  args?: unknown;
  payload?: unknown;
  connectionId?: number | null;
  /** Unsaved editor text: saved as the next version first (when it differs from the latest), then run. */
  code?: string | null;
  /** With `code`: refuse with VERSION_CONFLICT unless the connector is still at this version. */
  expectedLatestVersion?: number | null;
}

export interface StartedRun {
  run: ConnectorRun;
  /** The version `code` was saved as; null when nothing was saved. */
  savedVersion: number | null;
}

/** Who may run, on what: a run user, an executor, and a connector of their workspace. */
export async function runnable(ctx: DomainContext, connectorId: number, field: string) {
  const actor = requireRunUser(ctx);
  const services = runServices(ctx);
  if (!services.canRun)
    throw new RunRefusedError(
      'EXECUTOR_UNAVAILABLE',
      'This registry runs no connector code (EXECUTOR_MODE=none).',
    );
  const connector = await connectorOfWorkspace(ctx, connectorId, actor.workspaceId, field);
  return { actor, services, connector };
}

/** Runs a workspace may have queued or running at once (test replays have their own limit, src/domain/tests.ts). */
async function checkInFlight(ctx: DomainContext, workspaceId: number, services: RunServices) {
  const inFlight = await ctx.prisma.connectorRun.count({
    where: { workspaceId, status: { in: ['QUEUED', 'RUNNING'] }, testResult: { is: null } },
  });
  if (inFlight >= services.maxInFlightPerWorkspace) {
    throw new RunRefusedError(
      'TOO_MANY_RUNS',
      `Your workspace has ${inFlight} runs queued or running (at most ${services.maxInFlightPerWorkspace}); retry when one ends.`,
    );
  }
}

/** Checks a run, stores it QUEUED (audited, announced) and hands it to an executor. Bad input stores nothing. */
export async function startRun(ctx: DomainContext, input: StartRunInput): Promise<StartedRun> {
  const { actor, services, connector } = await runnable(
    ctx,
    input.connectorId,
    'input.connectorId',
  );

  // Check everything that does not depend on the version before saving code, so that bad input saves nothing.
  const runInput = input.input ?? {};
  if (typeof runInput !== 'object' || runInput === null || Array.isArray(runInput))
    throw new InvalidInputError('input must be a JSON object.', 'input.input');
  if (jsonBytes(runInput) > RUN_LIMITS.inputBytes)
    throw new InvalidInputError(
      `input is larger than ${RUN_LIMITS.inputBytes} bytes.`,
      'input.input',
    );
  if (
    input.closure !== undefined &&
    input.closure !== null &&
    jsonBytes(input.closure) > RUN_LIMITS.closureBytes
  ) {
    throw new InvalidInputError(
      `closure is larger than ${RUN_LIMITS.closureBytes} bytes.`,
      'input.closure',
    );
  }
  if (input.args !== undefined && input.args !== null && !Array.isArray(input.args))
    throw new InvalidInputError(
      "args must be a JSON array (the method's arguments).",
      'input.args',
    );
  if (
    input.payload !== undefined &&
    input.payload !== null &&
    (typeof input.payload !== 'object' || Array.isArray(input.payload))
  ) {
    throw new InvalidInputError(
      "payload must be a JSON object (the webhook's body).",
      'input.payload',
    );
  }
  if (input.code != null && input.version != null)
    throw new InvalidInputError(
      'Give code (to save and run it) or version (to run a saved one), not both.',
      'input.version',
    );

  const connection =
    input.connectionId == null
      ? null
      : await findConnection(ctx, input.connectionId, 'input.connectionId');
  if (connection && connection.connectorId !== connector.id)
    throw new InvalidInputError(
      'The connection belongs to another connector.',
      'input.connectionId',
    );
  await checkInFlight(ctx, actor.workspaceId, services);

  // Unsaved editor text is saved as the next version first, as the platform's test console does;
  // it is checked (errors, target) before it is saved, so a refused run saves nothing.
  let savedVersion: number | null = null;
  let number = input.version ?? connector.latestVersion;
  if (input.code != null) {
    checkCode(input.code);
    const analysis = await analyzeCode(input.code);
    checkRunnable(
      {
        number: connector.latestVersion + 1,
        hasErrors: analysis.hasErrors,
        diagnostics: analysis.diagnostics,
      },
      'input.code',
    );
    parseTarget(input.target, {
      number: connector.latestVersion + 1,
      actions: analysis.actions,
      triggers: analysis.triggers,
    });
    const saved = await updateConnector(ctx, connector.id, {
      code: input.code,
      expectedLatestVersion: input.expectedLatestVersion ?? undefined,
    });
    savedVersion = saved.version;
    number = saved.version ?? saved.connector.latestVersion;
  }
  const version = await ctx.prisma.connectorVersion.findUnique({
    where: { connectorId_number: { connectorId: connector.id, number } },
    select: {
      number: true,
      hasErrors: true,
      diagnostics: true,
      actions: true,
      triggers: true,
      structure: true,
    },
  });
  if (!version) throw new NotFoundError(`The connector has no version ${number}.`, 'input.version');
  checkRunnable(version, 'input.version');
  const { target, kind } = parseTarget(input.target, version);
  if (input.closure != null && kind !== 'trigger_poll')
    throw new InvalidInputError('closure is only for triggers.<t>.poll.', 'input.closure');
  if (input.args != null && kind !== 'method')
    throw new InvalidInputError('args are only for methods.<m>.', 'input.args');
  if (input.payload != null && kind !== 'trigger_webhook')
    throw new InvalidInputError(
      'payload is only for triggers.<t>.webhook_notification.',
      'input.payload',
    );

  // The recorded input never holds a secret of the connection.
  let secrets: string[] = [];
  if (connection) {
    const fields =
      ((version.structure ?? null) as CodeStructure | null)?.connectionFields ??
      (await connectionFieldsOf(ctx.prisma, connector.id));
    const values = openValues(services.box, connection);
    secrets = secretStrings(values, secretNames(values, fields));
  }
  const redacted = (value: unknown) =>
    value == null ? undefined : (redactDeep(value, secrets) as Prisma.InputJsonValue);
  const run = await queueRun(
    ctx,
    actor,
    services,
    {
      connectorId: connector.id,
      version: number,
      target,
      input: redactDeep(runInput, secrets) as Prisma.InputJsonValue,
      closure: redacted(input.closure),
      args: redacted(input.args),
      payload: redacted(input.payload),
      connectionId: connection?.id ?? null,
    },
    savedVersion,
  );
  return { run, savedVersion };
}

/** A version with code errors (a connector that does not parse or is not a hash…) does not run. */
function checkRunnable(
  version: { number: number; hasErrors: boolean; diagnostics: unknown },
  field: string,
): void {
  if (!version.hasErrors) return;
  const first = ((version.diagnostics ?? []) as Diagnostic[]).find((d) => d.severity === 'error');
  throw new PreconditionError(
    'CODE_HAS_ERRORS',
    `Version ${version.number} has code errors and cannot run; fix them first.`,
    first ? `Line ${first.line}: ${first.message}` : null,
    field,
  );
}

/** What a new run records: its version, target and input (already redacted), and its connection. */
interface NewRun {
  connectorId: number;
  version: number;
  target: string;
  input: Prisma.InputJsonValue;
  closure?: Prisma.InputJsonValue;
  args?: Prisma.InputJsonValue;
  payload?: Prisma.InputJsonValue;
  connectionId: number | null;
}

/**
 * Stores a checked run QUEUED (within the connector's history cap), audits it as CONNECTOR_RUN,
 * announces it and hands it to an executor: how every run starts. `alsoInTransaction` writes what
 * must be stored before an executor can take the run.
 */
async function queueRun(
  ctx: DomainContext,
  actor: Actor,
  services: RunServices,
  run: NewRun,
  savedVersion: number | null,
  alsoInTransaction?: (tx: Prisma.TransactionClient, run: ConnectorRun) => Promise<void>,
): Promise<ConnectorRun> {
  const queued = await command(ctx, actor).run(async ({ tx, audit }) => {
    const row = await tx.connectorRun.create({
      data: {
        ...run,
        workspaceId: actor.workspaceId,
        actorId: actor.memberId,
        actorHandle: actor.handle,
        logs: [],
      },
    });
    await alsoInTransaction?.(tx, row);
    await pruneHistory(tx, run.connectorId, services.historyCap);
    await audit({
      action: 'CONNECTOR_RUN',
      workspaceId: actor.workspaceId,
      target: { type: 'ConnectorRun', id: row.id },
      after: {
        connectorId: run.connectorId,
        version: run.version,
        target: run.target,
        connectionId: run.connectionId,
        savedVersion,
      },
    });
    await announceRun(tx, row);
    return row;
  });
  await services.dispatch(queued.id);
  return queued;
}

/** Keeps the newest `cap` runs of a connector: older ones that are over are deleted. */
async function pruneHistory(
  tx: Prisma.TransactionClient,
  connectorId: number,
  cap: number,
): Promise<void> {
  const edge = await tx.connectorRun.findMany({
    where: { connectorId, testResult: { is: null } },
    orderBy: { id: 'desc' },
    skip: cap,
    take: 1,
    select: { id: true },
  });
  if (edge.length)
    await tx.connectorRun.deleteMany({
      where: {
        connectorId,
        id: { lte: edge[0].id },
        status: { in: [...FINAL_STATUSES] },
        testResult: { is: null },
      },
    });
}

/** A run of the caller's workspace (NOT_FOUND for any other). */
export const findRun = workspaceFinder('run', (db, where) => db.connectorRun.findFirst({ where }));

/** Cancels a queued or running run: it ends CANCELLED at once; its executor is told to stop it. */
export async function cancelRun(ctx: DomainContext, id: number): Promise<ConnectorRun> {
  const actor = requireRunUser(ctx);
  const services = runServices(ctx);
  const run = await findRun(ctx, id);
  const updated = await command(ctx, actor).run(async ({ tx, audit }) => {
    const { count } = await tx.connectorRun.updateMany({
      where: { id: run.id, status: { in: ['QUEUED', 'RUNNING'] } },
      data: {
        status: 'CANCELLED',
        finishedAt: new Date(),
        errorMessage: `Cancelled by ${actor.handle}.`,
        errorKind: 'cancelled',
      },
    });
    if (count > 0)
      await settleTestResult(
        tx,
        run.id,
        judge(
          { expectedOutput: null, assertions: [] },
          { status: 'CANCELLED', error: { message: `Cancelled by ${actor.handle}.` } },
        ),
        null,
      );
    if (count === 0)
      throw new RunRefusedError(
        'RUN_FINISHED',
        `The run is over already (${(await tx.connectorRun.findUnique({ where: { id: run.id } }))?.status ?? 'deleted'}).`,
        'input.id',
      );
    const row = await tx.connectorRun.findUniqueOrThrow({ where: { id: run.id } });
    await audit({
      action: 'RUN_CANCEL',
      workspaceId: actor.workspaceId,
      target: { type: 'ConnectorRun', id: run.id },
      before: { status: run.status },
      after: { status: 'CANCELLED' },
    });
    await announceRun(tx, row);
    return row;
  });
  await services.cancel(run.id);
  return updated;
}

/**
 * A run the registry starts itself for an OAuth2 authorization (`connection.authorization.*`
 * targets, which `runConnector` does not take): on the connector's latest version, with the
 * connection, recorded, audited and dispatched like any run. `alsoInTransaction` writes what must
 * be stored before an executor can take the run.
 */
export async function queueAuthorizationRun(
  ctx: DomainContext,
  input: {
    connectorId: number;
    connectionId: number;
    target: 'connection.authorization.authorization_url' | 'connection.authorization.acquire';
    input: Record<string, unknown>;
    alsoInTransaction?: (tx: Prisma.TransactionClient, run: ConnectorRun) => Promise<void>;
  },
): Promise<ConnectorRun> {
  const { actor, services, connector } = await runnable(ctx, input.connectorId, 'input.id');
  const version = await ctx.prisma.connectorVersion.findUniqueOrThrow({
    where: { connectorId_number: { connectorId: connector.id, number: connector.latestVersion } },
    select: { number: true, hasErrors: true, diagnostics: true },
  });
  checkRunnable(version, 'input.id');
  await checkInFlight(ctx, actor.workspaceId, services);
  return queueRun(
    ctx,
    actor,
    services,
    {
      connectorId: connector.id,
      version: version.number,
      target: input.target,
      input: input.input as Prisma.InputJsonValue,
      connectionId: input.connectionId,
    },
    null,
    input.alsoInTransaction,
  );
}

/** The run once it is over (read every `everyMs`); null when it is not over after `timeoutMs`. */
export async function waitForRunEnd(
  prisma: DomainContext['prisma'],
  runId: number,
  timeoutMs: number,
  everyMs = 100,
): Promise<ConnectorRun | null> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const run = await prisma.connectorRun.findUnique({ where: { id: runId } });
    if (!run || FINAL_STATUSES.includes(run.status)) return run;
    if (Date.now() >= until) return null;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
