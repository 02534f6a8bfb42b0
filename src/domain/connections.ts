import type { FieldSpec, CodeStructure } from '../code/structure.js';
import type { Connection, Prisma } from '../generated/prisma/client.js';
import { canUseRuns } from './access.js';
import { command } from './command.js';
import type { Tx } from './connector-store.js';
import { requireActor, type Actor, type DomainContext } from './context.js';
import { ForbiddenError, InvalidInputError, NotFoundError, RunRefusedError } from './errors.js';
import type { RunServices } from './run-services.js';

/**
 * Saved connections: the values a connector's `connection.fields` ask for (and the tokens an
 * OAuth2 authorization or a refresh gives), per connector, in one workspace. Every value is
 * sealed at rest (AES-256-GCM, src/crypto/secret-box.ts) and only opened to hand the settings to
 * an executor or to show the values that are not secret. Secret values are write-only: the API
 * says whether each is set, never what it is.
 */

export const CONNECTION_LIMITS = {
  nameChars: 100,
  values: 100,
  valueChars: 20_000,
  perConnector: 100,
} as const;

/** Value names that hold secrets whatever their control type says. */
const SECRET_NAME =
  /pass(word|phrase)?|secret|token|api[_-]?key|private|credential|signature|cookie/i;

export type ConnectionValues = Record<string, string | number | boolean>;

export interface ValueView {
  name: string;
  /** Password-type fields, names that hold secrets, and values the code added (tokens). */
  secret: boolean;
  set: boolean;
  /** The value, for values that are not secret; null for secrets and unset values. */
  value: string | null;
}

/** Only ADMIN and DEVELOPER (members) see or use connections and runs. */
export function requireRunUser(ctx: DomainContext): Actor {
  const actor = requireActor(ctx);
  if (!canUseRuns(actor))
    throw new ForbiddenError(
      `Connections and runs are for ADMIN and DEVELOPER; the ${actor.role} role does not see them.`,
    );
  return actor;
}

export function runServices(ctx: DomainContext): RunServices {
  if (!ctx.runs)
    throw new RunRefusedError('EXECUTOR_UNAVAILABLE', 'This registry does not run connector code.');
  return ctx.runs;
}

/** Whether the value `name` is a secret for a connector whose connection fields are `fields`. */
export function isSecret(name: string, fields: FieldSpec[] | null): boolean {
  if (SECRET_NAME.test(name)) return true;
  const field = fields?.find((f) => f.name === name);
  if (!field) return fields !== null; // a value the code added (an access token…) when the fields are known
  return field.controlType === 'password';
}

/** The connection fields the connector's latest version declares (null: computed at run time). */
export async function connectionFieldsOf(
  prisma: Prisma.TransactionClient | DomainContext['prisma'],
  connectorId: number,
): Promise<FieldSpec[] | null> {
  const latest = await prisma.connectorVersion.findFirst({
    where: { connectorId },
    orderBy: { number: 'desc' },
    select: { structure: true },
  });
  return ((latest?.structure ?? null) as CodeStructure | null)?.connectionFields ?? null;
}

function checkName(value: unknown, field: string): string {
  const name = typeof value === 'string' ? value.trim() : '';
  if (!name || name.length > CONNECTION_LIMITS.nameChars)
    throw new InvalidInputError(
      `name must be 1 to ${CONNECTION_LIMITS.nameChars} characters.`,
      field,
    );
  return name;
}

/**
 * Values as the API takes them: a JSON object of strings, numbers and booleans (null removes a
 * value on update); names of declared fields only, when the code declares them literally.
 */
function checkValues(
  value: unknown,
  fields: FieldSpec[] | null,
  field = 'input.values',
): Record<string, string | number | boolean | null> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new InvalidInputError('values must be a JSON object of field names to values.', field);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > CONNECTION_LIMITS.values)
    throw new InvalidInputError(`At most ${CONNECTION_LIMITS.values} values.`, field);
  const out: Record<string, string | number | boolean | null> = {};
  for (const [name, v] of entries) {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,99}$/.test(name))
      throw new InvalidInputError(
        `${JSON.stringify(name.slice(0, 100))} is not a field name.`,
        `${field}.${name.slice(0, 100)}`,
      );
    if (fields && !fields.some((f) => f.name === name)) {
      throw new InvalidInputError(
        `The connector's connection has no field ${name} (it has ${fields.map((f) => f.name).join(', ') || 'none'}).`,
        `${field}.${name}`,
      );
    }
    if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      throw new InvalidInputError(
        `${name} must be a string, a number or a boolean.`,
        `${field}.${name}`,
      );
    if (typeof v === 'string' && (v.length > CONNECTION_LIMITS.valueChars || v.includes('\0')))
      throw new InvalidInputError(
        `${name} is too long or holds a NUL character.`,
        `${field}.${name}`,
      );
    out[name] = v;
  }
  return out;
}

function seal(box: RunServices['box'], values: ConnectionValues) {
  return { sealedValues: box.seal(JSON.stringify(values)), valueNames: Object.keys(values).sort() };
}

/** The connection's values, opened: for the executor and for showing values that are not secret. */
export function openValues(
  box: RunServices['box'],
  row: Pick<Connection, 'sealedValues'>,
): ConnectionValues {
  return JSON.parse(box.open(row.sealedValues)) as ConnectionValues;
}

/** Each value's name, whether it is a secret and set, and the value itself unless it is a secret. */
export function describeValues(
  box: RunServices['box'],
  row: Pick<Connection, 'sealedValues'>,
  fields: FieldSpec[] | null,
): ValueView[] {
  const values = openValues(box, row);
  const names = [...new Set([...(fields ?? []).map((f) => f.name), ...Object.keys(values)])];
  return names.map((name) => {
    const secret = isSecret(name, fields);
    const set = values[name] !== undefined && values[name] !== '';
    return {
      name,
      secret,
      set,
      value: secret || values[name] === undefined ? null : String(values[name]),
    };
  });
}

/** The names of the secret values, for redaction in runs. */
export function secretNames(values: ConnectionValues, fields: FieldSpec[] | null): string[] {
  const names = new Set([
    ...(fields ?? []).filter((f) => isSecret(f.name, fields)).map((f) => f.name),
  ]);
  for (const name of Object.keys(values)) if (isSecret(name, fields)) names.add(name);
  return [...names];
}

/**
 * A row of the run user's workspace by id, read by `find` with `{ id, workspaceId }`: NOT_FOUND
 * ("No <what> with that id in this workspace.") for a missing one and for another workspace's.
 */
export async function findOfWorkspace<T>(
  ctx: DomainContext,
  what: 'connection' | 'run' | 'test',
  id: number,
  field: string,
  find: (where: { id: number; workspaceId: number }) => Promise<T | null>,
): Promise<T> {
  const { workspaceId } = requireRunUser(ctx);
  const row = await find({ id, workspaceId });
  if (!row) throw new NotFoundError(`No ${what} with that id in this workspace.`, field);
  return row;
}

/**
 * Makes `find<What>(ctx, id, field = 'input.id', db = ctx.prisma)`: `findOfWorkspace` for one
 * kind of row (`db`: the transaction to read it in, where it is read under a lock).
 */
export function workspaceFinder<T>(
  what: 'connection' | 'run' | 'test',
  find: (db: Tx, where: { id: number; workspaceId: number }) => Promise<T | null>,
) {
  return (ctx: DomainContext, id: number, field = 'input.id', db: Tx = ctx.prisma): Promise<T> =>
    findOfWorkspace(ctx, what, id, field, (where) => find(db, where));
}

/** A connection of the caller's workspace (NOT_FOUND for any other). */
export const findConnection = workspaceFinder('connection', (db, where) =>
  db.connection.findFirst({ where }),
);

/** A connector of the workspace, by id (NOT_FOUND for any other): what connections, runs and tests hang on. */
export async function connectorOfWorkspace(
  ctx: DomainContext,
  connectorId: number,
  workspaceId: number,
  field = 'input.connectorId',
): Promise<{ id: number; latestVersion: number }> {
  const connector = await ctx.prisma.connector.findFirst({
    where: { id: connectorId, workspaceId },
    select: { id: true, latestVersion: true },
  });
  if (!connector) throw new NotFoundError('No connector with that id in this workspace.', field);
  return connector;
}

export async function createConnection(
  ctx: DomainContext,
  input: { connectorId: number; name: unknown; values?: unknown },
): Promise<Connection> {
  const actor = requireRunUser(ctx);
  const { box } = runServices(ctx);
  await connectorOfWorkspace(ctx, input.connectorId, actor.workspaceId);
  const name = checkName(input.name, 'input.name');
  const fields = await connectionFieldsOf(ctx.prisma, input.connectorId);
  const values = Object.fromEntries(
    Object.entries(checkValues(input.values, fields)).filter(([, v]) => v !== null),
  ) as ConnectionValues;
  return command(ctx, actor).run(async ({ tx, audit }) => {
    const count = await tx.connection.count({ where: { connectorId: input.connectorId } });
    if (count >= CONNECTION_LIMITS.perConnector)
      throw new InvalidInputError(
        `A connector has at most ${CONNECTION_LIMITS.perConnector} connections.`,
        'input.connectorId',
      );
    if (
      await tx.connection.findFirst({
        where: { connectorId: input.connectorId, name },
        select: { id: true },
      })
    ) {
      throw new InvalidInputError(
        `The connector has a connection named ${JSON.stringify(name)} already.`,
        'input.name',
      );
    }
    const row = await tx.connection.create({
      data: {
        workspaceId: actor.workspaceId,
        connectorId: input.connectorId,
        name,
        createdById: actor.memberId,
        ...seal(box, values),
      },
    });
    await audit({
      action: 'CONNECTION_CREATE',
      workspaceId: actor.workspaceId,
      target: { type: 'ConnectionProfile', id: row.id },
      after: { name, connectorId: input.connectorId, valueNames: row.valueNames },
    });
    return row;
  });
}

/** New values replace the given ones (null removes one); values not given are kept, secrets included. */
export async function updateConnection(
  ctx: DomainContext,
  id: number,
  input: { name?: unknown; values?: unknown },
): Promise<Connection> {
  const actor = requireRunUser(ctx);
  const { box } = runServices(ctx);
  const current = await findConnection(ctx, id);
  const name =
    input.name === undefined || input.name === null
      ? current.name
      : checkName(input.name, 'input.name');
  const fields = await connectionFieldsOf(ctx.prisma, current.connectorId);
  const changes = checkValues(input.values, fields);
  return command(ctx, actor).run(async ({ tx, audit }) => {
    const locked = await findConnection(ctx, id, 'input.id', tx);
    if (
      name !== locked.name &&
      (await tx.connection.findFirst({
        where: { connectorId: locked.connectorId, name },
        select: { id: true },
      }))
    ) {
      throw new InvalidInputError(
        `The connector has a connection named ${JSON.stringify(name)} already.`,
        'input.name',
      );
    }
    const values = openValues(box, locked);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) delete values[k];
      else values[k] = v;
    }
    const row = await tx.connection.update({ where: { id }, data: { name, ...seal(box, values) } });
    await audit({
      action: 'CONNECTION_UPDATE',
      workspaceId: actor.workspaceId,
      target: { type: 'ConnectionProfile', id },
      before: { name: locked.name, valueNames: locked.valueNames },
      after: { name, valueNames: row.valueNames, changed: Object.keys(changes).sort() },
    });
    return row;
  });
}

export async function deleteConnection(ctx: DomainContext, id: number): Promise<Connection> {
  const actor = requireRunUser(ctx);
  const current = await findConnection(ctx, id);
  return command(ctx, actor).run(async ({ tx, audit }) => {
    const row = await tx.connection.delete({ where: { id: current.id } });
    await audit({
      action: 'CONNECTION_DELETE',
      workspaceId: actor.workspaceId,
      target: { type: 'ConnectionProfile', id },
      before: { name: row.name, connectorId: row.connectorId },
    });
    return row;
  });
}

/**
 * New settings a run or an authorization hands back (a refreshed token, OAuth2 tokens): merged
 * into the connection and sealed again, in the caller's transaction.
 */
export async function mergeSettings(
  tx: Prisma.TransactionClient,
  box: RunServices['box'],
  connectionId: number,
  update: Record<string, unknown>,
  opts: { authorized?: boolean } = {},
): Promise<boolean> {
  const row = await tx.connection.findUnique({ where: { id: connectionId } });
  if (!row) return false;
  const values = openValues(box, row);
  for (const [k, v] of Object.entries(update)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,99}$/.test(k)) continue;
    if (v === null || v === undefined) delete values[k];
    else
      values[k] =
        typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
          ? v
          : JSON.stringify(v);
  }
  await tx.connection.update({
    where: { id: connectionId },
    data: { ...seal(box, values), ...(opts.authorized ? { authorizedAt: new Date() } : {}) },
  });
  return true;
}

export interface ResealReport {
  /** Connections whose values were sealed with an older key and are now sealed with the current one. */
  resealed: number;
  /** Connections already sealed with the current key (and OAuth2 flows' codes, none in the normal case). */
  current: number;
  /** Connections whose values could not be opened (a key configured nowhere, or tampered): id and why. */
  failed: { id: number; message: string }[];
}

/**
 * After a key rotation: re-seals every connection's values (and any OAuth2 authorization code in
 * flight) that is not sealed with the current key, so the old key can be dropped. Each row is
 * written only if it did not change meanwhile (a run's token refresh re-seals it with the current
 * key anyway). What cannot be opened is reported, not changed.
 */
export async function resealConnections(
  prisma: DomainContext['prisma'],
  box: RunServices['box'],
): Promise<ResealReport> {
  const report: ResealReport = { resealed: 0, current: 0, failed: [] };
  let after = 0;
  for (;;) {
    const rows = await prisma.connection.findMany({
      where: { id: { gt: after } },
      orderBy: { id: 'asc' },
      take: 200,
      select: { id: true, sealedValues: true },
    });
    if (!rows.length) break;
    after = rows[rows.length - 1].id;
    for (const row of rows) {
      if (box.isCurrent(row.sealedValues)) {
        report.current++;
        continue;
      }
      let plain: string;
      try {
        plain = box.open(row.sealedValues);
      } catch (error) {
        report.failed.push({ id: row.id, message: (error as Error).message });
        continue;
      }
      const { count } = await prisma.connection.updateMany({
        where: { id: row.id, sealedValues: row.sealedValues },
        data: { sealedValues: box.seal(plain) },
      });
      if (count) report.resealed++;
      else report.current++; // changed meanwhile: written with the current key
    }
  }
  const codes = await prisma.oAuthAuthorization.findMany({
    where: { sealedCode: { not: null } },
    select: { id: true, sealedCode: true },
  });
  for (const row of codes) {
    if (!row.sealedCode || box.isCurrent(row.sealedCode)) continue;
    try {
      await prisma.oAuthAuthorization.updateMany({
        where: { id: row.id, sealedCode: row.sealedCode },
        data: { sealedCode: box.seal(box.open(row.sealedCode)) },
      });
    } catch {
      // a code in flight lasts seconds: one that cannot be opened is simply left to expire
    }
  }
  return report;
}
