import type { CodeStructure } from '../code/structure.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { PrismaClient } from '../db/database.js';
import { mergeSettings, openValues, secretNames } from '../domain/connections.js';
import { redactDeep, secretStrings } from '../domain/redact.js';
import { authorizationCodeOf, isExchangeTarget } from '../domain/oauth.js';
import { announceRun } from '../domain/runs.js';
import { replayOf, settleTestResult } from '../domain/test-results.js';
import { judge } from '../domain/test-verdict.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { Logger } from '../log.js';
import type { ExecResult, ExecutorHandle } from './contract.js';

export interface ExecuteDeps {
  prisma: PrismaClient;
  box: SecretBox;
  executor: ExecutorHandle;
  /** Who takes the run (recorded on it; the crash sweeper looks for runs of silent executors). */
  executorId: string;
  log: Logger;
  /** Per-run limits handed to the engine (wall clock…). */
  limits?: Record<string, number>;
  /** How often a running run's heartbeat is written (ms). */
  heartbeatMs?: number;
}

/** Recorded output is capped like the engine's; a result past it is stored as an error. */
const MAX_STORED_OUTPUT_BYTES = 1024 * 1024;

/**
 * Executes one stored run: claims it (QUEUED → RUNNING, so it runs at most once whoever else
 * holds its id), hands the code, target and opened connection values to the executor, and stores
 * what came back, secrets redacted again on the way in, the connection's refreshed settings sealed.
 * A run cancelled meanwhile keeps its CANCELLED status. Each change is announced to subscribers.
 */
export async function executeRun(
  deps: ExecuteDeps,
  runId: number,
  signal?: AbortSignal,
): Promise<void> {
  const { prisma, box } = deps;
  const claimed = await prisma.$transaction(async (tx) => {
    const { count } = await tx.connectorRun.updateMany({
      where: { id: runId, status: 'QUEUED' },
      data: {
        status: 'RUNNING',
        startedAt: new Date(),
        heartbeatAt: new Date(),
        executorId: deps.executorId,
      },
    });
    if (count === 0) return null;
    const run = await tx.connectorRun.findUniqueOrThrow({ where: { id: runId } });
    await announceRun(tx, run);
    return run;
  });
  if (!claimed) return; // cancelled before it started, or taken by another executor

  let secrets: string[] = [];
  let replay: Awaited<ReturnType<typeof replayOf>> = null;
  const heartbeat = setInterval(() => {
    prisma.connectorRun
      .updateMany({ where: { id: runId, status: 'RUNNING' }, data: { heartbeatAt: new Date() } })
      .catch((err: unknown) => deps.log.warn({ err, runId }, 'run heartbeat failed'));
  }, deps.heartbeatMs ?? 2_000);
  heartbeat.unref?.();
  let result: ExecResult;
  try {
    const version = await prisma.connectorVersion.findUniqueOrThrow({
      where: { connectorId_number: { connectorId: claimed.connectorId, number: claimed.version } },
      select: { code: true, structure: true },
    });
    // A test replay answers HTTP from its recording, with the settings it was recorded with.
    replay = await replayOf(prisma, runId);
    const connection = claimed.connectionId
      ? await prisma.connection.findUnique({ where: { id: claimed.connectionId } })
      : null;
    const settings = replay?.settings ?? (connection ? openValues(box, connection) : {});
    const fields = ((version.structure ?? null) as CodeStructure | null)?.connectionFields ?? null;
    const secretFields = replay?.secretFields ?? secretNames(settings, fields);
    secrets = secretStrings(settings, secretFields);
    let input = (claimed.input ?? {}) as Record<string, unknown>;
    if (isExchangeTarget(claimed.target)) {
      // The authorization code of an OAuth2 callback: sealed beside the flow, never in the run's record.
      const code = await authorizationCodeOf(prisma, box, runId);
      if (code) {
        input = { ...input, auth_code: code };
        secrets.push(code);
      }
    }
    // The recorded input is redacted; the run gets the input as the caller gave it only through
    // the row, so a redacted value stays redacted (callers never need to send secrets as input).
    result = await deps.executor.run(
      {
        runId: String(runId),
        // An update's merged result is tested before it becomes a version.
        code: claimed.code ?? version.code,
        target: claimed.target,
        input,
        closure: claimed.closure ?? undefined,
        args: (claimed.args as unknown[] | null) ?? undefined,
        payload: claimed.payload ?? undefined,
        settings,
        secretFields,
        ...(replay ? { replay: { exchanges: replay.exchanges } } : {}),
        limits: deps.limits,
      },
      { signal },
    );
  } catch (error) {
    deps.log.error({ err: error, runId }, 'executor failed to run');
    result = {
      status: 'EXECUTOR_CRASHED',
      error: {
        message: 'The executor failed before the run could finish.',
        kind: 'ExecutorCrashed',
      },
      logs: [],
      exchanges: [],
      durationMs: 0,
    };
  } finally {
    clearInterval(heartbeat);
  }
  await storeResult(deps, claimed, result, secrets, replay);
}

async function storeResult(
  deps: ExecuteDeps,
  run: { id: number; connectionId: number | null; target: string },
  result: ExecResult,
  given: string[],
  replay: Awaited<ReturnType<typeof replayOf>> = null,
): Promise<void> {
  // The new settings' secrets (tokens just obtained) are taken out of the record too.
  const update = (result.settingsUpdate ?? {}) as Record<string, string | number | boolean>;
  const secrets = [
    ...new Set([...given, ...secretStrings(update, secretNames(update, null))]),
  ].sort((a, b) => b.length - a.length);
  let output = result.output === undefined ? null : redactDeep(result.output, secrets);
  let status = result.status;
  let error = result.error
    ? { ...result.error, message: redactDeep(result.error.message, secrets) }
    : null;
  if (output !== null && Buffer.byteLength(JSON.stringify(output)) > MAX_STORED_OUTPUT_BYTES) {
    output = null;
    status = 'FAILED';
    error = {
      message: `The output is larger than ${MAX_STORED_OUTPUT_BYTES} bytes.`,
      kind: 'OutputTooLarge',
    };
  }
  const details = redactDeep(
    {
      poll: result.poll ?? null,
      schema: result.schema ?? null,
      logsDropped: result.logsDropped ?? 0,
    },
    secrets,
  );
  await deps.prisma.$transaction(async (tx) => {
    const current = await tx.connectorRun.findUnique({
      where: { id: run.id },
      select: { status: true },
    });
    if (!current) return; // deleted meanwhile (connector gone)
    const cancelled = current.status === 'CANCELLED';
    let settingsUpdated = false;
    if (
      !cancelled &&
      !replay &&
      result.settingsUpdate &&
      run.connectionId &&
      Object.keys(result.settingsUpdate).length
    ) {
      settingsUpdated = await mergeSettings(tx, deps.box, run.connectionId, result.settingsUpdate, {
        authorized: isExchangeTarget(run.target),
      });
    }
    if (replay) {
      const verdict = cancelled
        ? judge(replay, { status: 'CANCELLED', error: { message: 'The replay was cancelled.' } })
        : judge(replay, {
            status,
            output,
            error,
            outputFields: (result.schema as { outputFields?: unknown } | undefined)?.outputFields,
          });
      await settleTestResult(tx, run.id, verdict, result.durationMs);
    }
    const row = await tx.connectorRun.update({
      where: { id: run.id },
      data: {
        ...(cancelled
          ? {}
          : {
              status,
              errorMessage: error?.message ?? null,
              errorLine: error?.line ?? null,
              errorKind: error?.kind ?? null,
              output: (output ?? undefined) as Prisma.InputJsonValue | undefined,
            }),
        details: details as Prisma.InputJsonValue,
        logs: redactDeep(result.logs, secrets),
        exchanges: redactDeep(result.exchanges, secrets) as unknown as Prisma.InputJsonValue,
        durationMs: Math.round(result.durationMs),
        settingsUpdated,
        finishedAt: cancelled ? undefined : new Date(),
        heartbeatAt: null,
      },
    });
    await announceRun(tx, row);
  });
}

/**
 * Runs whose executor went silent (a killed `executor` process): RUNNING with no heartbeat for
 * `staleMs` end EXECUTOR_CRASHED. They are not retried: a run may have sent requests that change
 * things (an action that creates a record), and running it again would repeat them.
 */
export async function failSilentRuns(prisma: PrismaClient, staleMs: number): Promise<number> {
  const stale = await prisma.connectorRun.findMany({
    where: { status: 'RUNNING', heartbeatAt: { lt: new Date(Date.now() - staleMs) } },
    select: { id: true },
    take: 100,
  });
  let n = 0;
  for (const { id } of stale) {
    n += await prisma.$transaction(async (tx) => {
      const { count } = await tx.connectorRun.updateMany({
        where: { id, status: 'RUNNING', heartbeatAt: { lt: new Date(Date.now() - staleMs) } },
        data: {
          status: 'EXECUTOR_CRASHED',
          finishedAt: new Date(),
          errorKind: 'ExecutorCrashed',
          errorMessage:
            'The executor running this run stopped (crashed or was killed) before it finished; the run was not retried.',
        },
      });
      if (count) {
        await settleTestResult(
          tx,
          id,
          judge(
            { expectedOutput: null, assertions: [] },
            {
              status: 'EXECUTOR_CRASHED',
              error: { message: 'The executor stopped before the replay finished.' },
            },
          ),
          null,
        );
        await announceRun(tx, await tx.connectorRun.findUniqueOrThrow({ where: { id } }));
      }
      return count;
    });
  }
  return n;
}
